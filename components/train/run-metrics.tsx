import type { MetricValues, Run, RunStatus } from "@/components/api/types";
import { formatStat } from "@/components/ui/format";
import { describeCriterion, METRICS, type MetricInfo, meetsCriterion, metricInfo, type Task } from "@/lib/define/tasks";

/** What the project's runs are compared on: its success metric, or the task's first metric when none is set. */
export interface RunYardstick {
  task: Task;
  metric: MetricInfo;
  /** Whether `metric` is the project's own success metric (false: the task's first metric stands in). */
  isSuccessMetric: boolean;
  threshold: number | null;
  /** "R² ≥ 0.9", or null when the project has no criterion. */
  criterion: string | null;
}

export function runYardstick(task: Task, successMetric: string | null, successThreshold: number | null): RunYardstick {
  const own = successMetric ? metricInfo(task, successMetric) : undefined;
  const metric = own ?? METRICS[task][0];
  return {
    task,
    metric,
    isSuccessMetric: !!own,
    threshold: own ? successThreshold : null,
    criterion: own ? describeCriterion(task, own.name, successThreshold) : null,
  };
}

/** A metric's display name ("R²"), or the raw name when the task does not know it. */
export function metricLabel(task: Task, name: string): string {
  return metricInfo(task, name)?.label ?? name;
}

/** Is `a` better than `b` on this metric? Missing values never win. */
export function isBetter(metric: MetricInfo, a: number | undefined, b: number | undefined): boolean {
  if (a === undefined || !Number.isFinite(a)) return false;
  if (b === undefined || !Number.isFinite(b)) return true;
  return metric.higherIsBetter ? a > b : a < b;
}

/** The split a finished run is judged on: test when it has one (never used to pick the model), else validation. */
export function judgedSplit(run: Run): "validation" | "test" | null {
  if (!run.metrics) return null;
  return run.metrics.test && Object.keys(run.metrics.test).length > 0 ? "test" : "validation";
}

/** The best succeeded run on the yardstick's metric (validation), respecting higherIsBetter. */
export function bestRunId(runs: Run[], yardstick: RunYardstick): string | null {
  let best: Run | null = null;
  for (const r of runs) {
    if (r.status !== "succeeded") continue;
    const v = r.metrics?.validation[yardstick.metric.name];
    if (v === undefined || !Number.isFinite(v)) continue;
    if (!best || isBetter(yardstick.metric, v, best.metrics?.validation[yardstick.metric.name])) best = r;
  }
  return best?.id ?? null;
}

export interface RunVerdict {
  split: "validation" | "test";
  model: number | undefined;
  baseline: number | undefined;
  beatsBaseline: boolean;
  /** null when the project has no success criterion. */
  meets: boolean | null;
}

/** How a finished run stands against its baseline and the project's criterion, on its judged split. */
export function runVerdict(run: Run, yardstick: RunYardstick): RunVerdict | null {
  const split = judgedSplit(run);
  if (!split || !run.metrics) return null;
  const name = yardstick.metric.name;
  const model = run.metrics[split]?.[name];
  const baseline = run.baseline?.[split]?.[name];
  const meets = yardstick.threshold === null || model === undefined ? null : meetsCriterion(yardstick.task, name, yardstick.threshold, model);
  return { split, model, baseline, beatsBaseline: isBetter(yardstick.metric, model, baseline), meets };
}

export function metricValue(values: MetricValues | undefined, name: string): string {
  const v = values?.[name];
  return v === undefined ? "–" : formatStat(v);
}

/** "850 ms", "12.4 s", "3 min 05 s". */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return "–";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const min = Math.floor(ms / 60_000);
  const sec = Math.round((ms % 60_000) / 1000);
  return `${min} min ${String(sec).padStart(2, "0")} s`;
}

const STATUS_META: Record<RunStatus, { label: string; icon: string; badge: string }> = {
  queued: { label: "Queued", icon: "○", badge: "bg-slate-50 text-slate-600 ring-slate-400/30" },
  running: { label: "Running", icon: "◐", badge: "bg-indigo-50 text-indigo-700 ring-indigo-600/20" },
  succeeded: { label: "Succeeded", icon: "✓", badge: "bg-emerald-50 text-emerald-700 ring-emerald-600/20" },
  failed: { label: "Failed", icon: "!", badge: "bg-red-50 text-red-700 ring-red-600/20" },
  cancelled: { label: "Cancelled", icon: "×", badge: "bg-amber-50 text-amber-800 ring-amber-600/30" },
};

/** A run's status as a word, a symbol and colours, so colour is never the only signal. */
export function RunStatusBadge({ status }: { status: RunStatus }) {
  const meta = STATUS_META[status];
  return (
    <span className={`inline-flex items-center gap-1 rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${meta.badge}`}>
      <span aria-hidden>{meta.icon}</span>
      {meta.label}
    </span>
  );
}

/** The short name of a run in lists and legends: "linear #3f2a". */
export function runLabel(run: Pick<Run, "id" | "algorithm">): string {
  return `${run.algorithm} #${run.id.slice(-4)}`;
}
