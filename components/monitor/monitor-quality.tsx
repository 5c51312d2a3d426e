"use client";

import { useQuery } from "@tanstack/react-query";
import { ErrorNotice } from "@/components/ui/error-notice";
import { formatStat } from "@/components/ui/format";
import { TableHead } from "@/components/ui/table-head";
import { type MonitorWindowName, monitorQualityQuery } from "./queries";

export interface MonitorQualityProps {
  name: string;
  window: MonitorWindowName;
}

const CELL = "px-3 py-2";

function Rate({ value }: { value: number }) {
  const text = `${formatStat(Math.round(value * 1000) / 10)}%`;
  return (
    <td className={`${CELL} tabular-nums`} data-nonzero={value > 0}>
      {value > 0 ? (
        <span className="rounded bg-amber-100 px-1.5 py-0.5 font-semibold text-amber-800">{text}</span>
      ) : (
        <span className="text-slate-500">{text}</span>
      )}
    </td>
  );
}

/** Null, type-error and out-of-range rates per input feature in the window; any rate above zero is highlighted. */
export function MonitorQuality({ name, window }: MonitorQualityProps) {
  const { data: quality, error } = useQuery(monitorQualityQuery(name, window));
  if (error) return <ErrorNotice error={error} />;
  if (!quality) return <p className="text-sm text-slate-500">Loading the data quality…</p>;
  if (quality.features.length === 0) return <p className="text-sm text-slate-500">No scored rows in this window.</p>;
  return (
    <div className="overflow-x-auto">
      <p className="mb-2 text-xs text-slate-500" data-testid="quality-rows">
        {quality.window.rows} scored {quality.window.rows === 1 ? "row" : "rows"}
        {quality.window.rejectedRows > 0 ? ` and ${quality.window.rejectedRows} refused (a missing or mistyped cell), counted in the rates` : ""}
        {quality.window.sampledRows < quality.window.rows
          ? `; rates over a uniform sample of ${quality.window.sampledRows} scored rows and the refused ones sampled alike`
          : ""}
        .
      </p>
      <table aria-label="Data quality" className="w-full text-sm">
        <TableHead columns={["Feature", "Type", "Rows", "Null", "Type error", "Out of range"]} cellClass={CELL} />
        <tbody>
          {quality.features.map((f) => (
            <tr key={f.name} className="border-t border-slate-100">
              <th scope="row" className={`${CELL} text-left font-medium`}>
                {f.name}
              </th>
              <td className={`${CELL} text-slate-600`}>{f.type}</td>
              <td className={`${CELL} tabular-nums`}>{formatStat(f.rows)}</td>
              <Rate value={f.nullRate} />
              <Rate value={f.typeErrorRate} />
              <Rate value={f.outOfRangeRate} />
            </tr>
          ))}
        </tbody>
      </table>
      <p className="mt-2 text-xs text-slate-500">Out of range: numbers outside the training data&apos;s range, categories it never had.</p>
    </div>
  );
}
