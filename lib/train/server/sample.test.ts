import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { ingestDataset } from "@/lib/data/server/ingest";
import { trainingData } from "./sample";

async function version(rows: number) {
  let csv = "id,x,y\n";
  for (let i = 0; i < rows; i++) csv += `${i},${(i * 7) % 13},${i % 2 ? "a" : "b"}\n`;
  return ingestDataset(`sample-${Math.random().toString(36).slice(2, 8)}`, {
    sourceKind: "upload",
    source: "s.csv",
    fileName: "s.csv",
    stream: Readable.from([Buffer.from(csv)]),
    maxBytes: 1 << 24,
  });
}

const ids = (batch: { columns: Map<string, { values: ArrayLike<unknown> }> }) => Array.from(batch.columns.get("id")!.values as Float64Array);

describe("trainingData", () => {
  it("trains on every row of a version no larger than the sample size", async () => {
    const v = await version(300);
    const { data, sample } = await trainingData({ datasetId: v.id, sampleRows: 300, seed: 1 });
    expect(sample).toBeNull();
    expect(ids(data.batch)).toEqual(Array.from({ length: 300 }, (_, i) => i));
    expect(data.rows[299]).toEqual({ id: 299, x: (299 * 7) % 13, y: "a" });
  });

  it("takes a seeded sample of a larger version: that many rows, in file order, the same for the same seed", async () => {
    const v = await version(2000);
    const a = await trainingData({ datasetId: v.id, sampleRows: 150, seed: 7 });
    expect(a.sample).toEqual({ rows: 150, of: 2000, seed: 7 });
    const picked = ids(a.data.batch);
    expect(picked).toHaveLength(150);
    expect(new Set(picked).size).toBe(150);
    expect(picked).toEqual([...picked].sort((p, q) => p - q));
    // Spread over the file, not its head.
    expect(Math.max(...picked)).toBeGreaterThan(1500);
    expect(ids((await trainingData({ datasetId: v.id, sampleRows: 150, seed: 7 })).data.batch)).toEqual(picked);
    expect(ids((await trainingData({ datasetId: v.id, sampleRows: 150, seed: 8 })).data.batch)).not.toEqual(picked);
    // The default size applies when the run sets none.
    expect((await trainingData({ datasetId: v.id, sampleRows: null, seed: 7 })).sample).toBeNull();
  });
});
