import type { Row } from "@/lib/data/types";
import { applyRecipe, type FittedRecipe } from "@/lib/prepare/recipe";
import { AppError } from "@/lib/shared/errors";
import { majorityBaseline, meanBaseline } from "../../baselines";
import { prepareTrainingParts, prepareTrainingPartsColumns, sampleEvenly, type TrainingPart } from "../../features";
import { toMatrix } from "../../matrix";
import { type ConfusionMatrix, confusionMatrix } from "../../metrics";
import type { RunBaseline, RunDetailsBase, RunMetrics, TrainedRun, TrainInput } from "../algorithm";
import { evaluateTabular, type TabularModel } from "./model";
import type { TabularAlgorithm, TabularParams, TabularTask } from "./params";
import { trainTabular } from "./train";

/** What a tabular run records besides its metrics: the features read, the rows of each part, and (classification) the confusion matrix. */
export type TabularDetails = RunDetailsBase & {
  features: string[];
  rows: { train: number; validation: number; test: number };
  /** Classification only: counts[true][predicted], measured on `on`. */
  confusionMatrix?: { on: "validation" | "test" } & ConfusionMatrix;
};

/**
 * A run of a tabular model, the same in the worker and the browser: the recipe's split and
 * matrices, training, the metrics against the naive baseline, and the reference sample.
 */
export async function trainTabularRun(
  algorithm: TabularAlgorithm,
  { task, params, spec, data, callbacks }: TrainInput<TabularParams>,
): Promise<TrainedRun<TabularModel, TabularDetails>> {
  if (task !== "regression" && task !== "classification") throw new AppError("VALIDATION", `${algorithm} does not train ${task} projects.`);
  // A worker's data comes as columns (a version read by DuckDB): the matrices are built from them, with no object per row.
  const parts = data.batch
    ? prepareTrainingPartsColumns(spec, data.batch, data.columns, task)
    : (({ trainRows, ...rest }) => ({ ...rest, trainSample: sampleEvenly(trainRows) }))(prepareTrainingParts(spec, data.rows, data.columns, task));
  const { fitted, features, trainSample, train, validation, test } = parts;
  const model = await trainTabular({ algorithm, task, params, train, validation, callbacks });
  try {
    return {
      model,
      fitted,
      history: model.history,
      ...scoreTabularRun(model, task, { features, train, validation, test }),
      reference: tabularReference(model, fitted, features, trainSample),
    };
  } catch (e) {
    model.dispose();
    throw e;
  }
}

/** A run's metrics, naive baseline and details (confusion matrix for classes), on validation and test. */
export function scoreTabularRun(
  model: TabularModel,
  task: TabularTask,
  p: { features: string[]; train: TrainingPart; validation: TrainingPart; test: TrainingPart | null },
): { metrics: RunMetrics; baseline: RunBaseline; details: TabularDetails } {
  const baselineOf = (part: TrainingPart) =>
    task === "regression"
      ? meanBaseline(p.train.y as number[], part.y as number[]).metrics
      : majorityBaseline(p.train.y as string[], part.y as string[], model.labels).metrics;
  const metrics: RunMetrics = { validation: evaluateTabular(model, p.validation.x, p.validation.y) };
  const baseline: RunBaseline = { name: task === "regression" ? "mean" : "majority class", validation: baselineOf(p.validation) };
  if (p.test) {
    metrics.test = evaluateTabular(model, p.test.x, p.test.y);
    baseline.test = baselineOf(p.test);
  }
  const details: TabularDetails = {
    bestEpoch: model.bestEpoch,
    stoppedEarly: model.stoppedEarly,
    features: p.features,
    rows: { train: p.train.x.rows, validation: p.validation.x.rows, test: p.test?.x.rows ?? 0 },
  };
  if (task === "classification" && model.labels) {
    const evalPart = p.test ?? p.validation;
    const predicted = (model.predict(evalPart.x) as { label: string }[]).map((x) => x.label);
    details.confusionMatrix = { on: p.test ? "test" : "validation", ...confusionMatrix(evalPart.y as string[], predicted, model.labels) };
  }
  return { metrics, baseline, details };
}

/**
 * The reference sample of a tabular model: an even sample of its raw training rows and the
 * model's prediction for each of those same rows (the recipe in serve mode, as an endpoint would
 * score it; null where a row has a value the recipe cannot turn into a feature).
 */
export function tabularReference(model: TabularModel, fitted: FittedRecipe, features: string[], trainRows: Row[]): { inputs: Row[]; predictions: unknown[] } {
  const inputs = sampleEvenly(trainRows);
  const prepared = applyRecipe(fitted, inputs, { mode: "serve" }).rows;
  const predictions = prepared.map((row) => {
    try {
      return model.predict(toMatrix([row], features))[0];
    } catch {
      return null;
    }
  });
  return { inputs, predictions };
}
