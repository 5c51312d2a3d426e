import * as tf from "@tensorflow/tfjs";
import type { Cell, Row } from "@/lib/data/types";
import { mulberry32, shuffledIndices } from "@/lib/prepare/split";
import { AppError } from "@/lib/shared/errors";
import { type DotKernel, dotKernel } from "./dot-kernel";
import { cellToNumber } from "./matrix";
import { type RecommendationMetrics, type RecommendationQuery, recommendationMetrics } from "./metrics";
import { paramsSchema, RECOMMENDER_PARAM_BOUNDS } from "./param-bounds";
import type { EpochLog, Recommendation, TrainCallbacks } from "./types";

/**
 * `recommender`: item-to-item recommendations from implicit feedback. Browser-safe and pure.
 *
 * Items bought together (one basket, or one user's history) are context of each other: item
 * embeddings are learned with tfjs by skip-gram with negative sampling (item2vec). A query's
 * recommendations are scored in plain Float32Array maths, once per call: the cosine similarity of
 * the embeddings blended with the share of baskets the items were bought together in
 * (`cooccurrenceWeight`; on the sparse retail data the embeddings alone do worse than raw
 * co-occurrence counts, the blend better than either). Unseen items get the most popular ones.
 *
 * Evaluation is leave-one-item-out on held-out baskets: each held-out item is asked for with the
 * rest of its basket (the headline figures) and with one other item of it (`singleItem`, what a
 * product page asks), against popularity and co-occurrence counts on exactly the same queries.
 */

export interface RecommenderParams {
  /** The column naming a basket (invoice, order, session); or… */
  basketColumn?: string;
  /** …the column naming a user, whose whole history is then one basket. */
  userColumn?: string;
  itemColumn: string;
  /** Rows whose quantity is ≤ 0 (returns, cancellations) are dropped; inferred ("Quantity", "qty") when absent. */
  quantityColumn?: string;
  embeddingDim: number;
  /** Recommendations per query in the evaluation (hit-rate@k, NDCG@k). */
  k: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** Negative samples per positive pair. */
  negatives: number;
  seed: number;
  earlyStoppingPatience: number;
  /** Weight of the co-occurrence score in the blend (0 = embeddings only). */
  cooccurrenceWeight: number;
}

export const RECOMMENDER_DEFAULTS = {
  embeddingDim: 32,
  k: 10,
  epochs: 30,
  batchSize: 1024,
  learningRate: 0.01,
  negatives: 5,
  seed: 42,
  earlyStoppingPatience: 3,
  cooccurrenceWeight: 1,
} satisfies Partial<RecommenderParams>;

/** A recommender's params as a run takes them (partial, strict, with RECOMMENDER_PARAM_BOUNDS); columns are checked against the data. */
export const recommenderParamsSchema = paramsSchema(RECOMMENDER_PARAM_BOUNDS);

/** Share of the baskets (of two items or more) held out for the leave-one-item-out evaluation. */
const TEST_BASKET_SHARE = 0.2;
/** Share of the remaining baskets held out for early stopping. */
const VALIDATION_BASKET_SHARE = 0.1;
/** Leave-one-item-out queries per held-out basket (distinct held-out items). */
const QUERIES_PER_BASKET = 10;
/** Context items sampled per item of a basket and epoch: caps the n² pairs of very large baskets. */
const CONTEXT_ITEMS_PER_ITEM = 10;
/** Negatives are drawn from item frequency to this power (word2vec's smoothing). */
const NEGATIVE_SAMPLING_POWER = 0.75;

const ITEM_COLUMN_NAMES = ["stockcode", "itemid", "item_id", "item", "productid", "product_id", "product", "sku", "articleid", "article"];
const BASKET_COLUMN_NAMES = ["invoiceno", "invoice", "invoiceid", "basketid", "basket", "orderid", "order_id", "order", "transactionid", "transaction", "sessionid", "session"];
const USER_COLUMN_NAMES = ["customerid", "customer_id", "customer", "userid", "user_id", "user", "visitorid"];
const QUANTITY_COLUMN_NAMES = ["quantity", "qty", "count"];

