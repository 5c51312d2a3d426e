import fs from "node:fs";
import * as tf from "@tensorflow/tfjs";
import path from "node:path";
import type { ColumnType, Row } from "@/lib/data/types";
import type { Task } from "@/lib/define/tasks";
import { applyRecipe, columnTransforms, type FittedRecipe } from "@/lib/prepare/recipe";
import { AppError } from "@/lib/shared/errors";
import { loadModelArtifacts, type LoadedModel, type ModelJson } from "@/lib/train/artifacts";
import { modelFeatures } from "@/lib/train/features";
import type { ForecasterParams } from "@/lib/train/algorithms/forecaster/params";
import { cellToNumber } from "@/lib/train/matrix";
import { argmax } from "@/lib/train/metrics";
import { initServerBackend } from "@/lib/train/server/backend";
import { getModel, modelDir } from "@/lib/train/server/models";
import { denseWeights, predictRowFast, type DenseWeights } from "@/lib/train/algorithms/tabular/dense";
import type { ClassPrediction, Recommendation } from "@/lib/train/types";

export type Prediction = number | ClassPrediction | Recommendation[];

/** From this many rows on, a tabular model predicts through tfjs in one batched call. */
const TFJS_BATCH_MIN_ROWS = 32;

function classPrediction(labels: string[], out: ArrayLike<number>): ClassPrediction {
  const probabilities: Record<string, number> = {};
  labels.forEach((label, c) => (probabilities[label] = out[c]));
  return { label: labels[argmax(out)], probabilities };
}

/**
 * A model version compiled for serving: loaded from its bundle once, kept in memory. A request
 * only validates, transforms (the fitted recipe, in serve mode) and runs the forward pass.
 */
export interface Predictor {
  modelId: string;
  name: string;
  version: number;
  task: Task;
  kind: LoadedModel["kind"];
  /** The columns a request row must bring, with their types (the recipe's inputs the model reads). */
  inputSchema: { name: string; type: ColumnType }[];
  /** Classification: the class labels, in the order of the probabilities. */
  labels?: string[];
  /** Forecasting: the target column, and the next periods of every series from history rows (batch forecast mode). */
  target?: string;
  forecastAhead?(rows: Row[]): Row[];
  /**
   * One prediction per row; throws VALIDATION naming `${field}[i].column` for a value the model
   * cannot use (`field` is where the request holds its rows: "rows", "instances", …; default "rows").
   */
  predict(rows: Row[], opts?: { k?: number; field?: string }): Prediction[];
  /**
   * A tabular model whose recipe works one number column at a time (see `columnTransforms`) and
   * whose inputs are all number, integer or boolean columns: the batch path builds the feature
   * matrix from columns of numbers rather than from row objects, then calls `predictMatrix`.
   */
  columnar?: {
    /** Per feature (the matrix's columns, in order): the input column it comes from and the recipe's steps on it (NaN: missing). */
    features: { input: string; transform: (value: number) => number }[];
    /** One prediction per row of an n × features matrix of finite numbers. */
    predictMatrix(x: Float32Array, n: number): Prediction[];
  };
  dispose(): void;
}

/** Recommendations per query unless a request asks for another k. */
const DEFAULT_K = 10;
/** The column a recommendation request names its item in (the item column's own name works too). */
export const ITEM_ID_COLUMN = "itemId";

const invalid = (field: string, message: string) => new AppError("VALIDATION", message, [{ field, message }]);

function readJsonFile<T>(dir: string, file: string): T {
  return JSON.parse(fs.readFileSync(path.join(dir, file), "utf8")) as T;
}

