import * as tf from "@tensorflow/tfjs";
import { mulberry32 } from "@/lib/shared/random";
import { encodeLabels } from "../../matrix";
import { argmax } from "../../metrics";
import type { ClassPrediction } from "../../types";
import type { TabularAlgorithm, TabularParams, TabularTask } from "./params";
import type { TargetScale } from "./scale";

/** A tabular model's stock tfjs layers graph: how it is built, what it is fitted to, its batched forward pass. */

/** A non-zero 31-bit seed derived from the run's seed (tfjs treats a seed of 0 as "random"). */
export function deriveSeed(seed: number, salt: number): number {
  const random = mulberry32((seed ^ Math.imul(salt + 1, 0x9e3779b9)) >>> 0);
  return 1 + Math.floor(random() * 0x7ffffffe);
}

/** Outputs of the graph: 1 for regression and binary classification (sigmoid), else one per class. */
export function outputUnits(task: TabularTask, classes: number): number {
  return task === "regression" || classes === 2 ? 1 : classes;
}

/**
 * Builds the stock layers graph. Input shape: [batch, features] (standardised);
 * output shape: [batch, outputUnits].
 */
export function buildModel(algorithm: TabularAlgorithm, task: TabularTask, features: number, classes: number, params: TabularParams): tf.Sequential {
  const model = tf.sequential();
  const regularizer = () => (params.l2 > 0 ? tf.regularizers.l2({ l2: params.l2 }) : undefined);
  let layer = 0;
  const hidden = algorithm === "mlp" ? params.hiddenUnits : [];
  for (const units of hidden) {
    model.add(
      tf.layers.dense({
        units,
        activation: params.activation,
        inputShape: layer === 0 ? [features] : undefined,
        kernelInitializer: tf.initializers.glorotUniform({ seed: deriveSeed(params.seed, layer) }),
        biasInitializer: "zeros",
        kernelRegularizer: regularizer(),
      }),
    );
    if (params.dropout > 0) model.add(tf.layers.dropout({ rate: params.dropout }));
    layer++;
  }
  const units = outputUnits(task, classes);
  model.add(
    tf.layers.dense({
      units,
      activation: task === "regression" ? "linear" : units === 1 ? "sigmoid" : "softmax",
      inputShape: layer === 0 ? [features] : undefined,
      kernelInitializer: tf.initializers.glorotUniform({ seed: deriveSeed(params.seed, layer) }),
      biasInitializer: "zeros",
      kernelRegularizer: regularizer(),
    }),
  );
  return model;
}

/**
 * The data loss of a batch, as the matching stock Keras loss. Shapes: yTrue and yPred
 * [batch, outputUnits]; result: scalar.
 */
export function dataLoss(task: TabularTask, yTrue: tf.Tensor, yPred: tf.Tensor): tf.Scalar {
  if (task === "regression") return tf.mean(tf.squaredDifference(yTrue, yPred));
  const perRow = yPred.shape[1] === 1 ? tf.metrics.binaryCrossentropy(yTrue, yPred) : tf.metrics.categoricalCrossentropy(yTrue, yPred);
  return tf.mean(perRow);
}

/** Training targets in the graph's units. Shape: [rows, outputUnits]. */
export function encodeTargets(
  task: TabularTask,
  y: readonly (number | string)[],
  labels: string[] | undefined,
  scale: TargetScale | undefined,
): { values: Float32Array; width: number } {
  if (task === "regression") {
    const values = new Float32Array(y.length);
    for (let i = 0; i < y.length; i++) values[i] = ((y[i] as number) - scale!.mean) / scale!.std;
    return { values, width: 1 };
  }
  const { indices } = encodeLabels(y as string[], labels);
  const width = outputUnits(task, labels!.length);
  const values = new Float32Array(y.length * width);
  for (let i = 0; i < y.length; i++) {
    if (indices[i] < 0) continue; // a class unseen in training: all zeros, no cross-entropy term
    if (width === 1) values[i] = indices[i];
    else values[i * width + indices[i]] = 1;
  }
  return { values, width };
}

/**
 * One batched forward pass on standardised inputs (predict's default batch of 32 is ~50× slower
 * on wasm). Shape in: [rows, features]; out: [rows, outputUnits]. The caller disposes it.
 */
function forwardTensor(model: tf.LayersModel, scaled: Float32Array, rows: number, cols: number): tf.Tensor {
  return tf.tidy(() => model.predict(tf.tensor2d(scaled, [rows, cols]), { batchSize: rows }) as tf.Tensor);
}

/** forwardTensor read back synchronously (the predict API is synchronous), row-major. */
export function forward(model: tf.LayersModel, scaled: Float32Array, rows: number, cols: number): Float32Array {
  if (rows === 0) return new Float32Array(0);
  const output = forwardTensor(model, scaled, rows, cols);
  try {
    return output.dataSync() as Float32Array;
  } finally {
    output.dispose();
  }
}

/** forwardTensor read back without blocking the thread (webgl), for the per-epoch validation. */
export async function forwardAsync(model: tf.LayersModel, scaled: Float32Array, rows: number, cols: number): Promise<Float32Array> {
  if (rows === 0) return new Float32Array(0);
  const output = forwardTensor(model, scaled, rows, cols);
  try {
    return (await output.data()) as Float32Array;
  } finally {
    output.dispose();
  }
}

export function outputsToValues(out: Float32Array, scale: TargetScale): number[] {
  return Array.from(out, (v) => v * scale.std + scale.mean);
}

export function outputsToProbabilities(out: Float32Array, rows: number, classes: number): number[][] {
  const result: number[][] = new Array(rows);
  if (classes === 2) {
    for (let i = 0; i < rows; i++) result[i] = [1 - out[i], out[i]];
  } else {
    for (let i = 0; i < rows; i++) result[i] = Array.from(out.subarray(i * classes, (i + 1) * classes));
  }
  return result;
}

export function toClassPredictions(probs: number[][], labels: string[]): ClassPrediction[] {
  return probs.map((p) => ({
    label: labels[argmax(p)],
    probabilities: Object.fromEntries(labels.map((label, j) => [label, p[j]])),
  }));
}