export interface RecommenderEvaluation {
  k: number;
  /** Basket queries: each held-out item asked for with the rest of its basket. */
  model: RecommendationMetrics;
  popularity: RecommendationMetrics;
  cooccurrence: RecommendationMetrics;
  /** The same held-out items asked for with one other item of the basket (a product page). */
  singleItem: { model: RecommendationMetrics; popularity: RecommendationMetrics; cooccurrence: RecommendationMetrics };
  /** Leave-one-item-out queries, from `heldOutBaskets` baskets never trained on. */
  queries: number;
  heldOutBaskets: number;
}

export interface Recommender {
  params: RecommenderParams;
  /** Best first; never the query item; the most popular items for an item never seen in a basket with others. */
  recommend(itemId: string, k: number): Recommendation[];
  /** The same for a set of items (a basket, a cart): items that go with all of them, none of them. */
  recommendForItems(itemIds: readonly string[], k: number): Recommendation[];
  evaluation: RecommenderEvaluation;
  /** Unit-length item embeddings, row i for items[i]. Shape: [items, embeddingDim]. */
  embeddings: Float32Array;
  items: string[];
  /** Training baskets that hold each item, in `items` order. */
  popularity: Int32Array;
  history: EpochLog[];
  serialize(): Promise<SerializedRecommender>;
  dispose(): void;
}

/**
 * A recommender as data: JSON fields plus its arrays in tfjs's weights format (`weightSpecs` +
 * one binary `weightData`), as a bundle keeps them next to a model.json.
 */
export interface SerializedRecommender {
  format: "workbench-recommender";
  formatVersion: 1;
  params: RecommenderParams;
  items: string[];
  evaluation: RecommenderEvaluation;
  history: EpochLog[];
  weightSpecs: tf.io.WeightsManifestEntry[];
  weightData: ArrayBuffer;
}

export type RecommenderInputParams = Partial<RecommenderParams>;

const invalid = (field: string, message: string) => new AppError("VALIDATION", message, [{ field, message }]);

function cellToString(cell: Cell | undefined): string | null {
  if (cell === null || cell === undefined) return null;
  const text = String(cell).trim();
  return text === "" ? null : text;
}

/** The first column of `columns` whose lower-cased name is in `names` (in `names` order). */
function findColumn(columns: readonly string[], names: readonly string[]): string | undefined {
  const byName = new Map(columns.map((c) => [c.toLowerCase().replace(/\s+/g, ""), c]));
  for (const name of names) {
    const found = byName.get(name);
    if (found) return found;
  }
  return undefined;
}

/** Defaults filled in, the item/basket/user/quantity columns inferred from the column names where not given. */
export function resolveRecommenderParams(input: RecommenderInputParams, columns: readonly string[]): RecommenderParams {
  const p = { ...RECOMMENDER_DEFAULTS, ...input };
  const has = (c: string | undefined) => c !== undefined && columns.includes(c);
  for (const field of ["itemColumn", "basketColumn", "userColumn", "quantityColumn"] as const) {
    if (p[field] !== undefined && !has(p[field])) throw invalid(`params.${field}`, `column "${p[field]}" is not in the data`);
  }
  const itemColumn = p.itemColumn ?? findColumn(columns, ITEM_COLUMN_NAMES);
  if (!itemColumn) throw invalid("params.itemColumn", "itemColumn is required: no column looks like an item id");
  let { basketColumn, userColumn } = p;
  if (!basketColumn && !userColumn) {
    basketColumn = findColumn(columns, BASKET_COLUMN_NAMES);
    if (!basketColumn) userColumn = findColumn(columns, USER_COLUMN_NAMES);
  }
  if (!basketColumn && !userColumn) throw invalid("params.basketColumn", "basketColumn or userColumn is required: no column looks like a basket or user id");
  const quantityColumn = p.quantityColumn ?? findColumn(columns, QUANTITY_COLUMN_NAMES);
  for (const name of ["embeddingDim", "k", "epochs", "batchSize", "negatives"] as const) {
    if (!Number.isInteger(p[name]) || p[name] < 1) throw invalid(`params.${name}`, `${name} must be a positive integer, got ${p[name]}`);
  }
  if (!(p.learningRate > 0)) throw invalid("params.learningRate", "learningRate must be positive");
  if (!(p.cooccurrenceWeight >= 0)) throw invalid("params.cooccurrenceWeight", "cooccurrenceWeight must be 0 or more");
  if (!Number.isInteger(p.seed)) throw invalid("params.seed", "seed must be an integer");
  if (!Number.isInteger(p.earlyStoppingPatience) || p.earlyStoppingPatience < 0) {
    throw invalid("params.earlyStoppingPatience", "earlyStoppingPatience must be an integer ≥ 0");
  }
  return { ...p, itemColumn, basketColumn: basketColumn ?? undefined, userColumn: basketColumn ? undefined : userColumn, quantityColumn };
}