/** Loads and compiles a registered model version; fails with a VALIDATION error when its bundle cannot serve. */
export async function compilePredictor(modelId: string): Promise<Predictor> {
  const version = getModel(modelId);
  const dir = modelDir(modelId);
  await initServerBackend();
  let loaded: LoadedModel;
  let fitted: FittedRecipe;
  try {
    const modelJson = readJsonFile<ModelJson>(dir, "model.json");
    const extras = readJsonFile<Record<string, unknown>>(dir, "extras.json");
    fitted = readJsonFile<FittedRecipe>(dir, "recipe.json");
    loaded = await loadModelArtifacts({ modelJson, weights: new Uint8Array(fs.readFileSync(path.join(dir, "weights.bin"))), extras });
  } catch (e) {
    if (e instanceof AppError) throw e;
    throw new AppError("VALIDATION", `Model version ${version.name} v${version.version} cannot be loaded: ${(e as Error).message}`, [
      { field: "modelId", message: "bundle does not load" },
    ]);
  }
  const base = { modelId, name: version.name, version: version.version, task: (version.manifest.task ?? "regression") as Task };
  if (loaded.kind === "tabular") return { ...base, ...(await tabularPredictor(loaded.model, fitted)) };
  if (loaded.kind === "forecaster") return { ...base, ...forecasterPredictor(loaded, fitted) };
  return { ...base, ...recommenderPredictor(loaded) };
}

type Compiled = Omit<Predictor, "modelId" | "name" | "version" | "task">;

/** Input types the columnar batch path reads as numbers. */
const NUMERIC_INPUT_TYPES = new Set<ColumnType>(["number", "integer", "boolean"]);

/** Regression and classification: the fitted recipe in serve mode (every row kept, in order), then the dense forward pass. */
export async function tabularPredictor(model: Extract<LoadedModel, { kind: "tabular" }>["model"], fitted: FittedRecipe): Promise<Compiled> {
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
            throw invalid(`${field}[${i}].${features[j]}`, `feature "${features[j]}" of row ${i} has no usable number after the recipe (a missing value the recipe does not impute?)`);
          }
          x[i * features.length + j] = value;
        }
      }
      return predictMatrix(x, prepared.length);
    },
    dispose: () => model.dispose(),
  };
}

/** A forecast row names a series, a future period and the known-ahead values of that period. */
function forecasterPredictor(loaded: Extract<LoadedModel, { kind: "forecaster" }>, fitted: FittedRecipe): Compiled {
  const model = loaded.model;
  const p: ForecasterParams = model.params;
  const reads = new Set([p.timeColumn, ...p.seriesColumns, ...p.exogenous]);
  return {
    kind: "forecaster",
    inputSchema: fitted.inputColumns.filter((c) => reads.has(c.name)).map((c) => ({ name: c.name, type: c.type })),
    target: p.target,
    predict(rows) {
      // The recipe's row steps (an imputed price) apply as in training; serve mode keeps every row.
      const prepared = applyRecipe(fitted, rows, { mode: "serve" }).rows;
      return model.predict(prepared);
    },
    forecastAhead(rows) {
      return model.forecastAhead(applyRecipe(fitted, rows, { mode: "serve" }).rows);
    },
    dispose: () => model.dispose(),
  };
}

/** A recommendation row names an item (`itemId`, or the item column's own name); the answer is its top k. */
function recommenderPredictor(loaded: Extract<LoadedModel, { kind: "recommender" }>): Compiled {
  const model = loaded.model;
  const itemColumn = model.params.itemColumn;
  return {
    kind: "recommender",
    inputSchema: [{ name: ITEM_ID_COLUMN, type: "category" }],
    predict(rows, opts) {
      const k = opts?.k ?? model.params.k ?? DEFAULT_K;
      const field = opts?.field ?? "rows";
      return rows.map((row, i) => {
        const item = row[ITEM_ID_COLUMN] ?? row[itemColumn];
        if (item === null || item === undefined || String(item).trim() === "") throw invalid(`${field}[${i}].${ITEM_ID_COLUMN}`, `row ${i} names no item: send {"${ITEM_ID_COLUMN}": "…"}`);
        return model.recommend(String(item).trim(), k);
      });
    },
    dispose: () => model.dispose(),
  };
}
