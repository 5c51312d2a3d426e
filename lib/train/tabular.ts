import * as tf from "@tensorflow/tfjs";
import { mulberry32 } from "@/lib/prepare/split";
import { AppError, type FieldError } from "@/lib/shared/errors";
import { type Matrix, encodeLabels, sortLabels } from "./matrix";
import { argmax, classificationMetrics, regressionMetrics } from "./metrics";
import { paramsSchema, TABULAR_PARAM_BOUNDS } from "./param-bounds";
import { parseParams } from "./params";
import { ACTIVATIONS, type Activation, type ClassPrediction, type EpochLog, type Metrics, type TrainCallbacks } from "./types";

/**
 * The tabular models of the "train" step — `linear` (ridge), `logistic` and `mlp` — as stock
 * tfjs layers models, trained on the matrix of a fitted recipe's rows. Isomorphic: the train
 * page and the server run the same code; the caller picks the backend first (chooseBackend,
 * initServerBackend).
 *
 * Two scalings live beside the layers graph, in plain JS, so the weights load with stock
 * `tf.loadLayersModel`: the inputs are standardised by their training mean/std (a recipe
 * without a scale step still trains well), and a regression target is standardised too (so one
 * learning rate suits targets in cents or in millions; a loss of 1.0 is the mean predictor's).
 */

export const TABULAR_ALGORITHMS = ["linear", "logistic", "mlp"] as const;
export type TabularAlgorithm = (typeof TABULAR_ALGORITHMS)[number];
export type TabularTask = "regression" | "classification";
export { ACTIVATIONS, type Activation } from "./types";

export interface TabularParams {
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** Units of each hidden layer (mlp only). */
  hiddenUnits: number[];
  /** Activation of the hidden layers (mlp only). */
  activation: Activation;
  /** Dropout rate after each hidden layer (mlp only). */
  dropout: number;
  /** L2 penalty on the kernels, added to the loss: l2 · Σw². */
  l2: number;
  seed: number;
  /** Epochs without a better validation loss before training stops; 0 turns early stopping off. */
  earlyStoppingPatience: number;
}

/** Fewer training rows than this cannot fit, let alone validate, a model. */
export const MIN_TRAINING_ROWS = 10;
/**
 * On the standardised target the mean predictor's loss is 1; a loss a million times that means
 * the optimiser has run away even before float32 overflows to NaN.
 */
export const DIVERGED_REGRESSION_LOSS = 1e6;
/** Probabilities are clipped to [EPS, 1 − EPS] in the cross-entropy, as tfjs does. */
const CROSS_ENTROPY_EPS = 1e-7;

const COMMON_DEFAULTS = {
  hiddenUnits: [64, 32],
  activation: "relu",
  dropout: 0,
  seed: 42,
  earlyStoppingPatience: 10,
} as const satisfies Partial<TabularParams>;

/**
 * Good defaults: `{algorithm}` alone trains a good model. Adam on standardised inputs and target
 * needs no tuning; the convex models take larger steps than the mlp; early stopping (patience 10,
 * best weights restored) decides the real epoch count, so `epochs` is only a ceiling. The convex
 * models' ceiling is high because on small data an epoch is only a few steps: 100 epochs left
 * logistic regression on iris (90 training rows, 3 steps an epoch) still improving and 0.026 of
 * accuracy behind scikit-learn's (bench/eval-tabular.ts); larger data stops early long before it.
 */
export const TABULAR_DEFAULTS: Record<TabularAlgorithm, TabularParams> = {
  linear: { ...COMMON_DEFAULTS, hiddenUnits: [], epochs: 500, batchSize: 32, learningRate: 0.01, l2: 1e-4 },
  logistic: { ...COMMON_DEFAULTS, hiddenUnits: [], epochs: 500, batchSize: 32, learningRate: 0.01, l2: 1e-4 },
  mlp: { ...COMMON_DEFAULTS, hiddenUnits: [64, 32], epochs: 300, batchSize: 64, learningRate: 0.001, l2: 1e-4 },
};

/** Partial params of a tabular run, with their ranges (TABULAR_PARAM_BOUNDS). Unknown keys are refused, so a typo is not silently ignored. */
export const tabularParamsSchema = paramsSchema(TABULAR_PARAM_BOUNDS);

