import type * as tf from "@tensorflow/tfjs";
import type { Matrix } from "../../matrix";
import { classificationMetrics, regressionMetrics } from "../../metrics";
import type { ClassPrediction, EpochLog, Metrics } from "../../types";
import { forward, outputsToProbabilities, outputsToValues, toClassPredictions } from "./network";
import type { TabularAlgorithm, TabularParams, TabularTask } from "./params";
import { applyScale, type Scale, type TargetScale } from "./scale";

/** A trained (or loaded) linear, logistic or mlp model: its layers graph, its scalings, how it predicts. */
export interface TabularModel {
  algorithm: TabularAlgorithm;
  task: TabularTask;
  /** Classes in output order (classification). */
  labels?: string[];
  params: TabularParams;
  /**
   * Per epoch: `loss` on the training rows (with the L2 penalty), `valLoss` on the validation
   * rows (without), and the validation metrics. For regression both losses are MSE on the
   * standardised target, so 1.0 is what the mean predictor scores.
   */
  history: EpochLog[];
  /** Whether early stopping (or a stop request) ended training before `epochs`. */
  stoppedEarly: boolean;
  /** The epoch whose weights the model holds (1-based; 0 when no epoch was validated). */
  bestEpoch: number;
  inputScale: Scale;
  /** Target standardisation (regression). */
  targetScale?: TargetScale;
  /** One prediction per row: a number (regression) or `{label, probabilities}` (classification). */
  predict(x: Matrix): number[] | ClassPrediction[];
  /** Regression predictions in target units. */
  predictValues(x: Matrix): number[];
  /** Class probabilities per row, in `labels` order. */
  predictProbabilities(x: Matrix): number[][];
  /** The layers graph: input [batch, features] (standardised), output [batch, 1] or [batch, classes]. */
  model: tf.LayersModel;
  dispose(): void;
}

/** What a tabular model is made of, trained or loaded. */
interface TabularCore {
  task: TabularTask;
  labels?: string[];
  inputScale: Scale;
  targetScale?: TargetScale;
  model: tf.LayersModel;
}

/** A model around its layers graph and scalings; its predictions go through one batched forward pass. */
export function makeTabularModel(
  core: TabularCore & { algorithm: TabularAlgorithm; params: TabularParams; history: EpochLog[]; stoppedEarly: boolean; bestEpoch: number },
): TabularModel {
  const predictValues = (x: Matrix): number[] => {
    if (core.task !== "regression") throw new Error("predictValues: a classification model predicts probabilities");
    return outputsToValues(forward(core.model, applyScale(x, core.inputScale), x.rows, x.cols), core.targetScale!);
  };
  const predictProbabilities = (x: Matrix): number[][] => {
    if (core.task !== "classification") throw new Error("predictProbabilities: a regression model predicts values");
    return outputsToProbabilities(forward(core.model, applyScale(x, core.inputScale), x.rows, x.cols), x.rows, core.labels!.length);
  };
  return {
    ...core,
    predictValues,
    predictProbabilities,
    predict: (x) => (core.task === "regression" ? predictValues(x) : toClassPredictions(predictProbabilities(x), core.labels!)),
    dispose: () => core.model.dispose(),
  };
}

/** The task's metrics (r2, rmse, … or accuracy, f1Macro, …) of a model on some rows. */
export function evaluateTabular(model: TabularModel, x: Matrix, y: number[] | string[]): Metrics {
  if (model.task === "regression") return { ...regressionMetrics(y as number[], model.predictValues(x)) };
  return { ...classificationMetrics(y as string[], model.predictProbabilities(x), model.labels!) };
}