/** Baskets of distinct item ids, in order of first appearance; rows with a quantity ≤ 0 dropped. */
export function basketsOf(rows: readonly Row[], params: Pick<RecommenderParams, "basketColumn" | "userColumn" | "itemColumn" | "quantityColumn">): string[][] {
  const groupColumn = params.basketColumn ?? params.userColumn!;
  const baskets = new Map<string, Set<string>>();
  for (const row of rows) {
    if (params.quantityColumn) {
      const quantity = cellToNumber(row[params.quantityColumn]);
      if (quantity !== null && quantity <= 0) continue;
    }
    const basket = cellToString(row[groupColumn]);
    const item = cellToString(row[params.itemColumn]);
    if (basket === null || item === null) continue;
    let items = baskets.get(basket);
    if (!items) baskets.set(basket, (items = new Set()));
    items.add(item);
  }
  return [...baskets.values()].map((s) => [...s]);
}

// ---------------------------------------------------------------------------------------------
// Scoring (plain arrays; what `recommend` runs).

/** Item-to-item co-occurrence: for each item, its partners and in how many baskets they met (CSR). */
interface Cooccurrence {
  offsets: Int32Array;
  partners: Int32Array;
  counts: Float32Array;
}

function cooccurrenceOf(baskets: readonly number[][], itemCount: number): Cooccurrence {
  const maps = Array.from({ length: itemCount }, () => new Map<number, number>());
  for (const basket of baskets) {
    for (const a of basket) for (const b of basket) if (a !== b) maps[a].set(b, (maps[a].get(b) ?? 0) + 1);
  }
  const offsets = new Int32Array(itemCount + 1);
  for (let i = 0; i < itemCount; i++) offsets[i + 1] = offsets[i] + maps[i].size;
  const partners = new Int32Array(offsets[itemCount]);
  const counts = new Float32Array(offsets[itemCount]);
  maps.forEach((map, i) => {
    let at = offsets[i];
    for (const [b, n] of map) {
      partners[at] = b;
      counts[at++] = n;
    }
  });
  return { offsets, partners, counts };
}

/** The k best indices by score (descending; ties to the lower index), skipping masked ones and −∞. */
function topK(scores: Float32Array, k: number, masked: Uint8Array): number[] {
  const top: number[] = [];
  if (k <= 0) return top;
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i];
    if (masked[i] || s === Number.NEGATIVE_INFINITY) continue;
    if (top.length === k && s <= scores[top[k - 1]]) continue;
    let at = top.length < k ? top.push(i) - 1 : k - 1;
    while (at > 0 && scores[top[at - 1]] < s) {
      top[at] = top[at - 1];
      at--;
    }
    top[at] = i;
  }
  return top;
}

