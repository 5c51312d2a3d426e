import { AppError } from "@/lib/shared/errors";
import type { Recommendation } from "./types";

/**
 * The metrics of every task (names fixed by the REST contract), on plain arrays. Pure and isomorphic:
 * the train page, the server run, the batch job and monitoring compute them with this code.
 * A metric that cannot be defined on the given rows (MAPE when every true value is 0) is NaN;
 * it is stored as null in JSON.
 */

export type NumberArray = ArrayLike<number>;

export type RegressionMetrics = {
  r2: number;
  rmse: number;
  mae: number;
  /** Mean absolute percentage error as a fraction (0.12 = 12 %), over rows whose true value is not 0. */
  mape: number;
};

export type ClassificationMetrics = {
  accuracy: number;
  f1Macro: number;
  logLoss: number;
  /** Area under the ROC curve, for two classes only (positive class: `labels[1]`). */
  auc?: number;
};

export type ForecastMetrics = {
  mape: number;
  /** Weighted absolute percentage error: sum |error| / sum |true|, a fraction. */
  wape: number;
  rmse: number;
  mae: number;
};

export type RecommendationMetrics = {
  hitRate: number;
  ndcg: number;
  coverage: number;
};

export interface ConfusionMatrix {
  /** Row and column labels; labels met in the rows but not given are appended. */
  labels: string[];
  /** counts[true][predicted] */
  counts: number[][];
}

export const METRICS_BY_TASK = {
  regression: ["r2", "rmse", "mae", "mape"],
  classification: ["accuracy", "f1Macro", "logLoss", "auc"],
  forecasting: ["mape", "wape", "rmse", "mae"],
  recommendation: ["hitRate", "ndcg", "coverage"],
} as const;

export type MetricName = (typeof METRICS_BY_TASK)[keyof typeof METRICS_BY_TASK][number];

const HIGHER_IS_BETTER: Record<MetricName, boolean> = {
  r2: true,
  rmse: false,
  mae: false,
  mape: false,
  accuracy: true,
  f1Macro: true,
  logLoss: false,
  auc: true,
  wape: false,
  hitRate: true,
  ndcg: true,
  coverage: true,
};

export const isMetricName = (name: string): name is MetricName => Object.hasOwn(HIGHER_IS_BETTER, name);

/** Whether a larger value of the metric is better (r2, accuracy…) or worse (rmse, logLoss…). */
export function higherIsBetter(metric: string): boolean {
  if (!isMetricName(metric)) {
    const known = Object.keys(HIGHER_IS_BETTER).join(", ");
    throw new AppError("VALIDATION", `unknown metric "${metric}": use one of ${known}`, [
      { field: "metric", message: `unknown metric "${metric}": use one of ${known}` },
    ]);
  }
  return HIGHER_IS_BETTER[metric];
}

/** Probabilities are clipped to [EPS, 1 − EPS] before the log, as scikit-learn does. */
export const LOG_LOSS_EPS = 1e-15;

function checkLengths(a: { length: number }, b: { length: number }, what: string): void {
  if (a.length !== b.length) throw new Error(`${what}: ${a.length} true values but ${b.length} predictions`);
  if (a.length === 0) {
    throw new AppError("VALIDATION", `${what}: no rows to measure on`, [{ field: "rows", message: "no rows to measure on" }]);
  }
}

interface ErrorSums {
  sse: number;
  sae: number;
  sumAbsTrue: number;
  apeSum: number;
  apeCount: number;
}

function errorSums(yTrue: NumberArray, yPred: NumberArray): ErrorSums {
  const sums: ErrorSums = { sse: 0, sae: 0, sumAbsTrue: 0, apeSum: 0, apeCount: 0 };
  for (let i = 0; i < yTrue.length; i++) {
    const error = yPred[i] - yTrue[i];
    sums.sse += error * error;
    sums.sae += Math.abs(error);
    sums.sumAbsTrue += Math.abs(yTrue[i]);
    if (yTrue[i] !== 0) {
      sums.apeSum += Math.abs(error / yTrue[i]);
      sums.apeCount++;
    }
  }
  return sums;
}

/** r2, rmse, mae and mape (a fraction, rows with a true value of 0 skipped). */
export function regressionMetrics(yTrue: NumberArray, yPred: NumberArray): RegressionMetrics {
  checkLengths(yTrue, yPred, "regression metrics");
  const n = yTrue.length;
  const sums = errorSums(yTrue, yPred);
  let mean = 0;
  for (let i = 0; i < n; i++) mean += yTrue[i];
  mean /= n;
  let sst = 0;
  for (let i = 0; i < n; i++) sst += (yTrue[i] - mean) ** 2;
  // A constant truth has no variance to explain: 1 for a perfect fit, else 0 (scikit-learn's choice).
  const r2 = sst === 0 ? (sums.sse === 0 ? 1 : 0) : 1 - sums.sse / sst;
  return {
    r2,
    rmse: Math.sqrt(sums.sse / n),
    mae: sums.sae / n,
    mape: sums.apeCount > 0 ? sums.apeSum / sums.apeCount : Number.NaN,
  };
}

/** mape, wape (sum |error| / sum |true|), rmse and mae of a forecast. */
export function forecastMetrics(yTrue: NumberArray, yPred: NumberArray): ForecastMetrics {
  checkLengths(yTrue, yPred, "forecast metrics");
  const n = yTrue.length;
  const sums = errorSums(yTrue, yPred);
  return {
    mape: sums.apeCount > 0 ? sums.apeSum / sums.apeCount : Number.NaN,
    wape: sums.sumAbsTrue > 0 ? sums.sae / sums.sumAbsTrue : Number.NaN,
    rmse: Math.sqrt(sums.sse / n),
    mae: sums.sae / n,
  };
}

