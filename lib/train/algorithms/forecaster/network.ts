import * as tf from "@tensorflow/tfjs";
import { validation } from "@/lib/shared/errors";
import { mulberry32 } from "@/lib/shared/random";
import type { EpochLog, TrainCallbacks } from "../../types";
import { type ExampleSet, exampleWeights, weightedAbsoluteError } from "./examples";
import type { ForecasterParams } from "./params";

/** A forecaster's network: an ensemble of small dense networks over the features and the series' embeddings, and its fitting. */

/** Learned embedding size of a series column's values: min(cap, 1 + ceil(sqrt(distinct values))). */
const EMBEDDING_DIM_CAP = 10;
/**
 * Gaussian noise (in standard deviations) added to the numeric inputs while training. Prices are
 * set chain-wide, so exact price patterns identify a week; the noise keeps the network from
 * memorising each week's shock through them.
 */
const INPUT_NOISE_STD = 0.3;
/** Rows per predict call: one batched forward pass (predict's default batch of 32 is ~50× slower). */
const PREDICT_CHUNK_ROWS = 8192;

interface Network {
  /** Serving model: the members' mean. Inputs `numeric` Shape: [batch, features] and `series_<c>` Shape: [batch, vocabulary + 1]; output Shape: [batch, 1]. */
  model: tf.LayersModel;
  /** The same layers with one output per member (what training fits). Output Shape: ensembleSize × [batch, 1]. */
  members: tf.LayersModel;
}

/**
 * Per member: the numeric features and, per series column, its one-hot value through a bias-free
 * dense layer (an embedding), concatenated, through dense ReLU layers to one output
 * (log1p(y) − level). The one-hot is built outside the model: the Embedding layer's gradient
 * needs a kernel (UnsortedSegmentSum) the wasm backend lacks.
 */
export function buildNetwork(params: ForecasterParams, featureCount: number, vocabularies: string[][]): Network {
  const numeric = tf.input({ shape: [featureCount], name: "numeric" });
  const idInputs = vocabularies.map((vocab, c) => tf.input({ shape: [vocab.length + 1], name: `series_${c}` }));
  const outputs: tf.SymbolicTensor[] = [];
  for (let m = 0; m < params.ensembleSize; m++) {
    const seed = params.seed + 1000 * m;
    const parts: tf.SymbolicTensor[] = [numeric];
    vocabularies.forEach((vocab, c) => {
      const units = Math.min(EMBEDDING_DIM_CAP, 1 + Math.ceil(Math.sqrt(vocab.length)));
      const init = tf.initializers.randomUniform({ minval: -0.05, maxval: 0.05, seed: seed + 101 + c });
      parts.push(tf.layers.dense({ units, useBias: false, kernelInitializer: init, name: `m${m}_embedding_${c}` }).apply(idInputs[c]) as tf.SymbolicTensor);
    });
    let h = parts.length > 1 ? (tf.layers.concatenate({ name: `m${m}_features` }).apply(parts) as tf.SymbolicTensor) : numeric;
    params.hiddenUnits.forEach((units, i) => {
      const init = tf.initializers.heNormal({ seed: seed + i });
      h = tf.layers.dense({ units, activation: "relu", kernelInitializer: init, name: `m${m}_hidden_${i}` }).apply(h) as tf.SymbolicTensor;
      if (params.dropout > 0) h = tf.layers.dropout({ rate: params.dropout, seed: seed + 50 + i, name: `m${m}_dropout_${i}` }).apply(h) as tf.SymbolicTensor;
    });
    const init = tf.initializers.glorotUniform({ seed: seed + 99 });
    outputs.push(tf.layers.dense({ units: 1, kernelInitializer: init, name: `m${m}_output` }).apply(h) as tf.SymbolicTensor);
  }
  const inputs = [numeric, ...idInputs];
  const mean = outputs.length > 1 ? (tf.layers.average({ name: "ensemble" }).apply(outputs) as tf.SymbolicTensor) : outputs[0];
  return { model: tf.model({ inputs, outputs: mean, name: "forecaster" }), members: tf.model({ inputs, outputs }) };
}

