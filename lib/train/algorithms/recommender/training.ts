import * as tf from "@tensorflow/tfjs";
import type { Row } from "@/lib/data/types";
import { cellToNumber, trimmedCellText } from "@/lib/shared/cells";
import { validation } from "@/lib/shared/errors";
import { mulberry32 } from "@/lib/shared/random";
import type { RecommendationMetrics } from "../../metrics";
import type { EpochLog, TrainCallbacks } from "../../types";
import type { DotKernel } from "./dot-kernel";
import { evaluate, evaluateAll, leaveOneOutQueries, type RecommenderEvaluation, splitBaskets } from "./evaluation";
import { makeRecommender, type Recommender } from "./model";
import { CONTEXT_ITEMS_PER_ITEM, type RecommenderInputParams, type RecommenderParams, resolveRecommenderParams } from "./params";
import { cooccurrenceOf, makeScorer, normaliseRows } from "./scoring";

/** Training a recommender: item embeddings by skip-gram with negative sampling (item2vec), then its evaluation. */

/** Negatives are drawn from item frequency to this power (word2vec's smoothing). */
const NEGATIVE_SAMPLING_POWER = 0.75;

/** Baskets of distinct item ids, in order of first appearance; rows with a quantity ≤ 0 dropped. */
export function basketsOf(rows: readonly Row[], params: Pick<RecommenderParams, "basketColumn" | "userColumn" | "itemColumn" | "quantityColumn">): string[][] {
  const groupColumn = params.basketColumn ?? params.userColumn!;
  const baskets = new Map<string, Set<string>>();
  for (const row of rows) {
    if (params.quantityColumn) {
      const quantity = cellToNumber(row[params.quantityColumn]);
      if (quantity !== null && quantity <= 0) continue;
    }
    const basket = trimmedCellText(row[groupColumn]);
    const item = trimmedCellText(row[params.itemColumn]);
    if (basket === null || item === null) continue;
    let items = baskets.get(basket);
    if (!items) baskets.set(basket, (items = new Set()));
    items.add(item);
  }
  return [...baskets.values()].map((s) => [...s]);
}

/**
 * tf.gather whose gradient is a scatter-add (tf.scatterND sums duplicate indices): the stock
 * gradient of gather needs UnsortedSegmentSum, which the wasm backend does not have.
 * Shapes: table [rows, dim], indices [n] int32 → [n, dim].
 */
const gatherRows: (table: tf.Tensor, indices: tf.Tensor) => tf.Tensor = tf.customGrad((...inputs: (tf.Tensor | tf.GradSaveFunc)[]) => {
  // tfjs types the inputs as a list of tensors or the save function; they arrive as called, then save.
  const [table, indices, save] = inputs as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
  save([indices]);
  return {
    value: tf.gather(table, indices),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [tf.scatterND(tf.expandDims(saved[0], 1), dy, table.shape), tf.zerosLike(saved[0])],
  };
});

/** Cumulative distribution of frequency^power, for drawing negatives with one uniform number. */
function samplingTable(counts: Int32Array): Float64Array {
  const cumulative = new Float64Array(counts.length);
  let total = 0;
  for (let i = 0; i < counts.length; i++) cumulative[i] = total += counts[i] ** NEGATIVE_SAMPLING_POWER;
  for (let i = 0; i < counts.length; i++) cumulative[i] /= total;
  return cumulative;
}

