"use client";

import { useId, useMemo, useState } from "react";
import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { MetricValues, RunDetails } from "@/components/api/types";
import { formatDay, formatStat, plural } from "@/components/ui/format";
import { selectClass } from "@/components/ui/styles";
import { METRICS, type Task } from "@/lib/define/tasks";
import { metricLabel } from "./run-metrics";

/** What a forecaster, a recommender and some baselines add to a run's details. */

const CHART_HEIGHT_PX = 220;
const MODEL_COLOUR = "#6366f1";
const ACTUAL_COLOUR = "#0f172a";
const tick = { fontSize: 11, fill: "#64748b" };

/** A series key (`["2","dominicks"]`) as people read it: "2 · dominicks". */
export function seriesLabel(key: string): string {
  try {
    const values = JSON.parse(key) as unknown;
    if (Array.isArray(values)) return values.length ? values.join(" · ") : "the series";
  } catch {
    // Not JSON: show it as it is.
  }
  return key;
}

/** The model against every further baseline (seasonal naive; co-occurrence counts) on validation. */
export function OtherBaselines({
  task,
  names,
  model,
  others,
}: {
  task: Task;
  names: string[];
  model: MetricValues;
  others: { name: string; validation: MetricValues }[];
}) {
  const rows = [{ name: "model", validation: model }, ...others];
  return (
    <table className="mt-3 min-w-full text-sm" aria-label="Model against further baselines">
      <thead className="border-b border-slate-200 text-xs text-slate-600">
        <tr>
          <th scope="col" className="py-2 pr-3 text-left font-medium">
            Further baselines (val.)
          </th>
          {names.map((n) => (
            <th key={n} scope="col" className="px-3 py-2 text-right font-medium">
              {metricLabel(task, n)}
            </th>
          ))}
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100">
        {rows.map((r) => (
          <tr key={r.name}>
            <th scope="row" className={`py-2 pr-3 text-left font-medium ${r.name === "model" ? "text-slate-900" : "text-slate-600"}`}>
              {r.name}
            </th>
            {names.map((n) => (
              <td key={n} className="px-3 py-2 text-right tabular-nums">
                {formatStat(r.validation[n])}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** A forecaster's error per horizon step, and its backtest forecasts against what happened, one series at a time. */
export function ForecastDetails({ details }: { details: RunDetails }) {
  const selectId = useId();
  const perHorizon = details.perHorizon ?? [];
  const forecasts = useMemo(() => details.backtestForecasts ?? [], [details.backtestForecasts]);
  const seriesKeys = useMemo(() => [...new Set(forecasts.map((f) => f.series))], [forecasts]);
  const [chosen, setChosen] = useState<string | null>(null);
  const series = chosen && seriesKeys.includes(chosen) ? chosen : (seriesKeys[0] ?? null);
  const points = forecasts.filter((f) => f.series === series).sort((a, b) => a.time.localeCompare(b.time));

  return (
    <div className="grid gap-5 xl:grid-cols-2">
      <figure aria-label="Error per horizon step" className="m-0">
        <h4 className="mb-2 text-sm font-semibold text-slate-900">Error per horizon step (backtest)</h4>
        <div style={{ height: CHART_HEIGHT_PX }}>
          <ResponsiveContainer width="100%" height="100%">
            <BarChart data={perHorizon} margin={{ top: 6, right: 8, bottom: 0, left: 0 }}>
              <CartesianGrid vertical={false} stroke="#e2e8f0" />
              <XAxis
                dataKey="step"
                tick={tick}
                tickLine={false}
                label={{ value: "periods ahead", position: "insideBottom", offset: -2, fontSize: 11, fill: "#64748b" }}
                height={32}
              />
              <YAxis width={44} tick={tick} tickFormatter={(v: number) => `${Math.round(v * 100)}%`} tickLine={false} axisLine={false} />
              <Tooltip
                formatter={(v) => `${(Number(v) * 100).toFixed(1)}%`}
                labelFormatter={(s) => `${s} ahead`}
                contentStyle={{ fontSize: 12, borderRadius: 6 }}
              />
              <Legend wrapperStyle={{ fontSize: 12 }} />
              <Bar dataKey="wape" name="WAPE" fill={MODEL_COLOUR} isAnimationActive={false} />
              <Bar dataKey="mape" name="MAPE" fill="#a5b4fc" isAnimationActive={false} />
            </BarChart>
          </ResponsiveContainer>
        </div>
        <figcaption className="mt-1 text-xs text-slate-500">How the error grows with the distance of the forecast from the last known period.</figcaption>
      </figure>
      {series && (
        <figure aria-label="Backtest forecasts" className="m-0">
          <div className="mb-2 flex flex-wrap items-center justify-between gap-2">
            <h4 className="text-sm font-semibold text-slate-900">Backtest: forecast against actual</h4>
            <label htmlFor={selectId} className="flex items-center gap-2 text-xs text-slate-600">
              Series
              <select id={selectId} className={`${selectClass} w-auto py-1 text-xs`} value={series} onChange={(e) => setChosen(e.target.value)}>
                {seriesKeys.map((k) => (
                  <option key={k} value={k}>
                    {seriesLabel(k)}
                  </option>
                ))}
              </select>
            </label>
          </div>
          <div style={{ height: CHART_HEIGHT_PX }}>
            <ResponsiveContainer width="100%" height="100%">
              <LineChart data={points} margin={{ top: 6, right: 8, bottom: 0, left: 0 }}>
                <CartesianGrid stroke="#e2e8f0" />
                <XAxis dataKey="time" tick={tick} tickFormatter={(t: string) => formatDay(t)} minTickGap={24} />
                <YAxis width={56} tick={tick} tickFormatter={(v: number) => formatStat(v)} tickLine={false} axisLine={false} />
                <Tooltip
                  labelFormatter={(t) => formatDay(String(t))}
                  formatter={(v) => formatStat(Number(v))}
                  contentStyle={{ fontSize: 12, borderRadius: 6 }}
                />
                <Legend wrapperStyle={{ fontSize: 12 }} />
                <Line dataKey="actual" name="actual" stroke={ACTUAL_COLOUR} dot={{ r: 2 }} isAnimationActive={false} />
                <Line dataKey="forecast" name="forecast" stroke={MODEL_COLOUR} strokeDasharray="5 3" dot={{ r: 2 }} isAnimationActive={false} />
              </LineChart>
            </ResponsiveContainer>
          </div>
          <figcaption className="mt-1 text-xs text-slate-500">
            {plural(points.length, "held-out period")} of {seriesLabel(series)}
            {seriesKeys.length < (details.series ?? 0) ? ` (the first ${seriesKeys.length} of ${details.series} series are kept for this chart)` : ""}.
          </figcaption>
        </figure>
      )}
    </div>
  );
}

/** What a product page asks: items that go with one item, the model against popularity and co-occurrence counts. */
export function SingleItemTable({ details }: { details: RunDetails }) {
  const single = details.singleItem;
  if (!single) return null;
  const names = METRICS.recommendation.map((m) => m.name);
  const rows: [string, MetricValues][] = [
    ["model", single.model],
    ["popularity", single.popularity],
    ["co-occurrence counts", single.cooccurrence],
  ];
  return (
    <div>
      <h4 className="mb-1 text-sm font-semibold text-slate-900">Single-item queries (a product page)</h4>
      <p className="mb-2 text-xs text-slate-500">
        The same held-out items, each asked for with just one other item of its basket{details.k ? `; top ${details.k}` : ""}.
      </p>
      <table className="min-w-full text-sm" aria-label="Single-item queries">
        <thead className="border-b border-slate-200 text-xs text-slate-600">
          <tr>
            <th scope="col" className="py-2 pr-3 text-left font-medium">
              Recommender
            </th>
            {names.map((n) => (
              <th key={n} scope="col" className="px-3 py-2 text-right font-medium">
                {metricLabel("recommendation", n)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {rows.map(([who, values]) => (
            <tr key={who}>
              <th scope="row" className="py-2 pr-3 text-left font-medium text-slate-700">
                {who}
              </th>
              {names.map((n) => (
                <td key={n} className="px-3 py-2 text-right tabular-nums">
                  {formatStat(values[n])}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