interface Scorer {
  items: string[];
  index: Map<string, number>;
  /** Unit-length rows. Shape: [items, dim]. */
  embeddings: Float32Array;
  dim: number;
  popularity: Int32Array;
  cooccurrence: Cooccurrence;
  /** Items that met another item in a training basket: the only ones whose embedding was trained. */
  trained: Uint8Array;
  cooccurrenceWeight: number;
  /** Item indices by popularity, most popular first. */
  byPopularity: number[];
  /** Indices of the items that were not trained: never ranked by the model. */
  untrained: Int32Array;
  /** Dot products of the query with every embedding; its scores are the scratch score buffer. */
  kernel: DotKernel;
  /** Scratch buffers (one call at a time; JS is single-threaded). Shape: [items]. */
  scores: Float32Array;
  counts: Float32Array;
  masked: Uint8Array;
  /** The query: the mean of its items' embeddings (the kernel's query vector). Shape: [dim]. */
  mean: Float32Array;
}

/** A scorer; `kernel`, when given, is reused (its rows are replaced by these embeddings). */
function makeScorer(items: string[], embeddings: Float32Array, dim: number, popularity: Int32Array, cooccurrence: Cooccurrence, cooccurrenceWeight: number, kernel?: DotKernel): Scorer {
  const n = items.length;
  const trained = new Uint8Array(n);
  for (let i = 0; i < n; i++) trained[i] = cooccurrence.offsets[i + 1] > cooccurrence.offsets[i] ? 1 : 0;
  const untrained = Int32Array.from({ length: n }, (_, i) => i).filter((i) => !trained[i]);
  if (kernel) kernel.setRows(embeddings);
  else kernel = dotKernel(embeddings, dim);
  const byPopularity = Array.from({ length: n }, (_, i) => i).sort((a, b) => popularity[b] - popularity[a] || a - b);
  return {
    items,
    index: new Map(items.map((item, i) => [item, i])),
    embeddings,
    dim,
    popularity,
    cooccurrence,
    trained,
    cooccurrenceWeight,
    byPopularity,
    untrained,
    kernel,
    scores: kernel.scores,
    counts: new Float32Array(n),
    masked: new Uint8Array(n),
    mean: kernel.query,
  };
}

/** Rows scaled to unit length (zero rows stay zero). */
function normaliseRows(data: Float32Array, dim: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let r = 0; r < data.length / dim; r++) {
    let norm = 0;
    for (let c = 0; c < dim; c++) norm += data[r * dim + c] ** 2;
    const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let c = 0; c < dim; c++) out[r * dim + c] = data[r * dim + c] * scale;
  }
  return out;
}

/** How a query is scored: the trained model, or one of the two baselines. */
type ScoreMode = "model" | "popularity" | "cooccurrence";

/**
 * The k best items for a query of one or more items (a product page, a basket), never one of them.
 * "model": mean cosine similarity to the query items + w · (baskets shared with them) / (the most
 * any item shares). "cooccurrence": baskets shared, popularity breaking ties. "popularity": the
 * most popular. Only trained items are ranked; fewer than k are topped up by popularity, scored
 * below every ranked one. A query without a trained item gets the most popular items.
 */