/** The defaults of an algorithm overlaid with valid params; a bad param throws VALIDATION on `params.<name>`. */
export function resolveTabularParams(algorithm: TabularAlgorithm, params: unknown = {}): TabularParams {
  // A linear model's own stored params say hiddenUnits: [] (it has no hidden layer): take them back as they are.
  const input = params && typeof params === "object" && !Array.isArray(params) ? { ...(params as Record<string, unknown>) } : params;
  if (algorithm !== "mlp" && input && typeof input === "object" && Array.isArray((input as Record<string, unknown>).hiddenUnits) && ((input as Record<string, unknown>).hiddenUnits as unknown[]).length === 0) {
    delete (input as Record<string, unknown>).hiddenUnits;
  }
  return { ...TABULAR_DEFAULTS[algorithm], ...parseParams(tabularParamsSchema, input) };
}

/**
 * Defaults overlaid with params, checked only for what the code needs to run (the API checks
 * the ranges of tabularParamsSchema first, with resolveTabularParams).
 */
function runnableParams(algorithm: TabularAlgorithm, params: Partial<TabularParams> = {}): TabularParams {
  const defined = Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined)) as Partial<TabularParams>;
  const p: TabularParams = { ...TABULAR_DEFAULTS[algorithm], ...defined };
  const errors: FieldError[] = [];
  const check = (ok: boolean, field: keyof TabularParams, message: string) => {
    if (!ok) errors.push({ field: `params.${field}`, message });
  };
  const isInt = (v: unknown, min: number) => Number.isInteger(v) && (v as number) >= min;
  check(isInt(p.epochs, 1), "epochs", "must be an integer of at least 1");
  check(isInt(p.batchSize, 1), "batchSize", "must be an integer of at least 1");
  check(Number.isFinite(p.learningRate) && p.learningRate > 0, "learningRate", "must be a positive number");
  check(Number.isFinite(p.dropout) && p.dropout >= 0 && p.dropout < 1, "dropout", "must be at least 0 and below 1");
  check(Number.isFinite(p.l2) && p.l2 >= 0, "l2", "must be a number of at least 0");
  check(isInt(p.seed, 0), "seed", "must be an integer of at least 0");
  check(isInt(p.earlyStoppingPatience, 0), "earlyStoppingPatience", "must be an integer of at least 0");
  check((ACTIVATIONS as readonly string[]).includes(p.activation), "activation", `must be one of ${ACTIVATIONS.join(", ")}`);
  check(
    algorithm !== "mlp" || (Array.isArray(p.hiddenUnits) && p.hiddenUnits.length > 0 && p.hiddenUnits.every((u) => isInt(u, 1))),
    "hiddenUnits",
    "must list at least one layer of at least 1 unit",
  );
  if (errors.length > 0) throw new AppError("VALIDATION", `invalid params: ${errors.map((e) => `${e.field} ${e.message}`).join("; ")}`, errors);
  return p;
}

/** Per-column standardisation, fitted on the training matrix. Columns with no spread get std 1. */
export interface Scale {
  mean: number[];
  std: number[];
}

export interface TargetScale {
  mean: number;
  std: number;
}

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

export interface TrainTabularInput {
  algorithm: TabularAlgorithm;
  task: TabularTask;
  params?: Partial<TabularParams>;
  train: { x: Matrix; y: number[] | string[] };
  validation: { x: Matrix; y: number[] | string[] };
  callbacks?: TrainCallbacks;
}

// ---------------------------------------------------------------------------------------------
// Checks

function fail(field: string, message: string): AppError {
  return new AppError("VALIDATION", message, [{ field, message }]);
}

function checkTask(algorithm: TabularAlgorithm, task: TabularTask): void {
  if (algorithm === "linear" && task !== "regression") {
    throw fail("algorithm", "linear regression predicts numbers: use logistic or mlp for a classification target");
  }
  if (algorithm === "logistic" && task !== "classification") {
    throw fail("algorithm", "logistic regression predicts classes: use linear or mlp for a numeric target");
  }
}

function checkMatrix(x: Matrix, y: { length: number }, part: string): void {
  if (x.data.length !== x.rows * x.cols) throw new Error(`${part} matrix: ${x.data.length} values for ${x.rows} × ${x.cols}`);
  if (y.length !== x.rows) throw new Error(`${part}: ${x.rows} feature rows but ${y.length} target values`);
  for (let i = 0; i < x.data.length; i++) {
    if (!Number.isFinite(x.data[i])) {
      const row = Math.floor(i / x.cols) + 1;
      throw fail("columns", `${part} feature column ${(i % x.cols) + 1} has a non-finite value at row ${row}: impute or clip it in the recipe`);
    }
  }
}

