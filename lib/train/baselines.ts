import { sortLabels } from "./matrix";
import { type ClassificationMetrics, type NumberArray, type RegressionMetrics, classificationMetrics, regressionMetrics } from "./metrics";

/**
 * Naive baselines of the tabular tasks, measured with the same metrics on the same rows as the
 * model, so a run can say plainly whether it beats them. Fitted on the training target only.
 * (Forecast and recommendation baselines live with their models.)
 */

export interface MeanBaseline {
  /** The training mean, predicted for every row. */
  value: number;
  metrics: RegressionMetrics;
}

/** Predicts the training mean for every validation row. */
export function meanBaseline(trainY: NumberArray, validationY: NumberArray): MeanBaseline {
  if (trainY.length === 0) throw new Error("mean baseline: no training rows");
  let sum = 0;
  for (let i = 0; i < trainY.length; i++) sum += trainY[i];
  const value = sum / trainY.length;
  const predictions = new Float64Array(validationY.length).fill(value);
  return { value, metrics: regressionMetrics(validationY, predictions) };
}

export interface MajorityBaseline {
  /** The most frequent training class (the first in label order on a tie). */
  label: string;
  labels: string[];
  /** Training class frequencies, in `labels` order: the probabilities given to every row. */
  probabilities: number[];
  metrics: ClassificationMetrics;
}

/**
 * Predicts the most frequent training class for every row, with the training class frequencies
 * as probabilities (so its log loss is the entropy a model must beat; its AUC is 0.5).
 * `labels` defaults to the training classes in sortLabels order; pass the model's to align them.
 */
export function majorityBaseline(trainY: readonly string[], validationY: readonly string[], labels?: readonly string[]): MajorityBaseline {
  if (trainY.length === 0) throw new Error("majority baseline: no training rows");
  const classes = labels ? [...labels] : sortLabels(trainY);
  const counts = new Map<string, number>(classes.map((label) => [label, 0]));
  for (const y of trainY) counts.set(y, (counts.get(y) ?? 0) + 1);
  const probabilities = classes.map((label) => (counts.get(label) ?? 0) / trainY.length);
  let best = 0;
  for (let j = 1; j < classes.length; j++) if (probabilities[j] > probabilities[best]) best = j;
  const probs = validationY.map(() => probabilities);
  return { label: classes[best], labels: classes, probabilities, metrics: classificationMetrics(validationY, probs, classes) };
}