/** Resident tensors of a set: numeric Shape: [n, features]; one int32 Shape: [n] per series column; y Shape: [n, 1]. */
interface SetTensors {
  numeric: tf.Tensor2D;
  ids: tf.Tensor1D[];
  y: tf.Tensor2D;
}

function setTensors(set: ExampleSet, featureCount: number, idCount: number, from = 0, to = set.n): SetTensors {
  const n = to - from;
  const ids: tf.Tensor1D[] = [];
  for (let c = 0; c < idCount; c++) {
    const column = new Int32Array(n);
    for (let i = 0; i < n; i++) column[i] = set.ids[(from + i) * idCount + c];
    ids.push(tf.tensor1d(column, "int32"));
  }
  return {
    numeric: tf.tensor2d(set.x.subarray(from * featureCount, to * featureCount), [n, featureCount]),
    ids,
    y: tf.tensor2d(set.y.subarray(from, to), [n, 1]),
  };
}

const disposeSet = (t: SetTensors) => tf.dispose([t.numeric, t.y, ...t.ids]);

/** The model's inputs for some rows of resident tensors (all rows when `rows` is absent). */
function modelInputs(t: SetTensors, depths: readonly number[], rows?: tf.Tensor1D): tf.Tensor[] {
  return tf.tidy(() => [
    rows ? tf.gather(t.numeric, rows) : t.numeric.clone(),
    ...t.ids.map((ids, c) => tf.oneHot(rows ? tf.gather(ids, rows) : ids, depths[c]).toFloat()),
  ]);
}

/** The model's outputs for a set, in chunks of one batched forward pass each. Shape: [n]. */
export async function predictSet(model: tf.LayersModel, set: ExampleSet, featureCount: number, depths: readonly number[]): Promise<Float32Array> {
  const out = new Float32Array(set.n);
  for (let from = 0; from < set.n; from += PREDICT_CHUNK_ROWS) {
    const to = Math.min(set.n, from + PREDICT_CHUNK_ROWS);
    const t = setTensors(set, featureCount, depths.length, from, to);
    const y = tf.tidy(() => model.predict(modelInputs(t, depths), { batchSize: to - from }) as tf.Tensor);
    out.set(await y.data(), from);
    tf.dispose(y);
    disposeSet(t);
  }
  return out;
}

/** The same as predictSet, synchronously: `Forecaster.predict` answers without a promise. */
export function predictSetSync(model: tf.LayersModel, set: ExampleSet, featureCount: number, depths: readonly number[]): Float32Array {
  const out = new Float32Array(set.n);
  for (let from = 0; from < set.n; from += PREDICT_CHUNK_ROWS) {
    const to = Math.min(set.n, from + PREDICT_CHUNK_ROWS);
    const t = setTensors(set, featureCount, depths.length, from, to);
    out.set(
      tf.tidy(() => (model.predict(modelInputs(t, depths), { batchSize: to - from }) as tf.Tensor).dataSync()),
      from,
    );
    disposeSet(t);
  }
  return out;
}

interface FitOptions {
  epochs: number;
  validation?: ExampleSet;
  callbacks?: TrainCallbacks;
  /** Epoch numbers in the history continue from here. */
  epochOffset: number;
  totalEpochs: number;
  history: EpochLog[];
}

/** A seeded Fisher–Yates shuffle of 0 … n − 1 in place (tfjs's own shuffle uses Math.random). */
function shuffleInPlace(order: Int32Array, random: () => number): void {
  for (let i = 0; i < order.length; i++) order[i] = i;
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
}

/**
 * Trains the members on a seeded shuffle with Adam, a volume-weighted absolute loss, L2 on the
 * kernels and seeded input noise; keeps the weights of the best validation epoch and stops after
 * `earlyStoppingPatience` epochs without improvement. Returns the best epoch (1-based; the last
 * one without validation).
 */