function divergedError(loss: number): AppError {
  const message = `training diverged (loss is ${Number.isFinite(loss) ? loss.toPrecision(3) : loss}): lower the learning rate`;
  return new AppError("VALIDATION", message, [{ field: "params.learningRate", message }]);
}

// ---------------------------------------------------------------------------------------------
// Scaling

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
    throw fail("columns", `the model expects ${scale.mean.length} feature columns but got ${x.cols}`);
  }
  const out = new Float32Array(x.data.length);
  for (let i = 0; i < x.rows; i++) {
    for (let j = 0; j < x.cols; j++) out[i * x.cols + j] = (x.data[i * x.cols + j] - scale.mean[j]) / scale.std[j];
  }
  return out;
}

function fitTargetScale(y: readonly number[]): TargetScale {
  for (let i = 0; i < y.length; i++) {
    if (!Number.isFinite(y[i])) throw fail("target", `the target has a non-finite value at row ${i + 1}: drop or impute such rows in the recipe`);
  }
  const mean = y.reduce((a, b) => a + b, 0) / y.length;
  const std = Math.sqrt(y.reduce((a, b) => a + (b - mean) ** 2, 0) / y.length);
  if (!(std > 1e-12 * Math.max(1, Math.abs(mean)))) {
    throw fail("target", `the target is constant (${mean}) in the training rows: there is nothing to learn`);
  }
  return { mean, std };
}

// ---------------------------------------------------------------------------------------------
// Seeds

/** A non-zero 31-bit seed derived from the run's seed (tfjs treats a seed of 0 as "random"). */
function deriveSeed(seed: number, salt: number): number {
  const random = mulberry32((seed ^ Math.imul(salt + 1, 0x9e3779b9)) >>> 0);
  return 1 + Math.floor(random() * 0x7ffffffe);
}

function permutation(n: number, random: () => number): Int32Array {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  return order;
}

// ---------------------------------------------------------------------------------------------
// The layers graph

/** Outputs of the graph: 1 for regression and binary classification (sigmoid), else one per class. */
function outputUnits(task: TabularTask, classes: number): number {
  return task === "regression" || classes === 2 ? 1 : classes;
}

/**
 * Builds the stock layers graph. Input shape: [batch, features] (standardised);
 * output shape: [batch, outputUnits].
 */
