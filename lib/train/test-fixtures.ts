import type { Row } from "@/lib/data/types";
import { mulberry32 } from "@/lib/shared/random";
import type { ForecasterInputParams } from "./algorithms/forecaster/params";

/** Synthetic data whose right answers are known, shared by the model tests. */

export const WEEK_MS = 7 * 86_400_000;
export const START_MS = Date.UTC(2020, 0, 2);
export const weekIso = (t: number) => new Date(START_MS + t * WEEK_MS).toISOString();
/** Small and quick: one network, few units, few epochs (the real data's defaults are larger). */
export const QUICK_FORECASTER = {
  ensembleSize: 1,
  hiddenUnits: [32],
  epochs: 40,
  batchSize: 128,
  learningRate: 0.005,
  earlyStoppingPatience: 6,
} satisfies Partial<ForecasterInputParams>;

/**
 * Weekly sales of a few store series: a yearly season, and promotions (price 2 instead of 3)
 * on pseudo-random weeks that multiply sales by 2.5. Last value cannot know the promotions;
 * a model that reads the price can.
 */
export function promoRows(weeks: number, stores: number, seed = 7): Row[] {
  const random = mulberry32(seed);
  const rows: Row[] = [];
  for (let s = 0; s < stores; s++) {
    for (let t = 0; t < weeks; t++) {
      const promo = random() < 0.25;
      const season = 1 + 0.4 * Math.sin((2 * Math.PI * t) / 52);
      const quantity = Math.round(100 * (s + 1) * season * (promo ? 2.5 : 1) * (1 + 0.05 * (random() - 0.5)));
      rows.push({ Week: weekIso(t), Store: `s${s}`, Quantity: quantity, Price: promo ? 2 : 3 });
    }
  }
  return rows;
}

/**
 * Baskets with planted pairs: item aN is always bought with its partner bN, plus two random
 * filler items (f0 … f39), so the partner is the one item that goes with aN.
 */
export function plantedBaskets(basketCount: number, pairs: number, seed = 3): Row[] {
  const random = mulberry32(seed);
  const rows: Row[] = [];
  for (let b = 0; b < basketCount; b++) {
    const pair = b % pairs;
    const items = [`a${pair}`, `b${pair}`, `f${Math.floor(random() * 40)}`, `f${Math.floor(random() * 40)}`];
    for (const item of items) rows.push({ InvoiceNo: `inv${b}`, StockCode: item, Quantity: 1 });
  }
  return rows;
}
