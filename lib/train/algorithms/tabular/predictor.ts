import * as tf from "@tensorflow/tfjs";
import type { ColumnType } from "@/lib/data/types";
import { applyRecipeColumns, numberAt } from "@/lib/prepare/columnar-recipe";
import { applyRecipe, columnTransforms, type FittedRecipe } from "@/lib/prepare/recipe";
import { cellToNumber } from "@/lib/shared/cells";
import { validation } from "@/lib/shared/errors";
import { modelFeatures } from "../../features";
import { argmax } from "../../metrics";
import type { ClassPrediction } from "../../types";
import type { Prediction, ServingPredictor } from "../algorithm";
import { type DenseWeights, denseWeights, predictRowFast } from "./dense";
import type { TabularModel } from "./model";

/** From this many rows on, a tabular model predicts through tfjs in one batched call. */
const TFJS_BATCH_MIN_ROWS = 32;

/** Input types the columnar batch path reads as numbers. */
const NUMERIC_INPUT_TYPES = new Set<ColumnType>(["number", "integer", "boolean"]);

function classPrediction(labels: string[], out: ArrayLike<number>): ClassPrediction {
  const probabilities: Record<string, number> = {};
  labels.forEach((label, c) => (probabilities[label] = out[c]));
  return { label: labels[argmax(out)], probabilities };
}

/** Regression and classification: the fitted recipe in serve mode (every row kept, in order), then the dense forward pass. */
export async function tabularPredictor(model: TabularModel, fitted: FittedRecipe): Promise<ServingPredictor> {
  const features = modelFeatures(fitted);
  // The plain typed-array forward pass: identical outputs to tfjs without its ~80 µs per call.
  const weights: DenseWeights = await denseWeights(model);
  const labels = weights.labels ?? [];
  const predictMatrix = (x: Float32Array, n: number): Prediction[] => {
    // Many rows: one batched tfjs pass (wasm SIMD), 5–15× faster per row than the typed-array
    // loop; few rows: the loop, without tfjs's fixed cost per call. Both agree to float32 rounding.
    if (n >= TFJS_BATCH_MIN_ROWS && tf.getBackend() === "wasm") {
      const matrix = { data: x.length === n * features.length ? x : x.subarray(0, n * features.length), rows: n, cols: features.length };
      if (model.task === "regression") return model.predictValues(matrix);
      return model.predictProbabilities(matrix).map((p) => classPrediction(labels, p));
    }
    const out = new Array<Prediction>(n);
    for (let i = 0; i < n; i++) {
      const y = predictRowFast(weights, x.subarray(i * features.length, (i + 1) * features.length));
      out[i] = model.task === "regression" ? y[0] : classPrediction(labels, y);
    }
    return out;
  };
  const inputSchema = fitted.inputColumns.map((c) => ({ name: c.name, type: c.type }));
  const transforms = inputSchema.every((c) => NUMERIC_INPUT_TYPES.has(c.type)) ? columnTransforms(fitted, features) : null;
  return {
    kind: "tabular",
    inputSchema,
    ...(model.task === "classification" ? { labels } : {}),
    ...(transforms ? { columnar: { features: features.map((input, j) => ({ input, transform: transforms[j] })), predictMatrix } } : {}),
    scoreColumns(batch) {
      const prepared = applyRecipeColumns(fitted, batch, { mode: "serve" }).batch;
      const n = prepared.length;
      const usable = new Uint8Array(n).fill(1);
      const columns = features.map((f) => prepared.columns.get(f));
      // Features column by column into one matrix; a row with an unusable value is left out of it.
      const x = new Float32Array(n * features.length);
      columns.forEach((column, j) => {
        for (let i = 0; i < n; i++) {
          const value = column === undefined ? Number.NaN : numberAt(column, i);
          if (!Number.isFinite(Math.fround(value))) usable[i] = 0;
          else x[i * features.length + j] = value;
        }
      });
      let m = 0;
      for (let i = 0; i < n; i++) {
        if (usable[i] === 0) continue;
        if (m !== i) x.copyWithin(m * features.length, i * features.length, (i + 1) * features.length);
        m++;
      }
      const scored = m > 0 ? predictMatrix(x, m) : [];
      const predictions = new Array<Prediction | null>(n);
      for (let i = 0, k = 0; i < n; i++) predictions[i] = usable[i] ? scored[k++] : null;
      return { predictions, usable };
    },
    predict(rows, opts) {
      const field = opts?.field ?? "rows";
      // Only the features are read from the prepared rows, by name: no need to project them to the output columns.
      const prepared = applyRecipe(fitted, rows, { mode: "serve", project: false }).rows;
      // Features row after row into one matrix; a missing or non-finite value names its cell.
      const x = new Float32Array(prepared.length * features.length);
      for (let i = 0; i < prepared.length; i++) {
        const row = prepared[i];
        for (let j = 0; j < features.length; j++) {
          const value = cellToNumber(row[features[j]]);
          if (value === null || !Number.isFinite(Math.fround(value))) {
            throw validation(
              `${field}[${i}].${features[j]}`,
              `feature "${features[j]}" of row ${i} has no usable number after the recipe (a missing value the recipe does not impute?)`,
            );
          }
          x[i * features.length + j] = value;
        }
      }
      return predictMatrix(x, prepared.length);
    },
    dispose: () => model.dispose(),
  };
}
