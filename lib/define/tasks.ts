/** Browser-safe facts of step 1: tasks, deliveries and the metrics valid for each task. */

export const TASKS = ["regression", "classification", "forecasting", "recommendation"] as const;
export type Task = (typeof TASKS)[number];

export const DELIVERIES = ["realtime", "batch"] as const;
export type Delivery = (typeof DELIVERIES)[number];

export interface MetricInfo {
  name: string;
  label: string;
  /** Whether a bigger value is better (r2, accuracy) or a smaller one (rmse, mape). */
  higherIsBetter: boolean;
  /** A value range the threshold must fall in. */
  min: number;
  max: number;
}

const m = (name: string, label: string, higherIsBetter: boolean, min = 0, max = Number.MAX_VALUE): MetricInfo => ({
  name,
  label,
  higherIsBetter,
  min,
  max,
});

export const METRICS: Record<Task, MetricInfo[]> = {
  regression: [m("r2", "R²", true, -Number.MAX_VALUE, 1), m("rmse", "RMSE", false), m("mae", "MAE", false), m("mape", "MAPE", false)],
  classification: [
    m("accuracy", "Accuracy", true, 0, 1),
    m("f1Macro", "F1 (macro)", true, 0, 1),
    m("logLoss", "Log loss", false),
    m("auc", "AUC (two classes)", true, 0, 1),
  ],
  forecasting: [m("mape", "MAPE", false), m("wape", "WAPE", false), m("rmse", "RMSE", false), m("mae", "MAE", false)],
  recommendation: [m("hitRate", "Hit rate @k", true, 0, 1), m("ndcg", "NDCG @k", true, 0, 1), m("coverage", "Catalog coverage", true, 0, 1)],
};

export const TASK_LABELS: Record<Task, string> = {
  regression: "Regression",
  classification: "Classification",
  forecasting: "Forecasting",
  recommendation: "Recommendation",
};

export function metricInfo(task: Task, name: string): MetricInfo | undefined {
  return METRICS[task].find((x) => x.name === name);
}

/** "MAPE ≤ 0.35" — how a success criterion reads wherever runs are judged. */
export function describeCriterion(task: Task, metric: string | null, threshold: number | null): string | null {
  if (!metric || threshold === null) return null;
  const info = metricInfo(task, metric);
  if (!info) return null;
  return `${info.label} ${info.higherIsBetter ? "≥" : "≤"} ${threshold}`;
}

/** Does a measured value meet the criterion? */
export function meetsCriterion(task: Task, metric: string, threshold: number, value: number): boolean {
  const info = metricInfo(task, metric);
  if (!info) return false;
  return info.higherIsBetter ? value >= threshold : value <= threshold;
}

/** The six steps, in the order of the loop. */
export const STEPS = [
  { key: "define", label: "Define", blurb: "The problem and its success criterion" },
  { key: "data", label: "Get data", blurb: "Upload or import, keep each version" },
  { key: "prepare", label: "Prepare", blurb: "Profile, clean, transform, split" },
  { key: "train", label: "Train", blurb: "Models by trial and error, every run tracked" },
  { key: "integrate", label: "Integrate", blurb: "Real-time and batch endpoints" },
  { key: "monitor", label: "Monitor", blurb: "Traffic, drift, accuracy; retrain" },
] as const;
export type StepKey = (typeof STEPS)[number]["key"];
export type StepState = "not-started" | "done" | "attention";
/** What a step says of a project: its state, and a note when it needs attention or something is left to do. */
export interface StepReport {
  state: StepState;
  note?: string;
}
