"use client";

import { Bar, BarChart, CartesianGrid, Cell, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { MetricValues, Run, RunDetails } from "@/components/api/types";
import { formatCount, formatDate, formatStat, plural } from "@/components/ui/format";
import { Notice } from "@/components/ui/notice";
import { METRICS } from "@/lib/define/tasks";
import { isActiveRun } from "./queries";
import { RegisterModelButton } from "./register-model-button";
import { formatDuration, isBetter, metricLabel, RunStatusBadge, type RunYardstick, runLabel, runVerdict } from "./run-metrics";
import { ForecastDetails, OtherBaselines, SingleItemTable } from "./run-task-details";

export interface RunDetailProps {
  run: Run;
  yardstick: RunYardstick;
}

/** One run in full: its verdict against the baseline and the criterion, every metric, and how it trained. */
export function RunDetail({ run, yardstick }: RunDetailProps) {
  const { task } = yardstick;
  const known = METRICS[task].map((m) => m.name);
  const present = new Set([...Object.keys(run.metrics?.validation ?? {}), ...Object.keys(run.metrics?.test ?? {})]);
  // The task's metrics in their usual order, then any others the run reports.
  const names = [...known.filter((n) => present.has(n)), ...[...present].filter((n) => !known.includes(n))];
  const hasTest = !!run.metrics?.test && Object.keys(run.metrics.test).length > 0;

  return (
    <div className="space-y-5">
      <div className="flex flex-wrap items-center gap-x-4 gap-y-1 text-sm text-slate-600">
        <span className="font-semibold text-slate-900">{runLabel(run)}</span>
        <RunStatusBadge status={run.status} />
        <span>recipe v{run.recipeVersion}</span>
        <span>seed {run.seed}</span>
        {run.backend && <span>backend {run.backend}</span>}
        <span>started {formatDate(run.startedAt ?? run.createdAt)}</span>
        <span>took {formatDuration(run.durationMs)}</span>
      </div>

      {run.status === "failed" && (
        <Notice tone="error" title="This run failed">
          {run.error ?? "The worker gave no reason."}
        </Notice>
      )}
      {isActiveRun(run) && (
        <Notice tone="info">
          {run.status === "queued"
            ? "Waiting for the training worker to pick this run up."
            : `Training: epoch ${run.progress.epoch} of at most ${run.progress.totalEpochs}. Metrics appear when it finishes.`}
        </Notice>
      )}
      {run.status === "cancelled" && !run.metrics && <Notice tone="warning">This run was cancelled before it finished.</Notice>}
      {run.status === "succeeded" && <RegisterModelButton run={run} />}

      {run.metrics && (
        <>
          <RunVerdictNotice run={run} yardstick={yardstick} />
          <div className="grid gap-5 xl:grid-cols-2">
            <div className="overflow-x-auto">
              <table className="min-w-full text-sm" aria-label="Metrics of the model and its baseline">
                <thead className="border-b border-slate-200 text-xs text-slate-600">
                  <tr>
                    <th scope="col" className="py-2 pr-3 text-left font-medium">
                      Metric
                    </th>
                    <th scope="col" className="px-3 py-2 text-right font-medium">
                      Validation
                    </th>
                    <th scope="col" className="px-3 py-2 text-right font-medium">
                      Baseline (val.)
                    </th>
                    {hasTest && (
                      <>
                        <th scope="col" className="px-3 py-2 text-right font-medium">
                          Test
                        </th>
                        <th scope="col" className="px-3 py-2 text-right font-medium">
                          Baseline (test)
                        </th>
                      </>
                    )}
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {names.map((name) => {
                    const info = METRICS[task].find((m) => m.name === name);
                    const cell = (model: MetricValues | undefined, base: MetricValues | undefined) => {
                      const v = model?.[name];
                      const better = info ? isBetter(info, v, base?.[name]) : false;
                      return (
                        <>
                          <td className={`px-3 py-2 text-right font-medium tabular-nums ${better ? "text-emerald-700" : "text-slate-900"}`}>{formatStat(v)}</td>
                          <td className="px-3 py-2 text-right tabular-nums text-slate-500">{formatStat(base?.[name])}</td>
                        </>
                      );
                    };
                    return (
                      <tr key={name} className={name === yardstick.metric.name ? "bg-indigo-50/50" : ""}>
                        <th scope="row" className="py-2 pr-3 text-left font-medium text-slate-700">
                          {metricLabel(task, name)}
                          {info && <span className="ml-1 text-xs font-normal text-slate-400">{info.higherIsBetter ? "↑" : "↓"}</span>}
                        </th>
                        {cell(run.metrics?.validation, run.baseline?.validation)}
                        {hasTest && cell(run.metrics?.test, run.baseline?.test)}
                      </tr>
                    );
                  })}
                </tbody>
              </table>
              <p className="mt-2 text-xs text-slate-500">
                Baseline: {run.baseline?.name ?? "none"}. ↑ higher is better, ↓ lower is better; green where the model beats the baseline.
              </p>
              {run.baseline?.others && run.baseline.others.length > 0 && (
                <OtherBaselines task={task} names={names} model={run.metrics.validation} others={run.baseline.others} />
              )}
            </div>
            <ModelVsBaselineBars run={run} names={names} yardstick={yardstick} />
          </div>
        </>
      )}

      {run.details && <TrainingFacts details={run.details} />}
      {run.details?.confusionMatrix && <ConfusionMatrixTable matrix={run.details.confusionMatrix} />}
      {run.details?.perHorizon && <ForecastDetails details={run.details} />}
      {run.details?.singleItem && <SingleItemTable details={run.details} />}
    </div>
  );
}

/** The plain sentences a person looks for first: does it beat the baseline, does it meet the criterion. */
function RunVerdictNotice({ run, yardstick }: RunDetailProps) {
  const verdict = runVerdict(run, yardstick);
  if (!verdict) return null;
  const { metric, criterion } = yardstick;
  const on = `${metric.label} on ${verdict.split}`;
  const lines: string[] = [];
  lines.push(
    verdict.beatsBaseline
      ? `Beats its baseline: ${on} ${formatStat(verdict.model)} against ${formatStat(verdict.baseline)} for the ${run.baseline?.name ?? "baseline"}.`
      : `This model does not beat its baseline: ${on} ${formatStat(verdict.model)} against ${formatStat(verdict.baseline)} for the ${run.baseline?.name ?? "baseline"}.`,
  );
  if (criterion && verdict.meets !== null) {
    lines.push(
      verdict.meets
        ? `It meets the success criterion ${criterion} (${on}: ${formatStat(verdict.model)}).`
        : `It does not meet the success criterion ${criterion} (${on}: ${formatStat(verdict.model)}).`,
    );
  } else if (!yardstick.isSuccessMetric) {
    lines.push(`The project has no success criterion yet; runs are compared on ${metric.label}. Set one in Define.`);
  }
  const good = verdict.beatsBaseline && verdict.meets !== false;
  return (
    <Notice tone={good ? "success" : "warning"} title={lines[0]}>
      {lines.slice(1).map((l) => (
        <p key={l}>{l}</p>
      ))}
    </Notice>
  );
}

const BAR_CHART_HEIGHT_PX = 120;
const MODEL_COLOUR = "#6366f1";
const BASELINE_COLOUR = "#cbd5e1";

/** Model and baseline side by side, one small chart per metric (their scales differ too much to share an axis). */
function ModelVsBaselineBars({ run, names, yardstick }: { run: Run; names: string[]; yardstick: RunYardstick }) {
  const split = run.metrics?.test && Object.keys(run.metrics.test).length > 0 ? "test" : "validation";
  const model = run.metrics?.[split];
  const base = run.baseline?.[split];
  return (
    <figure aria-label="Model against baseline" className="m-0">
      <div className="grid grid-cols-2 gap-3">
        {names.map((name) => {
          const data = [
            { who: "Model", value: model?.[name] ?? null },
            { who: "Baseline", value: base?.[name] ?? null },
          ];
          return (
            <div key={name} className={`rounded-lg border p-2 ${name === yardstick.metric.name ? "border-indigo-200 bg-indigo-50/40" : "border-slate-100"}`}>
              <p className="text-xs font-medium text-slate-700">{metricLabel(yardstick.task, name)}</p>
              <div style={{ height: BAR_CHART_HEIGHT_PX }}>
                <ResponsiveContainer width="100%" height="100%">
                  <BarChart data={data} margin={{ top: 6, right: 4, bottom: 0, left: 0 }} barCategoryGap="25%">
                    <CartesianGrid vertical={false} stroke="#e2e8f0" />
                    <XAxis dataKey="who" tick={{ fontSize: 10, fill: "#64748b" }} tickLine={false} axisLine={{ stroke: "#cbd5e1" }} />
                    <YAxis width={40} tick={{ fontSize: 10, fill: "#64748b" }} tickFormatter={(v: number) => formatStat(v)} tickLine={false} axisLine={false} />
                    <ReferenceLine y={0} stroke="#94a3b8" />
                    <Tooltip
                      cursor={{ fill: "rgba(99,102,241,0.08)" }}
                      formatter={(v) => formatStat(Number(v))}
                      contentStyle={{ fontSize: 12, borderRadius: 6 }}
                    />
                    <Bar dataKey="value" radius={[2, 2, 0, 0]} isAnimationActive={false}>
                      {data.map((d) => (
                        <Cell key={d.who} fill={d.who === "Model" ? MODEL_COLOUR : BASELINE_COLOUR} />
                      ))}
                    </Bar>
                  </BarChart>
                </ResponsiveContainer>
              </div>
            </div>
          );
        })}
      </div>
      <figcaption className="mt-2 text-xs text-slate-500">
        On the {split} split: <span style={{ color: MODEL_COLOUR }}>■</span> model, <span style={{ color: BASELINE_COLOUR }}>■</span>{" "}
        {run.baseline?.name ?? "baseline"} baseline.
      </figcaption>
    </figure>
  );
}

/** How training went: the epoch kept, early stopping, how it was evaluated, the rows and the features used. */
function TrainingFacts({ details }: { details: RunDetails }) {
  const rows = details.rows
    ? (["train", "validation", "test", "backtest"] as const)
        .flatMap((part) => (details.rows?.[part] === undefined ? [] : [`${formatCount(details.rows[part])} ${part}`]))
        .join(" · ")
    : null;
  return (
    <div className="grid gap-4 text-sm md:grid-cols-[minmax(0,1fr)_minmax(0,2fr)]">
      <dl className="grid grid-cols-[auto_1fr] content-start gap-x-4 gap-y-1">
        <dt className="text-slate-500">Best epoch</dt>
        <dd className="tabular-nums">{details.bestEpoch}</dd>
        <dt className="text-slate-500">Stopped early</dt>
        <dd>{details.stoppedEarly ? "yes" : "no"}</dd>
        {rows && (
          <>
            <dt className="text-slate-500">Rows</dt>
            <dd className="tabular-nums">{rows}</dd>
          </>
        )}
        {details.sample && (
          <>
            <dt className="text-slate-500">Sample</dt>
            <dd className="tabular-nums">
              a seeded sample of {formatCount(details.sample.rows)} of {formatCount(details.sample.of)} rows (seed {details.sample.seed})
            </dd>
          </>
        )}
        {details.series !== undefined && (
          <>
            <dt className="text-slate-500">Series</dt>
            <dd className="tabular-nums">{formatCount(details.series)}</dd>
          </>
        )}
        {details.items !== undefined && (
          <>
            <dt className="text-slate-500">Catalog</dt>
            <dd className="tabular-nums">{plural(details.items, "item")}</dd>
          </>
        )}
      </dl>
      <div className="space-y-2">
        {details.evaluation && <p className="text-slate-600">{details.evaluation}</p>}
        {details.skippedSteps && details.skippedSteps.length > 0 && (
          <p className="text-xs text-slate-500">
            This model builds its own features from the raw columns, so the recipe&apos;s {details.skippedSteps.join(", ")} steps were not applied.
          </p>
        )}
        {details.features && (
          <>
            <p className="text-slate-500">Features used ({plural(details.features.length, "column")})</p>
            <ul aria-label="Features used" className="mt-1 flex flex-wrap gap-1">
              {details.features.map((f) => (
                <li key={f} className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-xs whitespace-pre text-slate-700">
                  {f}
                </li>
              ))}
            </ul>
          </>
        )}
      </div>
    </div>
  );
}

/** Counts of true (rows) against predicted (columns) classes; the shade is the share of the true class. */
function ConfusionMatrixTable({ matrix }: { matrix: NonNullable<RunDetails["confusionMatrix"]> }) {
  const { labels, counts } = matrix;
  return (
    <div>
      <h4 className="mb-2 text-sm font-semibold text-slate-900">Confusion matrix ({matrix.on})</h4>
      <div className="overflow-x-auto">
        <table className="border-separate border-spacing-0.5 text-xs" aria-label={`Confusion matrix on ${matrix.on}`}>
          <thead>
            <tr>
              <td className="pr-2 text-right text-[11px] text-slate-400">true ↓ · predicted →</td>
              {labels.map((l) => (
                <th key={l} scope="col" className="max-w-24 truncate px-1 pb-1 font-medium text-slate-600" title={l}>
                  {l}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {labels.map((trueLabel, i) => {
              const row = counts[i] ?? [];
              const total = row.reduce((a, b) => a + b, 0);
              return (
                <tr key={trueLabel}>
                  <th scope="row" className="max-w-40 truncate pr-2 text-right font-medium text-slate-600" title={trueLabel}>
                    {trueLabel}
                  </th>
                  {labels.map((predLabel, j) => {
                    const n = row[j] ?? 0;
                    const share = total > 0 ? n / total : 0;
                    const rgb = i === j ? "79,70,229" : "220,38,38";
                    return (
                      <td
                        key={predLabel}
                        title={`true ${trueLabel}, predicted ${predLabel}: ${n} (${(share * 100).toFixed(0)}% of ${trueLabel})`}
                        style={{ background: n === 0 ? "#f8fafc" : `rgba(${rgb},${0.12 + share * 0.73})`, color: share > 0.5 ? "white" : "#0f172a" }}
                        className="size-12 min-w-12 rounded text-center tabular-nums"
                      >
                        {formatCount(n)}
                      </td>
                    );
                  })}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </div>
  );
}