function recommendFor(scorer: Scorer, itemIds: readonly string[], k: number, mode: ScoreMode): Recommendation[] {
  const { scores, counts, masked, mean, embeddings: e, dim, cooccurrence: co, popularity } = scorer;
  const query: number[] = [];
  for (const id of itemIds) {
    const i = scorer.index.get(id);
    if (i !== undefined && !masked[i]) {
      masked[i] = 1;
      query.push(i);
    }
  }
  const limit = Math.max(0, Math.min(Math.floor(k), scorer.items.length - query.length));
  const known = query.filter((i) => scorer.trained[i]);
  const out: Recommendation[] = [];
  try {
    if (mode !== "popularity" && known.length > 0) {
      // Baskets shared with the query items, summed over them; `touched` lists the nonzero cells.
      const touched: number[] = [];
      let maxCount = 0;
      for (const q of known) {
        for (let at = co.offsets[q]; at < co.offsets[q + 1]; at++) {
          const j = co.partners[at];
          if (counts[j] === 0) touched.push(j);
          counts[j] += co.counts[at];
        }
      }
      for (const j of touched) maxCount = Math.max(maxCount, counts[j]);
      if (mode === "model") {
        mean.fill(0);
        for (const q of known) for (let c = 0; c < dim; c++) mean[c] += e[q * dim + c] / known.length;
        // The hot loop (every item × dim) runs in the dot-product kernel (WebAssembly SIMD).
        scorer.kernel.run();
        for (const i of scorer.untrained) scores[i] = Number.NEGATIVE_INFINITY;
        const coScale = maxCount > 0 ? scorer.cooccurrenceWeight / maxCount : 0;
        for (const j of touched) scores[j] += coScale * counts[j];
      } else {
        scores.fill(Number.NEGATIVE_INFINITY);
        const top = popularity[scorer.byPopularity[0]] || 1;
        for (const j of touched) scores[j] = counts[j] + (0.5 * popularity[j]) / top;
      }
      for (const j of touched) counts[j] = 0;
      for (const i of topK(scores, limit, masked)) {
        out.push({ itemId: scorer.items[i], score: scores[i] });
        masked[i] = 1;
        query.push(i);
      }
    }
    // Popularity (share of the top item's count), for the whole answer or, below the ranked items, to top it up.
    const top = popularity[scorer.byPopularity[0]] || 1;
    const [offset, scale] = out.length ? [out[out.length - 1].score - 1, 0.5] : [0, 1];
    for (const i of scorer.byPopularity) {
      if (out.length >= limit) break;
      if (masked[i]) continue;
      out.push({ itemId: scorer.items[i], score: offset + (scale * popularity[i]) / top });
    }
  } finally {
    for (const i of query) masked[i] = 0;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Evaluation.

interface Query {
  /** What is asked: the basket's other items, or one of them. */
  items: string[];
  heldOut: string;
}

/**
 * Leave-one-item-out queries of held-out baskets: up to QUERIES_PER_BASKET items of each basket
 * are hidden in turn; the basket query asks with all its other items, the single-item query
 * with one of them drawn at random (what a product page asks).
 */
function leaveOneOutQueries(baskets: readonly string[][], seed: number): { basket: Query[]; single: Query[] } {
  const random = mulberry32(seed);
  const basket: Query[] = [];
  const single: Query[] = [];
  for (const items of baskets) {
    if (items.length < 2) continue;
    const order = shuffledIndices(items.length, Math.floor(random() * 2 ** 31));
    for (const h of order.slice(0, QUERIES_PER_BASKET)) {
      let q = Math.floor(random() * (items.length - 1));
      if (q >= h) q++;
      basket.push({ items: items.filter((_, i) => i !== h), heldOut: items[h] });
      single.push({ items: [items[q]], heldOut: items[h] });
    }
  }
  return { basket, single };
}

function evaluate(scorer: Scorer, queries: readonly Query[], k: number, mode: ScoreMode): RecommendationMetrics {
  const measured: RecommendationQuery[] = queries.map((q) => ({ heldOut: q.heldOut, recommended: recommendFor(scorer, q.items, k, mode) }));
  return recommendationMetrics(measured, k, scorer.items.length);
}

function evaluateAll(scorer: Scorer, queries: readonly Query[], k: number): Record<ScoreMode, RecommendationMetrics> {
  return { model: evaluate(scorer, queries, k, "model"), popularity: evaluate(scorer, queries, k, "popularity"), cooccurrence: evaluate(scorer, queries, k, "cooccurrence") };
}

// ---------------------------------------------------------------------------------------------
// Training: skip-gram with negative sampling.

/**
 * tf.gather whose gradient is a scatter-add (tf.scatterND sums duplicate indices): the stock
 * gradient of gather needs UnsortedSegmentSum, which the wasm backend does not have.
 * Shapes: table [rows, dim], indices [n] int32 → [n, dim].
 */
const gatherRows = tf.customGrad(((table: tf.Tensor, indices: tf.Tensor, save: tf.GradSaveFunc) => {
  save([indices]);
  return {
    value: tf.gather(table, indices),
    gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => [tf.scatterND(tf.expandDims(saved[0], 1), dy as tf.Tensor, table.shape), tf.zerosLike(saved[0])],
  };
}) as never) as unknown as (table: tf.Tensor, indices: tf.Tensor) => tf.Tensor;

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
      if (targets.length === 0) throw invalid("rows", "no basket holds two items or more: nothing to learn item pairs from");
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

/** Splits baskets of two items or more into train / validation / test by a seeded shuffle; single-item baskets train popularity only. */
function splitBaskets(baskets: readonly string[][], seed: number): { train: string[][]; validation: string[][]; test: string[][] } {
  const multi = baskets.filter((b) => b.length >= 2);
  const order = shuffledIndices(multi.length, seed);
  const nTest = Math.round(multi.length * TEST_BASKET_SHARE);
  const nValidation = Math.round((multi.length - nTest) * VALIDATION_BASKET_SHARE);
  return {
    test: order.slice(0, nTest).map((i) => multi[i]),
    validation: order.slice(nTest, nTest + nValidation).map((i) => multi[i]),
    train: [...order.slice(nTest + nValidation).map((i) => multi[i]), ...baskets.filter((b) => b.length < 2)],
  };
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
  if (baskets.length < 3) throw invalid("rows", `only ${baskets.length} baskets: a recommender needs several`);
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
  if (testQueries.basket.length === 0) throw invalid("rows", "no held-out basket with two items or more to evaluate on");
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

function makeRecommender(params: RecommenderParams, scorer: Scorer, evaluation: RecommenderEvaluation, history: EpochLog[]): Recommender {
  return {
    params,
    recommend: (itemId, k) => recommendFor(scorer, [itemId], k, "model"),
    recommendForItems: (itemIds, k) => recommendFor(scorer, itemIds, k, "model"),
    evaluation,
    embeddings: scorer.embeddings,
    items: scorer.items,
    popularity: scorer.popularity,
    history,
    async serialize() {
      const arrays = {
        item_embeddings: tf.tensor2d(scorer.embeddings, [scorer.items.length, scorer.dim]),
        item_popularity: tf.tensor1d(scorer.popularity, "int32"),
        cooccurrence_offsets: tf.tensor1d(scorer.cooccurrence.offsets, "int32"),
        cooccurrence_partners: tf.tensor1d(scorer.cooccurrence.partners, "int32"),
        cooccurrence_counts: tf.tensor1d(scorer.cooccurrence.counts, "float32"),
      };
      const { data, specs } = await tf.io.encodeWeights(arrays).finally(() => tf.dispose(Object.values(arrays)));
      return { format: "workbench-recommender", formatVersion: 1, params, items: scorer.items, evaluation, history, weightSpecs: specs, weightData: data as ArrayBuffer };
    },
    dispose() {
      // Nothing to free: the embeddings live in plain arrays, not in tensors.
    },
  };
}

/** Loads a serialized recommender; its recommendations equal the original's. */
export async function loadRecommender(serialized: SerializedRecommender): Promise<Recommender> {
  if (serialized?.format !== "workbench-recommender" || serialized.formatVersion !== 1) {
    throw invalid("bundle", `not a recommender of format version 1 (got ${String(serialized?.format)} v${String(serialized?.formatVersion)})`);
  }
  const tensors = tf.io.decodeWeights(serialized.weightData, serialized.weightSpecs);
  try {
    const read = async (name: string) => {
      const t = tensors[name];
      if (!t) throw invalid("bundle", `the recommender bundle lacks "${name}"`);
      return t.data();
    };
    const embeddings = (await read("item_embeddings")) as Float32Array;
    const popularity = (await read("item_popularity")) as Int32Array;
    const cooccurrence: Cooccurrence = {
      offsets: (await read("cooccurrence_offsets")) as Int32Array,
      partners: (await read("cooccurrence_partners")) as Int32Array,
      counts: (await read("cooccurrence_counts")) as Float32Array,
    };
    const { params, items } = serialized;
    const scorer = makeScorer(items, embeddings, params.embeddingDim, popularity, cooccurrence, params.cooccurrenceWeight);
    return makeRecommender(params, scorer, serialized.evaluation, serialized.history);
  } finally {
    tf.dispose(Object.values(tensors));
  }
}
