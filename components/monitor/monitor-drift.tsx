"use client";

import { useQuery } from "@tanstack/react-query";
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { EndpointDrift, FeatureDrift } from "@/components/api/types";
import { ErrorNotice } from "@/components/ui/error-notice";
import { formatCount, formatStat, plural } from "@/components/ui/format";
import { TableHead } from "@/components/ui/table-head";
import { type MonitorWindowName, monitorDriftQuery } from "./queries";

export interface MonitorDriftProps {
  name: string;
  window: MonitorWindowName;
}

const CHART_HEIGHT_PX = 160;
const CELL = "px-3 py-2";
const METRIC_LABELS: Record<FeatureDrift["metric"], string> = {
  ks: "KS p-value",
  wasserstein: "Wasserstein (norm.)",
  chi2: "χ² p-value",
  jensenShannon: "Jensen–Shannon",
};
/** p-values drift below their threshold; distances at or above it. */
const comparison = (f: FeatureDrift) => (f.metric === "ks" || f.metric === "chi2" ? "<" : "≥");
const percent = (share: number) => `${formatStat(Math.round(share * 1000) / 10)}%`;

/** "2 of 5 features drifted — the input as a whole drifted", or that nothing drifted. */
export function driftSummary(d: Pick<EndpointDrift, "features" | "driftedFeatures" | "datasetDrifted">): string {
  if (d.driftedFeatures === 0) return `No drift: none of ${plural(d.features.length, "feature")} drifted`;
  return `${formatCount(d.driftedFeatures)} of ${plural(d.features.length, "feature")} drifted — ${
    d.datasetDrifted ? "the input as a whole drifted" : "the input as a whole did not drift"
  }`;
}

/** Reference and current shares per bin, side by side. */
function DriftHistogram({ feature }: { feature: FeatureDrift }) {
  const data = feature.histogram.bins.map((b) => ({ label: b.label, reference: b.reference, current: b.current }));
  return (
    <figure aria-label={`Histogram of ${feature.name}`} data-feature={feature.name} className="m-0 rounded-lg border border-slate-200 p-3">
      <figcaption className="mb-1 flex items-baseline justify-between gap-2 text-sm">
        <span className="font-medium">{feature.name}</span>
        {feature.drifted ? (
          <span className="rounded bg-red-100 px-1.5 py-0.5 text-xs font-medium text-red-700">drifted</span>
        ) : (
          <span className="text-xs text-slate-500">no drift</span>
        )}
      </figcaption>
      <div style={{ height: CHART_HEIGHT_PX }}>
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={data} margin={{ top: 4, right: 4, bottom: 0, left: 0 }} barCategoryGap="15%" barGap={0}>
            <CartesianGrid vertical={false} stroke="#e2e8f0" />
            <XAxis
              dataKey="label"
              tick={{ fontSize: 10, fill: "#64748b" }}
              interval="preserveStartEnd"
              minTickGap={16}
              tickLine={false}
              axisLine={{ stroke: "#cbd5e1" }}
            />
            <YAxis width={40} tick={{ fontSize: 10, fill: "#64748b" }} tickFormatter={(v: number) => percent(v)} tickLine={false} axisLine={false} />
            <Tooltip contentStyle={{ fontSize: 12, borderRadius: 6 }} formatter={(v, key) => [percent(Number(v)), String(key)]} />
            <Legend wrapperStyle={{ fontSize: 11 }} />
            <Bar dataKey="reference" name="Reference" fill="#94a3b8" isAnimationActive={false} />
            <Bar dataKey="current" name="Current" fill={feature.drifted ? "#ef4444" : "#6366f1"} isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      </div>
    </figure>
  );
}

function DriftRow({ feature }: { feature: FeatureDrift }) {
  return (
    <tr className={`border-t border-slate-100 ${feature.drifted ? "bg-red-50" : ""}`} data-drifted={feature.drifted}>
      <th scope="row" className={`${CELL} text-left font-medium`}>
        {feature.name}
      </th>
      <td className={CELL}>{METRIC_LABELS[feature.metric] ?? feature.metric}</td>
      <td className={`${CELL} tabular-nums`}>{formatStat(feature.value)}</td>
      <td className={`${CELL} tabular-nums`}>
        {comparison(feature)} {formatStat(feature.threshold)}
      </td>
      <td className={CELL}>{feature.drifted ? <span className="font-semibold text-red-700">drifted</span> : <span className="text-slate-500">no</span>}</td>
      <td className={`${CELL} tabular-nums`}>{formatStat(feature.psi)}</td>
    </tr>
  );
}

/** Drift of each input feature and of the predictions against the reference sample: a verdict, a table and overlaid histograms, drifted first. */
export function MonitorDrift({ name, window }: MonitorDriftProps) {
  const { data: drift, error } = useQuery(monitorDriftQuery(name, window));
  if (error) return <ErrorNotice error={error} />;
  if (!drift) return <p className="text-sm text-slate-500">Loading the drift report…</p>;
  if (drift.features.length === 0) return <p className="text-sm text-slate-500">{drift.note ?? "Nothing to compare in this window."}</p>;
  const all = drift.prediction ? [...drift.features, drift.prediction] : drift.features;
  return (
    <div className="space-y-4">
      <p aria-label="Drift summary" className={`text-sm font-medium ${drift.driftedFeatures > 0 ? "text-red-700" : "text-emerald-700"}`}>
        {driftSummary(drift)}
        {drift.prediction?.drifted ? "; the predictions drifted too." : "."}
      </p>
      <p className="text-xs text-slate-500">
        {formatCount(drift.window.rows)} scored rows in the window
        {drift.window.sampledRows < drift.window.rows ? ` (compared over a uniform sample of ${formatCount(drift.window.sampledRows)})` : ""} against{" "}
        {formatCount(drift.window.referenceRows)} reference rows of v{drift.window.model.version}. The input drifts when at least{" "}
        {percent(drift.thresholds.driftedShare)} of its features do.
      </p>
      <div className="overflow-x-auto">
        <table aria-label="Feature drift" className="w-full text-sm">
          <TableHead columns={["Feature", "Metric", "Value", "Threshold", "Drifted", "PSI"]} cellClass={CELL} />
          <tbody>
            {drift.features.map((f) => (
              <DriftRow key={f.name} feature={f} />
            ))}
            {drift.prediction && <DriftRow feature={drift.prediction} />}
          </tbody>
        </table>
      </div>
      <div className="grid gap-3 md:grid-cols-2 xl:grid-cols-3">
        {all.map((f) => (
          <DriftHistogram key={f.name} feature={f} />
        ))}
      </div>
    </div>
  );
}
