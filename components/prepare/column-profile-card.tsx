import { useId } from "react";
import type { ColumnProfile } from "@/components/api/types";
import { isNumericType, TypeBadge } from "@/components/ui/cell-value";
import { formatCount, formatDay, formatStat } from "@/components/ui/format";
import { HistogramChart } from "./histogram-chart";
import { TopValuesChart } from "./top-values-chart";

export interface ColumnProfileCardProps {
  column: ColumnProfile;
  rowCount: number;
}

interface StatRow {
  label: string;
  value: string;
}

interface StatTableProps {
  rows: StatRow[];
  caption: string;
}

function StatTable({ rows, caption }: StatTableProps) {
  return (
    <table className="w-full text-sm">
      <caption className="sr-only">{caption}</caption>
      <tbody>
        {rows.map((r) => (
          <tr key={r.label} className="border-b border-slate-100 last:border-0">
            <th scope="row" className="py-1 pr-2 text-left font-normal text-slate-500">
              {r.label}
            </th>
            <td className="py-1 text-right font-medium tabular-nums text-slate-900">{r.value}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** One column's statistics and its chart: a histogram for numbers and dates, top values otherwise. */
export function ColumnProfileCard({ column: c, rowCount }: ColumnProfileCardProps) {
  const headingId = useId();
  const numeric = isNumericType(c.type);
  const missingShare =
    rowCount > 0 && c.nullCount > 0 ? ` (${((c.nullCount / rowCount) * 100).toFixed(c.nullCount && c.nullCount < rowCount / 1000 ? 2 : 1)}%)` : "";
  const overview: StatRow[] = [
    { label: "Values", value: formatCount(c.count) },
    { label: "Missing", value: `${formatCount(c.nullCount)}${missingShare}` },
    { label: "Distinct", value: `${formatCount(c.distinctCount)}${c.distinctCapped ? "+" : ""}` },
  ];
  const numbers: StatRow[] = numeric
    ? [
        { label: "Min", value: formatStat(c.min) },
        { label: "Max", value: formatStat(c.max) },
        { label: "Mean", value: formatStat(c.mean) },
        { label: "Std", value: formatStat(c.std) },
      ]
    : c.dateRange
      ? [
          { label: "From", value: formatDay(c.dateRange.min) },
          { label: "To", value: formatDay(c.dateRange.max) },
        ]
      : [];

  return (
    <section aria-labelledby={headingId} className="flex flex-col rounded-xl border border-slate-200 bg-white p-4 shadow-xs">
      <header className="mb-3 flex items-start justify-between gap-2">
        <h4 id={headingId} className="min-w-0 font-semibold break-words whitespace-pre-wrap text-slate-900">
          {c.name}
        </h4>
        <TypeBadge type={c.type} />
      </header>
      <div className="grid grid-cols-2 gap-x-5">
        <StatTable rows={overview} caption={`Counts of ${c.name}`} />
        {numbers.length > 0 && <StatTable rows={numbers} caption={`Statistics of ${c.name}`} />}
      </div>
      {numeric && c.quantiles && <Quantiles quantiles={c.quantiles} name={c.name} />}
      <div className="mt-3 flex-1">
        {c.histogram && c.histogram.length > 0 ? (
          <HistogramChart bins={c.histogram} dates={c.type === "datetime"} label={`Histogram of ${c.name}`} />
        ) : c.topValues && c.topValues.length > 0 ? (
          <TopValuesChart values={c.topValues} label={`Top values of ${c.name}`} />
        ) : (
          <p className="py-6 text-center text-xs text-slate-400">No values to chart.</p>
        )}
      </div>
    </section>
  );
}

interface QuantilesProps {
  quantiles: NonNullable<ColumnProfile["quantiles"]>;
  name: string;
}

function Quantiles({ quantiles, name }: QuantilesProps) {
  const entries = Object.entries(quantiles);
  return (
    <table className="mt-3 w-full table-fixed text-center text-xs">
      <caption className="sr-only">Quantiles of {name}</caption>
      <thead>
        <tr className="text-slate-500">
          {entries.map(([k]) => (
            <th key={k} scope="col" className="font-normal">
              {k}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        <tr className="font-medium tabular-nums text-slate-800">
          {entries.map(([k, v]) => (
            <td key={k} className="truncate" title={String(v)}>
              {formatStat(v)}
            </td>
          ))}
        </tr>
      </tbody>
    </table>
  );
}