export async function fitNetwork(
  network: Network,
  train: ExampleSet,
  params: ForecasterParams,
  featureCount: number,
  depths: readonly number[],
  options: FitOptions,
): Promise<number> {
  const { model, members } = network;
  const random = mulberry32(params.seed);
  const all = setTensors(train, featureCount, depths.length);
  const weights = tf.tensor2d(exampleWeights(train), [train.n, 1]);
  const validationWeights = options.validation ? exampleWeights(options.validation) : undefined;
  const optimizer = tf.train.adam(params.learningRate);
  const variables = members.trainableWeights.map((w) => w.read() as tf.Variable);
  const kernels = members.trainableWeights.filter((w) => w.name.includes("kernel")).map((w) => w.read());
  let best = Number.POSITIVE_INFINITY;
  let bestEpoch = 0;
  let bestWeights: tf.Tensor[] | undefined;
  let stopped = false;
  let batchNumber = 0;
  const order = new Int32Array(train.n);
  try {
    for (let epoch = 1; epoch <= options.epochs && !stopped; epoch++) {
      shuffleInPlace(order, random);
      let lossSum = 0;
      for (let from = 0; from < train.n && !stopped; from += params.batchSize) {
        const to = Math.min(train.n, from + params.batchSize);
        const rows = tf.tensor1d(order.subarray(from, to), "int32");
        const inputs = modelInputs(all, depths, rows);
        const y = tf.gather(all.y, rows);
        const w = tf.gather(weights, rows);
        const noiseSeed = params.seed * 7919 + ++batchNumber;
        try {
          const cost = optimizer.minimize(
            () => {
              const noise = tf.randomNormal(inputs[0].shape, 0, INPUT_NOISE_STD, "float32", noiseSeed);
              const outputs = members.apply([tf.add(inputs[0], noise), ...inputs.slice(1)], { training: true }) as tf.Tensor | tf.Tensor[];
              // Each member is fitted to the target on its own (not their mean), so they stay diverse.
              const predicted = Array.isArray(outputs) ? tf.concat(outputs, 1) : outputs;
              const perMember = tf.div(tf.sum(tf.mul(w, tf.abs(tf.sub(predicted, y)))), tf.sum(w));
              const penalty = params.l2 > 0 && kernels.length ? tf.mul(params.l2, tf.addN(kernels.map((k) => tf.sum(tf.square(k))))) : tf.scalar(0);
              return tf.add(perMember, penalty) as tf.Scalar;
            },
            true,
            variables,
          )!;
          lossSum += ((await cost.data())[0] / params.ensembleSize) * (to - from);
          cost.dispose();
        } finally {
          tf.dispose([rows, y, w, ...inputs]);
        }
        if (options.callbacks?.shouldStop?.()) stopped = true;
      }
      const loss = lossSum / train.n;
      if (!Number.isFinite(loss)) {
        throw validation("params.learningRate", `training diverged (loss ${loss}): lower learningRate`);
      }
      const log: EpochLog = { epoch: options.epochOffset + epoch, loss };
      if (options.validation && validationWeights && options.validation.n > 0) {
        const predictions = await predictSet(model, options.validation, featureCount, depths);
        log.valLoss = weightedAbsoluteError(predictions, options.validation.y, validationWeights);
        if (log.valLoss < best - 1e-6) {
          best = log.valLoss;
          bestEpoch = epoch;
          tf.dispose(bestWeights);
          bestWeights = model.getWeights().map((t) => t.clone());
        } else if (params.earlyStoppingPatience > 0 && epoch - bestEpoch >= params.earlyStoppingPatience) {
          stopped = true;
        }
      } else {
        bestEpoch = epoch;
      }
      options.history.push(log);
      await options.callbacks?.onEpoch?.(log, options.totalEpochs);
      if (options.callbacks?.shouldStop?.()) stopped = true;
    }
    if (bestWeights) model.setWeights(bestWeights);
  } finally {
    disposeSet(all);
    tf.dispose([weights, ...(bestWeights ?? [])]);
    optimizer.dispose();
  }
  return Math.max(bestEpoch, 1);
}
