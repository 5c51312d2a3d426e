import { validation } from "@/lib/shared/errors";
import { withoutUndefined } from "@/lib/shared/objects";
import { BATCH_SIZE, column, EARLY_STOPPING_PATIENCE, int, LEARNING_RATE, num, paramsSchema, SEED } from "../../param-bounds";
import { parseParams } from "../../params";
import type { RunContext } from "../../run-context";

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
 *
 * This file: its params, their defaults and the columns they name.
 */

export type RecommenderParams = {
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
};

/** Context items sampled per item of a basket and epoch: caps the n² pairs of very large baskets. */
export const CONTEXT_ITEMS_PER_ITEM = 10;

export const RECOMMENDER_PARAM_BOUNDS = {
  basketColumn: column,
  userColumn: column,
  itemColumn: column,
  quantityColumn: column,
  /** At least 2 dimensions (1 can only rank items by one score); 256 holds any catalogue here. */
  embeddingDim: int(2, 256),
  k: int(1, 100),
  /** Every epoch passes up to CONTEXT_ITEMS_PER_ITEM context pairs per row. */
  epochs: int(1, 200),
  batchSize: BATCH_SIZE,
  learningRate: LEARNING_RATE,
  negatives: int(1, 50),
  seed: SEED,
  earlyStoppingPatience: EARLY_STOPPING_PATIENCE,
  cooccurrenceWeight: num(0, 100),
};

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

const ITEM_COLUMN_NAMES = ["stockcode", "itemid", "item_id", "item", "productid", "product_id", "product", "sku", "articleid", "article"];
const BASKET_COLUMN_NAMES = [
  "invoiceno",
  "invoice",
  "invoiceid",
  "basketid",
  "basket",
  "orderid",
  "order_id",
  "order",
  "transactionid",
  "transaction",
  "sessionid",
  "session",
];
const USER_COLUMN_NAMES = ["customerid", "customer_id", "customer", "userid", "user_id", "user", "visitorid"];
const QUANTITY_COLUMN_NAMES = ["quantity", "qty", "count"];

export type RecommenderInputParams = Partial<RecommenderParams>;

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
    if (p[field] !== undefined && !has(p[field])) throw validation(`params.${field}`, `column "${p[field]}" is not in the data`);
  }
  const itemColumn = p.itemColumn ?? findColumn(columns, ITEM_COLUMN_NAMES);
  if (!itemColumn) throw validation("params.itemColumn", "itemColumn is required: no column looks like an item id");
  let { basketColumn, userColumn } = p;
  if (!basketColumn && !userColumn) {
    basketColumn = findColumn(columns, BASKET_COLUMN_NAMES);
    if (!basketColumn) userColumn = findColumn(columns, USER_COLUMN_NAMES);
  }
  if (!basketColumn && !userColumn) throw validation("params.basketColumn", "basketColumn or userColumn is required: no column looks like a basket or user id");
  const quantityColumn = p.quantityColumn ?? findColumn(columns, QUANTITY_COLUMN_NAMES);
  for (const name of ["embeddingDim", "k", "epochs", "batchSize", "negatives"] as const) {
    if (!Number.isInteger(p[name]) || p[name] < 1) throw validation(`params.${name}`, `${name} must be a positive integer, got ${p[name]}`);
  }
  if (!(p.learningRate > 0)) throw validation("params.learningRate", "learningRate must be positive");
  if (!(p.cooccurrenceWeight >= 0)) throw validation("params.cooccurrenceWeight", "cooccurrenceWeight must be 0 or more");
  if (!Number.isInteger(p.seed)) throw validation("params.seed", "seed must be an integer");
  if (!Number.isInteger(p.earlyStoppingPatience) || p.earlyStoppingPatience < 0) {
    throw validation("params.earlyStoppingPatience", "earlyStoppingPatience must be an integer ≥ 0");
  }
  return { ...p, itemColumn, basketColumn: basketColumn ?? undefined, userColumn: basketColumn ? undefined : userColumn, quantityColumn };
}

/** A run's params: the items are the recipe's target by default; the basket (or user) and quantity columns are found by name. */
export function resolveRecommenderRunParams(raw: unknown, ctx: RunContext): RecommenderParams {
  const p = parseParams(recommenderParamsSchema, raw);
  const names = [...ctx.columns.map((c) => c.name), ctx.target];
  return withoutUndefined(resolveRecommenderParams({ itemColumn: ctx.target, ...p }, names));
}

/** A run's stored params read back; the columns they name were checked against the data when the run was made. */
export function readRecommenderParams(stored: Readonly<Record<string, unknown>>): RecommenderParams {
  const p = parseParams(recommenderParamsSchema, stored);
  const named = [p.itemColumn, p.basketColumn, p.userColumn, p.quantityColumn].filter((c): c is string => c !== undefined);
  return withoutUndefined(resolveRecommenderParams(p, named));
}
