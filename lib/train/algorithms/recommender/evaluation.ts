import { mulberry32, shuffledIndices } from "@/lib/shared/random";
import { recommendationMetrics, type RecommendationMetrics, type RecommendationQuery } from "../../metrics";
import { recommendFor, type ScoreMode, type Scorer } from "./scoring";

/** A recommender's evaluation: leave-one-item-out queries of held-out baskets, for the model and its two baselines. */

/** Share of the baskets (of two items or more) held out for the leave-one-item-out evaluation. */
const TEST_BASKET_SHARE = 0.2;
/** Share of the remaining baskets held out for early stopping. */
const VALIDATION_BASKET_SHARE = 0.1;
/** Leave-one-item-out queries per held-out basket (distinct held-out items). */
const QUERIES_PER_BASKET = 10;

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
export function leaveOneOutQueries(baskets: readonly string[][], seed: number): { basket: Query[]; single: Query[] } {
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

export function evaluate(scorer: Scorer, queries: readonly Query[], k: number, mode: ScoreMode): RecommendationMetrics {
  const measured: RecommendationQuery[] = queries.map((q) => ({ heldOut: q.heldOut, recommended: recommendFor(scorer, q.items, k, mode) }));
  return recommendationMetrics(measured, k, scorer.items.length);
}

export function evaluateAll(scorer: Scorer, queries: readonly Query[], k: number): Record<ScoreMode, RecommendationMetrics> {
  return {
    model: evaluate(scorer, queries, k, "model"),
    popularity: evaluate(scorer, queries, k, "popularity"),
    cooccurrence: evaluate(scorer, queries, k, "cooccurrence"),
  };
}

/** Splits baskets of two items or more into train / validation / test by a seeded shuffle; single-item baskets train popularity only. */
export function splitBaskets(baskets: readonly string[][], seed: number): { train: string[][]; validation: string[][]; test: string[][] } {
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