function draw(cumulative: Float64Array, u: number): number {
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cumulative[mid] < u) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** One epoch's (target, context) pairs: each item of a basket with up to CONTEXT_ITEMS_PER_ITEM others, shuffled. */
function epochPairs(baskets: readonly number[][], random: () => number): { targets: Int32Array; contexts: Int32Array } {
  const targets: number[] = [];
  const contexts: number[] = [];
  for (const basket of baskets) {
    if (basket.length < 2) continue;
    for (let a = 0; a < basket.length; a++) {
      if (basket.length - 1 <= CONTEXT_ITEMS_PER_ITEM) {
        for (let b = 0; b < basket.length; b++) {
          if (b === a) continue;
          targets.push(basket[a]);
          contexts.push(basket[b]);
        }
      } else {
        for (let n = 0; n < CONTEXT_ITEMS_PER_ITEM; n++) {
          let b = Math.floor(random() * (basket.length - 1));
          if (b >= a) b++;
          targets.push(basket[a]);
          contexts.push(basket[b]);
        }
      }
    }
  }
  const order = new Int32Array(targets.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return { targets: Int32Array.from(order, (i) => targets[i]), contexts: Int32Array.from(order, (i) => contexts[i]) };
}

/**
 * Skip-gram loss of a batch: −log σ(t·c) − Σ log σ(−t·n) over the negatives, averaged.
 * Shapes: target [b, dim], context [b, dim], negatives [b, negatives, dim].
 */
function skipGramLoss(target: tf.Tensor2D, context: tf.Tensor2D, negatives: tf.Tensor3D): tf.Scalar {
  // No tf.tidy here: optimizer.minimize already scopes it, and the tape needs the intermediates.
  const positive = tf.sum(tf.mul(target, context), 1);
  const negative = tf.squeeze(tf.matMul(negatives, tf.expandDims(target, 2)), [2]);
  // −log σ(x) = softplus(−x); tf.logSigmoid's gradient reads a disposed tensor on wasm.
  const loss = tf.add(tf.softplus(tf.neg(positive)), tf.sum(tf.softplus(negative), 1));
  return tf.mean(loss) as tf.Scalar;
}

/**
 * Trains item embeddings on the training baskets, with early stopping on the hit rate of the
 * validation queries. Returns the (raw) target embeddings of the best epoch. Shape: [items, dim].
 */
async function trainEmbeddings(
  train: readonly number[][],
  validationBaskets: readonly number[][],
  popularity: Int32Array,
  params: RecommenderParams,
  validate: (embeddings: Float32Array) => RecommendationMetrics | null,
  history: EpochLog[],
  callbacks?: TrainCallbacks,
): Promise<Float32Array> {
  const itemCount = popularity.length;
  const dim = params.embeddingDim;
  const random = mulberry32(params.seed);
  const cumulative = samplingTable(popularity);
  // word2vec's initialisation: small random targets, zero contexts.
  const targetTable = tf.variable(tf.randomUniform([itemCount, dim], -0.5 / dim, 0.5 / dim, "float32", params.seed));
  const contextTable = tf.variable(tf.zeros([itemCount, dim]));
  const optimizer = tf.train.adam(params.learningRate);
  // The validation loss: the same objective on the validation baskets' pairs, negatives drawn once.
  const validationRandom = mulberry32(params.seed + 3);
  const validationPairs = epochPairs(validationBaskets, validationRandom);
  const validationNegatives = Int32Array.from({ length: validationPairs.targets.length * params.negatives }, () => draw(cumulative, validationRandom()));
  const validationLoss = async (): Promise<number | undefined> => {
    const n = validationPairs.targets.length;
    if (n === 0) return undefined;
    const loss = tf.tidy(() => {
      const negatives = tf.reshape(tf.gather(contextTable, tf.tensor1d(validationNegatives, "int32")), [n, params.negatives, dim]) as tf.Tensor3D;
      const targets = tf.gather(targetTable, tf.tensor1d(validationPairs.targets, "int32")) as tf.Tensor2D;
      return skipGramLoss(targets, tf.gather(contextTable, tf.tensor1d(validationPairs.contexts, "int32")) as tf.Tensor2D, negatives);
    });
    const value = (await loss.data())[0];
    loss.dispose();
    return value;
  };
  let best: Float32Array | undefined;
  let bestScore = Number.NEGATIVE_INFINITY;
  let bestEpoch = 0;
  try {
    for (let epoch = 1; epoch <= params.epochs; epoch++) {
      const { targets, contexts } = epochPairs(train, random);
      if (targets.length === 0) throw validation("rows", "no basket holds two items or more: nothing to learn item pairs from");
      let lossSum = 0;
      for (let from = 0; from < targets.length; from += params.batchSize) {
        const to = Math.min(targets.length, from + params.batchSize);
        const negatives = new Int32Array((to - from) * params.negatives);
        for (let i = 0; i < negatives.length; i++) negatives[i] = draw(cumulative, random());
        const t = tf.tensor1d(targets.subarray(from, to), "int32");
        const c = tf.tensor1d(contexts.subarray(from, to), "int32");
        const n = tf.tensor1d(negatives, "int32");
        const cost = optimizer.minimize(
          () => {
            const negativeRows = tf.reshape(gatherRows(contextTable, n), [to - from, params.negatives, dim]) as tf.Tensor3D;
            return skipGramLoss(gatherRows(targetTable, t) as tf.Tensor2D, gatherRows(contextTable, c) as tf.Tensor2D, negativeRows);
          },
          true,
          [targetTable, contextTable],
        )!;
        lossSum += (await cost.data())[0] * (to - from);
        tf.dispose([cost, t, c, n]);
      }
      const log: EpochLog = { epoch, loss: lossSum / targets.length };
      const valLoss = await validationLoss();
      if (valLoss !== undefined) log.valLoss = valLoss;
      const embeddings = (await targetTable.data()) as Float32Array;
      const metrics = validate(embeddings);
      if (metrics) {
        log.metrics = { hitRate: metrics.hitRate, ndcg: metrics.ndcg };
        // Early stopping watches the validation hit rate (NDCG breaks ties), the quantity the model is
        // for: on the retail data the validation loss turns up after two epochs while the hit rate still rises.
        const score = metrics.hitRate + 1e-3 * metrics.ndcg;
        if (score > bestScore + 1e-9) {
          bestScore = score;
          bestEpoch = epoch;
          best = embeddings;
        }
      } else {
        best = embeddings;
      }
      history.push(log);
      await callbacks?.onEpoch?.(log, params.epochs);
      if (callbacks?.shouldStop?.()) break;
      if (metrics && params.earlyStoppingPatience > 0 && epoch - bestEpoch >= params.earlyStoppingPatience) break;
    }
  } finally {
    tf.dispose([targetTable, contextTable]);
    optimizer.dispose();
  }
  return best!;
}

/**
 * Trains item embeddings and evaluates leave-one-item-out on held-out baskets against popularity
 * and co-occurrence counts on exactly the same queries. The served recommender is the evaluated
 * one: its catalog, counts and embeddings come from the training baskets only.
 */
export async function trainRecommender(input: { rows: readonly Row[]; params: RecommenderInputParams; callbacks?: TrainCallbacks }): Promise<Recommender> {
  const columns = [...new Set(input.rows.flatMap((r, i) => (i < 1000 ? Object.keys(r) : [])))];
  const params = resolveRecommenderParams(input.params, columns);
  const baskets = basketsOf(input.rows, params);
  if (baskets.length < 3) throw validation("rows", `only ${baskets.length} baskets: a recommender needs several`);
  const split = splitBaskets(baskets, params.seed);

  // The catalog: every item of a training basket, in order of first appearance.
  const index = new Map<string, number>();
  for (const basket of split.train) for (const item of basket) if (!index.has(item)) index.set(item, index.size);
  const items = [...index.keys()];
  const trainIds = split.train.map((b) => b.map((item) => index.get(item)!));
  const popularity = new Int32Array(items.length);
  for (const basket of trainIds) for (const i of basket) popularity[i]++;
  const cooccurrence = cooccurrenceOf(trainIds, items.length);

  const validationQueries = leaveOneOutQueries(split.validation, params.seed + 1);
  const testQueries = leaveOneOutQueries(split.test, params.seed + 2);
  if (testQueries.basket.length === 0) throw validation("rows", "no held-out basket with two items or more to evaluate on");
  const dim = params.embeddingDim;
  // One kernel serves every epoch's validation and the final model (its memory is reused).
  let kernel: DotKernel | undefined;
  const validate = (raw: Float32Array) => {
    if (validationQueries.basket.length === 0) return null;
    const candidate = makeScorer(items, normaliseRows(raw, dim), dim, popularity, cooccurrence, params.cooccurrenceWeight, kernel);
    kernel = candidate.kernel;
    return evaluate(candidate, validationQueries.basket, params.k, "model");
  };
  const history: EpochLog[] = [];
  const validationIds = split.validation.map((b) => b.flatMap((item) => (index.has(item) ? [index.get(item)!] : [])));
  const raw = await trainEmbeddings(trainIds, validationIds, popularity, params, validate, history, input.callbacks);

  const scorer = makeScorer(items, normaliseRows(raw, dim), dim, popularity, cooccurrence, params.cooccurrenceWeight, kernel);
  const evaluation: RecommenderEvaluation = {
    k: params.k,
    ...evaluateAll(scorer, testQueries.basket, params.k),
    singleItem: evaluateAll(scorer, testQueries.single, params.k),
    queries: testQueries.basket.length,
    heldOutBaskets: split.test.length,
  };
  return makeRecommender(params, scorer, evaluation, history);
}
