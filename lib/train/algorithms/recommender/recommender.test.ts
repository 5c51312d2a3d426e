import { beforeAll, describe, expect, it } from "vitest";
import type { Row } from "@/lib/data/types";
import { initServerBackend } from "../../server/backend";
import { plantedBaskets } from "../../test-fixtures";
import { loadRecommender } from "./model";
import { basketsOf, trainRecommender } from "./training";

const QUICK = { embeddingDim: 16, epochs: 15, batchSize: 256, earlyStoppingPatience: 5 };

beforeAll(async () => {
  await initServerBackend();
});

describe("trainRecommender", () => {
  it("puts the planted partner first, never the query item, and survives a round trip unchanged", async () => {
    const rows = plantedBaskets(400, 10);
    // Columns are inferred from their names: InvoiceNo (basket), StockCode (item), Quantity.
    const recommender = await trainRecommender({ rows, params: QUICK });
    expect(recommender.params).toMatchObject({ basketColumn: "InvoiceNo", itemColumn: "StockCode", quantityColumn: "Quantity" });
    for (let p = 0; p < 10; p++) {
      expect(recommender.recommend(`a${p}`, 5)[0].itemId).toBe(`b${p}`);
      expect(recommender.recommend(`b${p}`, 5)[0].itemId).toBe(`a${p}`);
    }
    for (const item of recommender.items) {
      const answer = recommender.recommend(item, 10);
      expect(answer).toHaveLength(10);
      expect(answer.map((r) => r.itemId)).not.toContain(item);
      // Best first.
      for (let i = 1; i < answer.length; i++) expect(answer[i].score).toBeLessThanOrEqual(answer[i - 1].score);
    }
    const basketAnswer = recommender.recommendForItems(["a1", "f3"], 10).map((r) => r.itemId);
    expect(basketAnswer[0]).toBe("b1");
    expect(basketAnswer).not.toContain("a1");
    expect(basketAnswer).not.toContain("f3");
    expect(recommender.evaluation.model.hitRate).toBeGreaterThan(recommender.evaluation.popularity.hitRate);
    expect(recommender.embeddings).toHaveLength(recommender.items.length * 16);

    const serialized = await recommender.serialize();
    const copy = { ...JSON.parse(JSON.stringify({ ...serialized, weightData: undefined })), weightData: serialized.weightData.slice(0) };
    const loaded = await loadRecommender(copy);
    for (const item of [...recommender.items, "unknown"]) expect(loaded.recommend(item, 7)).toEqual(recommender.recommend(item, 7));
    expect(loaded.evaluation).toEqual(recommender.evaluation);
    expect(Array.from(loaded.embeddings)).toEqual(Array.from(recommender.embeddings));
  });

  it("falls back to popularity for unseen items, and is reproducible with a seed", async () => {
    const rows = plantedBaskets(200, 10);
    const recommender = await trainRecommender({ rows, params: { ...QUICK, basketColumn: "InvoiceNo", itemColumn: "StockCode" } });
    const byPopularity = recommender.items
      .map((item, i) => ({ item, count: recommender.popularity[i], i }))
      .sort((a, b) => b.count - a.count || a.i - b.i)
      .map((e) => e.item);
    expect(recommender.recommend("never-sold", 5).map((r) => r.itemId)).toEqual(byPopularity.slice(0, 5));
    expect(recommender.recommend("never-sold", 5)[0].score).toBe(1);
    // The query item is left out of the popular ones too.
    expect(recommender.recommend(byPopularity[0], 5).map((r) => r.itemId)).not.toContain(byPopularity[0]);

    const again = await trainRecommender({ rows, params: { ...QUICK, basketColumn: "InvoiceNo", itemColumn: "StockCode" } });
    expect(again.history).toEqual(recommender.history);
    expect(Array.from(again.embeddings)).toEqual(Array.from(recommender.embeddings));
  });

  it("measures hit rate, NDCG and coverage leave-one-item-out on a hand-made case", async () => {
    // Every basket of two items or more is {x, y}; singles make p0…p11 more popular than x and y.
    const rows: Row[] = [];
    for (let b = 0; b < 40; b++) rows.push({ InvoiceNo: `pair${b}`, StockCode: "x", Quantity: 2 }, { InvoiceNo: `pair${b}`, StockCode: "y", Quantity: 1 });
    for (let p = 0; p < 12; p++) for (let b = 0; b < 50; b++) rows.push({ InvoiceNo: `single${p}-${b}`, StockCode: `p${p}`, Quantity: 1 });
    // A return (negative quantity) is not a purchase: it must not pair z with x.
    rows.push({ InvoiceNo: "pair0", StockCode: "z", Quantity: -1 });
    const recommender = await trainRecommender({ rows, params: { ...QUICK, k: 10 } });
    const { evaluation } = recommender;
    // 20 % of the 40 pair baskets are held out; each gives two queries (hide x, hide y).
    expect(evaluation.heldOutBaskets).toBe(8);
    expect(evaluation.queries).toBe(16);
    // Asked with y, the model and co-occurrence answer x first: hit at rank 1, NDCG 1.
    expect(evaluation.model).toMatchObject({ hitRate: 1, ndcg: 1 });
    expect(evaluation.cooccurrence).toMatchObject({ hitRate: 1, ndcg: 1 });
    // Popularity answers p0…p9 (never x or y): no hit. It covers those 10 of the 14 catalog items.
    expect(evaluation.popularity).toEqual({ hitRate: 0, ndcg: 0, coverage: 10 / 14 });
    // The model's top 10: the partner, then p0…p8 to fill up: x, y and p0…p8 are 11 distinct items.
    expect(evaluation.model.coverage).toBeCloseTo(11 / 14, 10);
    expect(recommender.items).not.toContain("z");
  });

  it("drops returns and rows without an item or a basket", () => {
    const rows: Row[] = [
      { InvoiceNo: "1", StockCode: "a", Quantity: 1 },
      { InvoiceNo: "1", StockCode: "b", Quantity: 3 },
      { InvoiceNo: "1", StockCode: "a", Quantity: 1 },
      { InvoiceNo: "C2", StockCode: "a", Quantity: -1 },
      { InvoiceNo: "3", StockCode: null, Quantity: 1 },
      { InvoiceNo: null, StockCode: "c", Quantity: 1 },
      { InvoiceNo: "4", StockCode: "c", Quantity: 2 },
    ];
    expect(basketsOf(rows, { basketColumn: "InvoiceNo", itemColumn: "StockCode", quantityColumn: "Quantity" })).toEqual([["a", "b"], ["c"]]);
  });

  it("names the missing column when none looks like an item or a basket", async () => {
    await expect(trainRecommender({ rows: [{ foo: 1, bar: 2 }], params: {} })).rejects.toMatchObject({
      code: "VALIDATION",
      errors: [expect.objectContaining({ field: "params.itemColumn" })],
    });
  });
});