function buildModel(algorithm: TabularAlgorithm, task: TabularTask, features: number, classes: number, params: TabularParams): tf.Sequential {
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
function dataLoss(task: TabularTask, yTrue: tf.Tensor, yPred: tf.Tensor): tf.Scalar {
  if (task === "regression") return tf.mean(tf.squaredDifference(yTrue, yPred));
  const perRow = yPred.shape[1] === 1 ? tf.metrics.binaryCrossentropy(yTrue, yPred) : tf.metrics.categoricalCrossentropy(yTrue, yPred);
  return tf.mean(perRow);
}

/** Training targets in the graph's units. Shape: [rows, outputUnits]. */
function encodeTargets(task: TabularTask, y: readonly (number | string)[], labels: string[] | undefined, scale: TargetScale | undefined): { values: Float32Array; width: number } {
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

// ---------------------------------------------------------------------------------------------
// Prediction

interface Predictor {
  task: TabularTask;
  labels?: string[];
  inputScale: Scale;
  targetScale?: TargetScale;
  model: tf.LayersModel;
}

/**
 * One batched forward pass on standardised inputs (predict's default batch of 32 is ~50× slower
 * on wasm). Shape in: [rows, features]; out: [rows, outputUnits]. The caller disposes it.
 */
function forwardTensor(model: tf.LayersModel, scaled: Float32Array, rows: number, cols: number): tf.Tensor {
  return tf.tidy(() => model.predict(tf.tensor2d(scaled, [rows, cols]), { batchSize: rows }) as tf.Tensor);
}

/** forwardTensor read back synchronously (the predict API is synchronous), row-major. */
function forward(model: tf.LayersModel, scaled: Float32Array, rows: number, cols: number): Float32Array {
  if (rows === 0) return new Float32Array(0);
  const output = forwardTensor(model, scaled, rows, cols);
  try {
    return output.dataSync() as Float32Array;
  } finally {
    output.dispose();
  }
}

/** forwardTensor read back without blocking the thread (webgl), for the per-epoch validation. */
async function forwardAsync(model: tf.LayersModel, scaled: Float32Array, rows: number, cols: number): Promise<Float32Array> {
  if (rows === 0) return new Float32Array(0);
  const output = forwardTensor(model, scaled, rows, cols);
  try {
    return (await output.data()) as Float32Array;
  } finally {
    output.dispose();
  }
}

function outputsToValues(out: Float32Array, scale: TargetScale): number[] {
  return Array.from(out, (v) => v * scale.std + scale.mean);
}

function outputsToProbabilities(out: Float32Array, rows: number, classes: number): number[][] {
  const result: number[][] = new Array(rows);
  if (classes === 2) {
    for (let i = 0; i < rows; i++) result[i] = [1 - out[i], out[i]];
  } else {
    for (let i = 0; i < rows; i++) result[i] = Array.from(out.subarray(i * classes, (i + 1) * classes));
  }
  return result;
}

function toClassPredictions(probs: number[][], labels: string[]): ClassPrediction[] {
  return probs.map((p) => ({
    label: labels[argmax(p)],
    probabilities: Object.fromEntries(labels.map((label, j) => [label, p[j]])),
  }));
}

function makeTabularModel(
  core: Predictor & { algorithm: TabularAlgorithm; params: TabularParams; history: EpochLog[]; stoppedEarly: boolean; bestEpoch: number },
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

/** The task's metrics (METRICS_BY_TASK in ./metrics.ts) of a model on some rows. */
export function evaluateTabular(model: TabularModel, x: Matrix, y: number[] | string[]): Metrics {
  if (model.task === "regression") return { ...regressionMetrics(y as number[], model.predictValues(x)) };
  return { ...classificationMetrics(y as string[], model.predictProbabilities(x), model.labels!) };
}

// ---------------------------------------------------------------------------------------------
// Training

interface Validation {
  scaled: Float32Array;
  rows: number;
  /** Targets in graph units, for the loss. */
  targets: Float32Array;
  width: number;
  /** Rows whose class was seen in training (all rows for regression). */
  known: Uint8Array;
  y: number[] | string[];
}

/** Validation loss (as the training loss, without the L2 term) and metrics from one forward pass. */
async function validate(
  model: tf.LayersModel,
  v: Validation,
  cols: number,
  task: TabularTask,
  labels: string[] | undefined,
  targetScale: TargetScale | undefined,
): Promise<{ loss: number; metrics: Metrics }> {
  const out = await forwardAsync(model, v.scaled, v.rows, cols);
  let sum = 0;
  let count = 0;
  for (let i = 0; i < v.rows; i++) {
    if (!v.known[i]) continue;
    count++;
    if (task === "regression") sum += (out[i] - v.targets[i]) ** 2;
    else if (v.width === 1) {
      const p = Math.min(1 - CROSS_ENTROPY_EPS, Math.max(CROSS_ENTROPY_EPS, out[i]));
      sum -= v.targets[i] === 1 ? Math.log(p) : Math.log(1 - p);
    } else {
      for (let j = 0; j < v.width; j++) {
        if (v.targets[i * v.width + j] === 1) sum -= Math.log(Math.min(1 - CROSS_ENTROPY_EPS, Math.max(CROSS_ENTROPY_EPS, out[i * v.width + j])));
      }
    }
  }
  const loss = count > 0 ? sum / count : Number.NaN;
  if (!Number.isFinite(loss)) return { loss, metrics: {} };
  const metrics: Metrics =
    task === "regression"
      ? { ...regressionMetrics(v.y as number[], outputsToValues(out, targetScale!)) }
      : { ...classificationMetrics(v.y as string[], outputsToProbabilities(out, v.rows, labels!.length), labels!) };
  return { loss, metrics };
}

/**
 * Dropout reads its `seed` field on every call, and a fixed seed repeats one mask forever
 * (no seed: Math.random, not reproducible); training sets a fresh seed before every batch.
 */
type SeedableLayer = { seed?: number };

/**
 * Trains a tabular model. Shuffling, initialisation and dropout are seeded, so the same input
 * and seed give the same model on the same backend. Early stopping watches the validation loss
 * and restores the best epoch's weights. Throws VALIDATION for too few rows, a constant target,
 * non-finite inputs, an algorithm that does not fit the task, and a diverging loss.
 */
export async function trainTabular(input: TrainTabularInput): Promise<TabularModel> {
  const { algorithm, task, train, validation, callbacks } = input;
  if (!TABULAR_ALGORITHMS.includes(algorithm)) throw fail("algorithm", `unknown tabular algorithm "${algorithm}"`);
  checkTask(algorithm, task);
  const params = runnableParams(algorithm, input.params);
  checkMatrix(train.x, train.y, "training");
  checkMatrix(validation.x, validation.y, "validation");
  if (train.x.rows < MIN_TRAINING_ROWS) {
    throw fail("rows", `only ${train.x.rows} training rows: at least ${MIN_TRAINING_ROWS} are needed to train a model`);
  }
  if (train.x.cols === 0) throw fail("columns", "no feature columns: the recipe must keep at least one feature");
  if (validation.x.rows > 0 && validation.x.cols !== train.x.cols) {
    throw new Error(`validation has ${validation.x.cols} columns but training has ${train.x.cols}`);
  }

  let labels: string[] | undefined;
  let targetScale: TargetScale | undefined;
  if (task === "regression") {
    if (train.y.some((v) => typeof v !== "number") || validation.y.some((v) => typeof v !== "number")) {
      throw fail("target", "regression needs a numeric target: use classification for labels");
    }
    targetScale = fitTargetScale(train.y as number[]);
  } else {
    labels = sortLabels((train.y as (string | number)[]).map(String));
    if (labels.length < 2) throw fail("target", `the target has a single class ("${labels[0]}") in the training rows: there is nothing to learn`);
  }
  const trainY = task === "regression" ? train.y : (train.y as (string | number)[]).map(String);
  const validationY = task === "regression" ? validation.y : (validation.y as (string | number)[]).map(String);
  if (task === "regression") {
    const bad = (validationY as number[]).findIndex((value) => !Number.isFinite(value));
    if (bad >= 0) throw fail("target", `the validation target has a non-finite value at row ${bad + 1}: drop such rows in the recipe`);
  }

  const cols = train.x.cols;
  const inputScale = fitScale(train.x);
  const trainScaled = applyScale(train.x, inputScale);
  const trainTargets = encodeTargets(task, trainY, labels, targetScale);
  const validationTargets = encodeTargets(task, validationY, labels, targetScale);
  const v: Validation = {
    scaled: validation.x.rows > 0 ? applyScale(validation.x, inputScale) : new Float32Array(0),
    rows: validation.x.rows,
    targets: validationTargets.values,
    width: validationTargets.width,
    known:
      task === "regression"
        ? new Uint8Array(validation.x.rows).fill(1)
        : Uint8Array.from(encodeLabels(validationY as string[], labels).indices, (k) => (k >= 0 ? 1 : 0)),
    y: validationY as number[] | string[],
  };

  const model = buildModel(algorithm, task, cols, labels?.length ?? 0, params);
  const optimizer = tf.train.adam(params.learningRate);
  const dropoutLayers = model.layers.filter((layer) => layer.getClassName() === "Dropout") as unknown as SeedableLayer[];
  const shuffleRandom = mulberry32(deriveSeed(params.seed, 1000));
  const dropoutRandom = mulberry32(deriveSeed(params.seed, 2000));
  const history: EpochLog[] = [];
  const useEarlyStopping = params.earlyStoppingPatience > 0 && v.rows > 0;
  let best: { loss: number; epoch: number; weights: tf.Tensor[] } | undefined;
  let stoppedEarly = false;
  const n = train.x.rows;
  const width = trainTargets.width;
  const batchSize = Math.min(params.batchSize, n);
  const xs = new Float32Array(n * cols);
  const ys = new Float32Array(n * width);
  let lastYieldMs = now();

  try {
    epochs: for (let epoch = 1; epoch <= params.epochs; epoch++) {
      const order = permutation(n, shuffleRandom);
      for (let i = 0; i < n; i++) {
        xs.set(trainScaled.subarray(order[i] * cols, (order[i] + 1) * cols), i * cols);
        ys.set(trainTargets.values.subarray(order[i] * width, (order[i] + 1) * width), i * width);
      }
      // A plain loop over optimizer.minimize: model.fit costs ~2× more per batch on wasm.
      const xEpoch = tf.tensor2d(xs, [n, cols]); // Shape: [n, features], this epoch's order
      const yEpoch = tf.tensor2d(ys, [n, width]); // Shape: [n, outputUnits]
      const batchLosses: tf.Scalar[] = [];
      let rowsSeen = 0;
      let stopRequested = false;
      try {
        for (let start = 0; start < n; start += batchSize) {
          const size = Math.min(batchSize, n - start);
          for (const layer of dropoutLayers) layer.seed = 1 + Math.floor(dropoutRandom() * 0x7ffffffe);
          const cost = optimizer.minimize(() => {
            const xBatch = xEpoch.slice([start, 0], [size, cols]);
            const yBatch = yEpoch.slice([start, 0], [size, width]);
            const yPred = model.apply(xBatch, { training: true }) as tf.Tensor;
            const penalties = model.calculateLosses();
            const total = penalties.length > 0 ? tf.addN([dataLoss(task, yBatch, yPred), ...penalties]) : dataLoss(task, yBatch, yPred);
            return tf.mul(total, size) as tf.Scalar; // weighted by rows, for the epoch mean
          }, true);
          if (cost) batchLosses.push(cost);
          rowsSeen += size;
          if (callbacks?.shouldStop?.()) {
            stopRequested = true;
            break;
          }
          if (now() - lastYieldMs > YIELD_EVERY_MS) {
            await yieldToEventLoop();
            lastYieldMs = now();
          }
        }
      } finally {
        xEpoch.dispose();
        yEpoch.dispose();
      }
      const lossTensor = tf.tidy(() => tf.div(tf.addN(batchLosses), rowsSeen));
      tf.dispose(batchLosses);
      const loss = (await lossTensor.data())[0];
      lossTensor.dispose();
      if (!Number.isFinite(loss) || (task === "regression" && loss > DIVERGED_REGRESSION_LOSS)) throw divergedError(loss);

      const log: EpochLog = { epoch, loss };
      if (v.rows > 0) {
        const { loss: valLoss, metrics } = await validate(model, v, cols, task, labels, targetScale);
        if (Number.isNaN(valLoss) && v.known.every((k) => k === 0)) {
          // no validation row has a class seen in training: nothing to measure the loss on
        } else if (!Number.isFinite(valLoss) || (task === "regression" && valLoss > DIVERGED_REGRESSION_LOSS)) {
          throw divergedError(valLoss);
        } else {
          log.valLoss = valLoss;
          log.metrics = metrics;
        }
      }
      history.push(log);

      // Any improvement counts (Keras's default): on small data an epoch is a few steps, and a
      // minimum delta would stop training before it has started.
      if (log.valLoss !== undefined && (!best || log.valLoss < best.loss)) {
        tf.dispose(best?.weights ?? []);
        best = { loss: log.valLoss, epoch, weights: model.getWeights().map((w) => w.clone()) };
      }
      await callbacks?.onEpoch?.(log, params.epochs);
      lastYieldMs = now();
      if (stopRequested || callbacks?.shouldStop?.()) {
        stoppedEarly = epoch < params.epochs || stopRequested;
        break epochs;
      }
      if (useEarlyStopping && best && epoch - best.epoch >= params.earlyStoppingPatience) {
        stoppedEarly = epoch < params.epochs;
        break epochs;
      }
    }
    // Early stopping keeps the best epoch's weights; with it off, the last epoch's.
    let bestEpoch = history.length > 0 && history[history.length - 1].valLoss !== undefined ? history.length : 0;
    if (best && useEarlyStopping) {
      model.setWeights(best.weights);
      bestEpoch = best.epoch;
    }
    // The saved topology should not carry the last batch's dropout seed.
    for (const layer of dropoutLayers) layer.seed = undefined;
    return makeTabularModel({ algorithm, task, labels, params, history, stoppedEarly, bestEpoch, inputScale, targetScale, model });
  } catch (e) {
    model.dispose();
    throw e;
  } finally {
    tf.dispose(best?.weights ?? []);
    optimizer.dispose();
  }
}

/** How long training may hold the thread before letting a page paint or a worker answer. */
const YIELD_EVERY_MS = 50;

const now = () => (typeof performance !== "undefined" ? performance.now() : Date.now());

/**
 * Lets other work run: setImmediate in Node; a MessageChannel in the browser, which, unlike
 * requestAnimationFrame or setTimeout, is not paused or throttled in a background tab.
 */
function yieldToEventLoop(): Promise<void> {
  if (typeof setImmediate === "function") return new Promise((resolve) => setImmediate(resolve));
  if (typeof MessageChannel === "function") {
    return new Promise((resolve) => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => {
        channel.port1.close();
        resolve();
      };
      channel.port2.postMessage(null);
    });
  }
  return new Promise((resolve) => setTimeout(resolve, 0));
}

// ---------------------------------------------------------------------------------------------
// Fast single-row prediction

export type DenseActivation = "linear" | "relu" | "tanh" | "sigmoid" | "elu" | "softmax";

/** The weights of a dense-only model as plain arrays, for predictRowFast. */
export interface DenseWeights {
  task: TabularTask;
  labels?: string[];
  inputMean: Float32Array;
  inputStd: Float32Array;
  targetScale?: TargetScale;
  layers: {
    /** Shape: [inDim, outDim], row-major. */
    kernel: Float32Array;
    /** Shape: [outDim]. */
    bias: Float32Array;
    inDim: number;
    outDim: number;
    activation: DenseActivation;
  }[];
}

/** Copies a tabular model's dense layers out of tfjs (dropout layers are identity at prediction). */
export async function denseWeights(model: Pick<TabularModel, "task" | "labels" | "inputScale" | "targetScale" | "model">): Promise<DenseWeights> {
  const layers: DenseWeights["layers"] = [];
  for (const layer of model.model.layers) {
    const kind = layer.getClassName();
    if (kind === "Dropout") continue;
    if (kind !== "Dense") throw new Error(`denseWeights: a ${kind} layer is not supported`);
    const [kernel, bias] = layer.getWeights();
    const [inDim, outDim] = kernel.shape as [number, number];
    const activation = String(layer.getConfig().activation ?? "linear") as DenseActivation;
    if (!["linear", "relu", "tanh", "sigmoid", "elu", "softmax"].includes(activation)) {
      throw new Error(`denseWeights: activation ${activation} is not supported`);
    }
    layers.push({
      kernel: (await kernel.data()) as Float32Array,
      bias: bias ? ((await bias.data()) as Float32Array) : new Float32Array(outDim),
      inDim,
      outDim,
      activation,
    });
  }
  return {
    task: model.task,
    labels: model.labels,
    inputMean: Float32Array.from(model.inputScale.mean),
    inputStd: Float32Array.from(model.inputScale.std),
    targetScale: model.targetScale,
    layers,
  };
}

function activate(values: Float64Array, activation: DenseActivation): void {
  const n = values.length;
  switch (activation) {
    case "linear":
      return;
    case "relu":
      for (let i = 0; i < n; i++) if (values[i] < 0) values[i] = 0;
      return;
    case "tanh":
      for (let i = 0; i < n; i++) values[i] = Math.tanh(values[i]);
      return;
    case "sigmoid":
      for (let i = 0; i < n; i++) values[i] = 1 / (1 + Math.exp(-values[i]));
      return;
    case "elu":
      for (let i = 0; i < n; i++) if (values[i] < 0) values[i] = Math.expm1(values[i]);
      return;
    case "softmax": {
      let max = -Infinity;
      for (let i = 0; i < n; i++) max = Math.max(max, values[i]);
      let sum = 0;
      for (let i = 0; i < n; i++) sum += values[i] = Math.exp(values[i] - max);
      for (let i = 0; i < n; i++) values[i] /= sum;
    }
  }
}

/**
 * The forward pass of one raw (unscaled) row in plain JS: ~2 µs instead of tfjs's ~80 µs fixed
 * cost per call. Shape in: [features]. Returns [value] in target units (regression) or one
 * probability per label (classification).
 */
export function predictRowFast(weights: DenseWeights, x: Float32Array | ArrayLike<number>): Float64Array {
  // Scratch buffers per model, reused row after row: allocating them per row made a batch job
  // spend as long collecting garbage as predicting. (Synchronous, so never shared mid-row.)
  let buffers = scratchBuffers.get(weights);
  if (!buffers) scratchBuffers.set(weights, (buffers = [new Float64Array(weights.inputMean.length), ...weights.layers.map((l) => new Float64Array(l.outDim))]));
  let values = buffers[0];
  if (x.length !== values.length) throw new Error(`predictRowFast: expected ${values.length} features, got ${x.length}`);
  for (let j = 0; j < values.length; j++) values[j] = Math.fround((x[j] - weights.inputMean[j]) / weights.inputStd[j]);
  for (let l = 0; l < weights.layers.length; l++) {
    const layer = weights.layers[l];
    const next = buffers[l + 1];
    next.set(layer.bias);
    for (let i = 0; i < layer.inDim; i++) {
      const v = values[i];
      if (v === 0) continue;
      const row = i * layer.outDim;
      for (let o = 0; o < layer.outDim; o++) next[o] += v * layer.kernel[row + o];
    }
    activate(next, layer.activation);
    values = next;
  }
  if (weights.task === "regression") return Float64Array.of(values[0] * weights.targetScale!.std + weights.targetScale!.mean);
  return values.length === 1 ? Float64Array.of(1 - values[0], values[0]) : values.slice();
}

const scratchBuffers = new WeakMap<DenseWeights, Float64Array[]>();

// ---------------------------------------------------------------------------------------------
// Linear coefficients

/** Coefficients of a linear model in the units of the raw features and target: y = Σ w·x + intercept. */
export async function linearCoefficients(model: TabularModel): Promise<{ weights: number[]; intercept: number }> {
  if (model.algorithm !== "linear") throw new Error("linearCoefficients: only a linear model has coefficients");
  const [layer] = (await denseWeights(model)).layers;
  const { mean, std } = model.inputScale;
  const ts = model.targetScale!;
  const weights = mean.map((_, j) => (layer.kernel[j] * ts.std) / std[j]);
  const intercept = ts.mean + ts.std * layer.bias[0] - weights.reduce((sum, w, j) => sum + w * mean[j], 0);
  return { weights, intercept };
}

// ---------------------------------------------------------------------------------------------
// Save and load

export const TABULAR_FORMAT_VERSION = 1;

/** What the layers graph does not hold: the JS-side scalings and the class labels. */
export interface TabularExtras {
  formatVersion: typeof TABULAR_FORMAT_VERSION;
  algorithm: TabularAlgorithm;
  task: TabularTask;
  labels?: string[];
  targetScale?: TargetScale;
  inputScale: Scale;
  params?: TabularParams;
}

/** tfjs's own format (model.json's topology and weights manifest + one binary buffer), plus extras. */
export interface TabularArtifacts {
  modelTopology: {};
  weightSpecs: tf.io.WeightsManifestEntry[];
  weightData: ArrayBuffer;
  extras: TabularExtras;
}

export async function serializeTabular(model: TabularModel): Promise<TabularArtifacts> {
  let saved: tf.io.ModelArtifacts | undefined;
  await model.model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } };
    }),
  );
  if (!saved?.modelTopology || !saved.weightSpecs || !saved.weightData) throw new Error("serializeTabular: tfjs saved no weights");
  const weightData = Array.isArray(saved.weightData) ? tf.io.CompositeArrayBuffer.join(saved.weightData) : saved.weightData;
  return {
    modelTopology: saved.modelTopology,
    weightSpecs: saved.weightSpecs,
    weightData,
    extras: {
      formatVersion: TABULAR_FORMAT_VERSION,
      algorithm: model.algorithm,
      task: model.task,
      ...(model.labels ? { labels: [...model.labels] } : {}),
      ...(model.targetScale ? { targetScale: { ...model.targetScale } } : {}),
      inputScale: { mean: [...model.inputScale.mean], std: [...model.inputScale.std] },
      params: { ...model.params, hiddenUnits: [...model.params.hiddenUnits] },
    },
  };
}

/** Loads saved artifacts with stock tf.loadLayersModel; the model predicts but carries no history. */
export async function loadTabular(artifacts: TabularArtifacts): Promise<TabularModel> {
  const { extras } = artifacts;
  if (extras.formatVersion !== TABULAR_FORMAT_VERSION) throw new Error(`loadTabular: unknown format version ${extras.formatVersion}`);
  const model = await tf.loadLayersModel(
    tf.io.fromMemory({ modelTopology: artifacts.modelTopology, weightSpecs: artifacts.weightSpecs, weightData: artifacts.weightData }),
  );
  return makeTabularModel({
    algorithm: extras.algorithm,
    task: extras.task,
    labels: extras.labels,
    params: extras.params ?? TABULAR_DEFAULTS[extras.algorithm],
    history: [],
    stoppedEarly: false,
    bestEpoch: 0,
    inputScale: extras.inputScale,
    targetScale: extras.targetScale,
    model,
  });
}
