"use client";

import { Bar, BarChart, CartesianGrid, Cell, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { Run, Sweep } from "@/components/api/types";
import { formatDate, formatStat } from "@/components/ui/format";
import { ProgressBar } from "@/components/ui/progress-bar";
import { cardClass } from "@/components/ui/styles";
import { metricInfo, type Task } from "@/lib/define/tasks";
import { formatSweepValue } from "@/lib/train/sweep-space";
import { isActiveRun } from "./queries";
import { metricLabel, metricValue, RunStatusBadge, runLabel } from "./run-metrics";

export interface SweepCardProps {
  sweep: Sweep;
  task: Task;
}

const CHART_HEIGHT_PX = 180;
const TRIAL_COLOUR = "#6366f1";
const BEST_COLOUR = "#f59e0b";

/** "Grid sweep of linear #3f2a": how a sweep is named in headings and labels. */
export function sweepTitle(sweep: Pick<Sweep, "id" | "method" | "algorithm">): string {
  return `${sweep.method === "grid" ? "Grid" : "Random"} sweep of ${sweep.algorithm} #${sweep.id.slice(-4)}`;
}

/** One sweep: how far it got, every trial with the values it tried and its metric, the best marked, and the metric per trial as bars. */
export function SweepCard({ sweep, task }: SweepCardProps) {
  const title = sweepTitle(sweep);
  const headingId = `sweep-${sweep.id}-heading`;
  const info = metricInfo(task, sweep.metric);
  const label = metricLabel(task, sweep.metric);
  const params = Object.keys(sweep.space);
  const finished = sweep.trials.filter((t) => !isActiveRun(t)).length;
  const total = sweep.trials.length;
  const running = sweep.status === "running";

  return (
    <section aria-labelledby={headingId} className={`${cardClass} space-y-4 p-5`}>
      <header className="flex flex-wrap items-start justify-between gap-3">
        <div>
          <h4 id={headingId} className="font-semibold text-slate-900">
            {title}
          </h4>
          <p className="mt-0.5 text-xs text-slate-500">
            {total} {total === 1 ? "trial" : "trials"} · compared on validation {label}
            {info ? ` (${info.higherIsBetter ? "higher" : "lower"} is better)` : ""} · started {formatDate(sweep.createdAt)}
          </p>
        </div>
        {running ? (
          <div className="w-56 space-y-1">
            <p className="text-xs font-medium text-indigo-700" aria-live="polite">
              Running: {finished} of {total} trials finished
            </p>
            <ProgressBar label={`Progress of ${title}`} value={finished} max={total} valueText={`${finished} of ${total} trials finished`} />
          </div>
        ) : (
          <span className="rounded-full bg-emerald-50 px-2 py-0.5 text-xs font-medium text-emerald-700 ring-1 ring-emerald-600/20 ring-inset">
            <span aria-hidden>✓</span> Done
          </span>
        )}
      </header>

      <div className="grid gap-5 xl:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
        <div className="overflow-x-auto">
          <table className="min-w-full text-sm" aria-label={`Trials of ${title}`}>
            <thead className="border-b border-slate-200 text-xs text-slate-600">
              <tr>
                <th scope="col" className="py-2 pr-3 text-left font-medium">
                  Trial
                </th>
                {params.map((p) => (
                  <th key={p} scope="col" className="px-3 py-2 text-left font-medium">
                    {p}
                  </th>
                ))}
                <th scope="col" className="px-3 py-2 text-left font-medium">
                  Status
                </th>
                <th scope="col" className="px-3 py-2 text-right font-medium">
                  {label} validation
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {sweep.trials.map((trial, i) => {
                const best = trial.id === sweep.best;
                return (
                  <tr key={trial.id} className={best ? "bg-amber-50/60" : ""}>
                    <th scope="row" className="py-2 pr-3 text-left font-medium whitespace-nowrap text-slate-700">
                      {i + 1}
                      <span className="ml-1.5 font-mono text-xs font-normal text-slate-400">#{trial.id.slice(-4)}</span>
                      {best && (
                        <span
                          className="ml-2 inline-flex items-center gap-0.5 rounded-full bg-amber-100 px-1.5 py-0.5 text-[11px] font-semibold text-amber-800"
                          title={`Best trial by validation ${label}`}
                        >
                          <span aria-hidden>★</span> best
                        </span>
                      )}
                    </th>
                    {params.map((p) => (
                      <td key={p} className="px-3 py-2 font-mono text-xs whitespace-nowrap text-slate-700">
                        {formatSweepValue(trial.params[p])}
                      </td>
                    ))}
                    <td className="px-3 py-2">
                      <TrialStatus trial={trial} />
                    </td>
                    <td className="px-3 py-2 text-right font-medium tabular-nums">{metricValue(trial.metrics?.validation, sweep.metric)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
        <TrialMetricBars sweep={sweep} label={label} />
      </div>
    </section>
  );
}

/** A trial's status; while it trains, its epochs against the ceiling. */
function TrialStatus({ trial }: { trial: Run }) {
  const { epoch, totalEpochs } = trial.progress;
  return (
    <div className="flex items-center gap-2">
      <RunStatusBadge status={trial.status} />
      {trial.status === "running" && (
        <>
          <ProgressBar
            label={`Training progress of ${runLabel(trial)}`}
            value={epoch}
            max={totalEpochs}
            valueText={`epoch ${epoch} of ${totalEpochs}`}
            className="h-1.5 w-16"
          />
          <span className="text-[11px] tabular-nums text-slate-500">
            {epoch}/{totalEpochs}
          </span>
        </>
      )}
    </div>
  );
}

/** The sweep's metric per trial as bars, the best one in amber; trials without a value leave a gap. */
function TrialMetricBars({ sweep, label }: { sweep: Sweep; label: string }) {
  const data = sweep.trials.map((t, i) => ({ trial: `${i + 1}`, id: t.id, value: t.metrics?.validation[sweep.metric] ?? null }));
  const any = data.some((d) => d.value !== null);
  return (
    <figure aria-label={`Validation ${label} per trial`} className="m-0">
      {any ? (
        <div style={{ height: CHART_HEIGHT_PX }}>
          <ResponsiveContainer width="100%" height="100%">
            <BarChart data={data} margin={{ top: 6, right: 8, bottom: 0, left: 0 }} barCategoryGap="20%">
              <CartesianGrid vertical={false} stroke="#e2e8f0" />
              <XAxis dataKey="trial" tick={{ fontSize: 11, fill: "#64748b" }} tickLine={false} axisLine={{ stroke: "#cbd5e1" }} />
              <YAxis width={44} tick={{ fontSize: 11, fill: "#64748b" }} tickFormatter={(v: number) => formatStat(v)} tickLine={false} axisLine={false} />
              <ReferenceLine y={0} stroke="#94a3b8" />
              <Tooltip
                cursor={{ fill: "rgba(99,102,241,0.08)" }}
                labelFormatter={(t) => `Trial ${String(t)}`}
                formatter={(v) => [formatStat(Number(v)), label]}
                contentStyle={{ fontSize: 12, borderRadius: 6 }}
              />
              <Bar dataKey="value" radius={[2, 2, 0, 0]} isAnimationActive={false}>
                {data.map((d) => (
                  <Cell key={d.id} fill={d.id === sweep.best ? BEST_COLOUR : TRIAL_COLOUR} />
                ))}
              </Bar>
            </BarChart>
          </ResponsiveContainer>
        </div>
      ) : (
        <p className="grid place-items-center rounded-lg border border-dashed border-slate-200 text-xs text-slate-500" style={{ height: CHART_HEIGHT_PX }}>
          Bars appear as trials finish.
        </p>
      )}
      <figcaption className="mt-2 text-xs text-slate-500">
        Validation {label} by trial: <span style={{ color: BEST_COLOUR }}>■</span> best, <span style={{ color: TRIAL_COLOUR }}>■</span> the others.
      </figcaption>
    </figure>
  );
}
