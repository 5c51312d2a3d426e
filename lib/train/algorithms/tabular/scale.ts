import { validation } from "@/lib/shared/errors";
import type { Matrix } from "../../matrix";

/**
 * The two scalings that live beside a tabular model's layers graph, in plain JS, so its weights
 * load with stock `tf.loadLayersModel`: the inputs standardised by their training mean/std (a
 * recipe without a scale step still trains well), and a regression target standardised too (so
 * one learning rate suits targets in cents or in millions; a loss of 1.0 is the mean predictor's).
 */

/** Per-column standardisation, fitted on the training matrix. Columns with no spread get std 1. */
export interface Scale {
  mean: number[];
  std: number[];
}

export interface TargetScale {
  mean: number;
  std: number;
}

export function fitScale(x: Matrix): Scale {
  const mean = new Array<number>(x.cols).fill(0);
  const std = new Array<number>(x.cols).fill(0);
  for (let i = 0; i < x.rows; i++) for (let j = 0; j < x.cols; j++) mean[j] += x.data[i * x.cols + j];
  for (let j = 0; j < x.cols; j++) mean[j] /= Math.max(1, x.rows);
  for (let i = 0; i < x.rows; i++) for (let j = 0; j < x.cols; j++) std[j] += (x.data[i * x.cols + j] - mean[j]) ** 2;
  for (let j = 0; j < x.cols; j++) {
    const s = Math.sqrt(std[j] / Math.max(1, x.rows));
    // A constant column carries no information; std 1 maps it to 0 instead of dividing by 0.
    std[j] = s > 1e-12 * Math.max(1, Math.abs(mean[j])) ? s : 1;
  }
  return { mean, std };
}

/** (x − mean) / std per column. Shape: [x.rows, x.cols]. */
export function applyScale(x: Matrix, scale: Scale): Float32Array {
  if (x.cols !== scale.mean.length) {
    throw validation("columns", `the model expects ${scale.mean.length} feature columns but got ${x.cols}`);
  }
  const out = new Float32Array(x.data.length);
  for (let i = 0; i < x.rows; i++) {
    for (let j = 0; j < x.cols; j++) out[i * x.cols + j] = (x.data[i * x.cols + j] - scale.mean[j]) / scale.std[j];
  }
  return out;
}

export function fitTargetScale(y: readonly number[]): TargetScale {
  for (let i = 0; i < y.length; i++) {
    if (!Number.isFinite(y[i])) throw validation("target", `the target has a non-finite value at row ${i + 1}: drop or impute such rows in the recipe`);
  }
  const mean = y.reduce((a, b) => a + b, 0) / y.length;
  const std = Math.sqrt(y.reduce((a, b) => a + (b - mean) ** 2, 0) / y.length);
  if (!(std > 1e-12 * Math.max(1, Math.abs(mean)))) {
    throw validation("target", `the target is constant (${mean}) in the training rows: there is nothing to learn`);
  }
  return { mean, std };
}
