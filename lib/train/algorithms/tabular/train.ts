import * as tf from "@tensorflow/tfjs";
import { type AppError, validation as fail } from "@/lib/shared/errors";
import { mulberry32 } from "@/lib/shared/random";
import { type Matrix, encodeLabels, sortLabels } from "../../matrix";
import { classificationMetrics, regressionMetrics } from "../../metrics";
import type { EpochLog, Metrics, TrainCallbacks } from "../../types";
import { makeTabularModel, type TabularModel } from "./model";
import { buildModel, dataLoss, deriveSeed, encodeTargets, forwardAsync, outputsToProbabilities, outputsToValues } from "./network";
import { runnableParams, TABULAR_ALGORITHMS, type TabularAlgorithm, type TabularParams, type TabularTask } from "./params";
import { applyScale, fitScale, fitTargetScale, type TargetScale } from "./scale";

/**
 * Training of the tabular models on the matrix of a fitted recipe's rows. Isomorphic: the train
 * page and the server run the same code; the caller picks the backend first (chooseBackend,
 * initServerBackend).
 */

/** Fewer training rows than this cannot fit, let alone validate, a model. */
export const MIN_TRAINING_ROWS = 10;
/**
 * On the standardised target the mean predictor's loss is 1; a loss a million times that means
 * the optimiser has run away even before float32 overflows to NaN.
 */
export const DIVERGED_REGRESSION_LOSS = 1e6;
/** Probabilities are clipped to [EPS, 1 − EPS] in the cross-entropy, as tfjs does. */
const CROSS_ENTROPY_EPS = 1e-7;

export interface TrainTabularInput {
  algorithm: TabularAlgorithm;
  task: TabularTask;
  params?: Partial<TabularParams>;
  train: { x: Matrix; y: number[] | string[] };
  validation: { x: Matrix; y: number[] | string[] };
  callbacks?: TrainCallbacks;
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
  return fail("params.learningRate", `training diverged (loss is ${Number.isFinite(loss) ? loss.toPrecision(3) : loss}): lower the learning rate`);
}

/** A seeded shuffle of 0 … n − 1. */
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
 * tfjs declares the field private and readonly, so a Dropout layer is typed with it here.
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
  const dropoutLayers = model.layers.filter((layer): layer is typeof layer & SeedableLayer => layer.getClassName() === "Dropout");
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
    for (let epoch = 1; epoch <= params.epochs; epoch++) {
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
        break;
      }
      if (useEarlyStopping && best && epoch - best.epoch >= params.earlyStoppingPatience) {
        stoppedEarly = epoch < params.epochs;
        break;
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