/** Index of the largest probability; the first one on a tie. */
export function argmax(values: NumberArray): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}

/**
 * Accuracy, macro F1, log loss, and AUC for two classes. `probs[i][j]` is the probability of
 * `labels[j]` for row i; the prediction is the most probable label. F1 is averaged over the
 * labels that occur in the truth or the predictions (scikit-learn's default); a class that is
 * never predicted counts with F1 = 0. A true label outside `labels` has probability 0.
 */
export function classificationMetrics(yTrue: readonly string[], probs: readonly NumberArray[], labels: readonly string[]): ClassificationMetrics {
  checkLengths(yTrue, probs, "classification metrics");
  if (labels.length === 0) throw new Error("classification metrics: no labels");
  const index = new Map(labels.map((label, i) => [label, i]));
  const yPred = probs.map((p) => labels[argmax(p)]);
  let correct = 0;
  let logLossSum = 0;
  for (let i = 0; i < yTrue.length; i++) {
    if (yPred[i] === yTrue[i]) correct++;
    const j = index.get(yTrue[i]);
    const p = j === undefined ? 0 : probs[i][j];
    logLossSum -= Math.log(Math.min(1 - LOG_LOSS_EPS, Math.max(LOG_LOSS_EPS, p)));
  }
  const result: ClassificationMetrics = {
    accuracy: correct / yTrue.length,
    f1Macro: f1Macro(yTrue, yPred),
    logLoss: logLossSum / yTrue.length,
  };
  if (labels.length === 2) {
    const positive = yTrue.map((y) => y === labels[1]);
    const auc = rocAuc(
      positive,
      probs.map((p) => p[1]),
    );
    if (auc !== undefined) result.auc = auc;
  }
  return result;
}

/** Macro-averaged F1 over the labels present in the truth or the predictions. */
export function f1Macro(yTrue: readonly string[], yPred: readonly string[]): number {
  checkLengths(yTrue, yPred, "f1");
  const present = [...new Set([...yTrue, ...yPred])];
  let sum = 0;
  for (const label of present) {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (let i = 0; i < yTrue.length; i++) {
      const isTrue = yTrue[i] === label;
      const isPred = yPred[i] === label;
      if (isTrue && isPred) tp++;
      else if (isPred) fp++;
      else if (isTrue) fn++;
    }
    // F1 = 2tp / (2tp + fp + fn); the label is present, so the denominator is never 0.
    sum += (2 * tp) / (2 * tp + fp + fn);
  }
  return sum / present.length;
}

/**
 * Area under the ROC curve by ranks (Mann–Whitney U), ties sharing their average rank.
 * Undefined when the rows hold only one class.
 */
export function rocAuc(positive: readonly boolean[], scores: NumberArray): number | undefined {
  checkLengths(positive, scores, "auc");
  const n = positive.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a] - scores[b]);
  let positives = 0;
  let rankSumPositive = 0;
  for (let start = 0; start < n; ) {
    let end = start + 1;
    while (end < n && scores[order[end]] === scores[order[start]]) end++;
    const averageRank = (start + 1 + end) / 2; // ranks start+1 .. end
    for (let k = start; k < end; k++) {
      if (positive[order[k]]) {
        positives++;
        rankSumPositive += averageRank;
      }
    }
    start = end;
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return undefined;
  return (rankSumPositive - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/** Counts of (true, predicted) pairs; rows are true labels, columns predicted ones. */
export function confusionMatrix(yTrue: readonly string[], yPred: readonly string[], labels: readonly string[]): ConfusionMatrix {
  if (yTrue.length !== yPred.length) throw new Error(`confusion matrix: ${yTrue.length} true values but ${yPred.length} predictions`);
  const all = [...labels];
  const index = new Map(all.map((label, i) => [label, i]));
  const extra = [...new Set([...yTrue, ...yPred])].filter((label) => !index.has(label)).sort();
  for (const label of extra) {
    index.set(label, all.length);
    all.push(label);
  }
  const counts = all.map(() => new Array<number>(all.length).fill(0));
  for (let i = 0; i < yTrue.length; i++) counts[index.get(yTrue[i])!][index.get(yPred[i])!]++;
  return { labels: all, counts };
}

/** One query of a leave-one-out evaluation: the item held out and what the model recommended. */
export interface RecommendationQuery {
  heldOut: string;
  /** Best first; only the first k count. */
  recommended: readonly (string | Recommendation)[];
}

/**
 * hitRate@k (share of queries whose held-out item is in the top k), NDCG@k with one relevant
 * item (1 / log2(rank + 2), rank from 0; 0 when missed), and catalog coverage (distinct items
 * recommended in any top k / catalog size).
 */
export function recommendationMetrics(queries: readonly RecommendationQuery[], k: number, catalogSize: number): RecommendationMetrics {
  if (!Number.isInteger(k) || k < 1) throw new Error(`recommendation metrics: k must be a positive integer, got ${k}`);
  if (queries.length === 0) {
    throw new AppError("VALIDATION", "recommendation metrics: no queries to measure on", [{ field: "rows", message: "no queries to measure on" }]);
  }
  let hits = 0;
  let ndcg = 0;
  const recommended = new Set<string>();
  for (const query of queries) {
    const top = query.recommended.slice(0, k).map((r) => (typeof r === "string" ? r : r.itemId));
    for (const item of top) recommended.add(item);
    const rank = top.indexOf(query.heldOut);
    if (rank >= 0) {
      hits++;
      ndcg += 1 / Math.log2(rank + 2);
    }
  }
  return {
    hitRate: hits / queries.length,
    ndcg: ndcg / queries.length,
    coverage: catalogSize > 0 ? recommended.size / catalogSize : Number.NaN,
  };
}
