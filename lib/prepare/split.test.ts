import { describe, expect, it } from "vitest";
import { rowsOfBatch } from "@/lib/data/column-batch";
import type { Row } from "@/lib/data/types";
import { randomBatch } from "./columnar-recipe.fixture";
import type { SplitSpec } from "./recipe-schema";
import { splitBatchIndices, splitIndices, splitSizes } from "./split";

const rowsOf = (n: number): Row[] => Array.from({ length: n }, (_, i) => ({ id: i }));

function expectPartition(parts: { train: number[]; validation: number[]; test: number[] }, n: number) {
  const all = [...parts.train, ...parts.validation, ...parts.test].sort((a, b) => a - b);
  expect(all).toEqual(Array.from({ length: n }, (_, i) => i));
  for (const part of [parts.train, parts.validation, parts.test]) expect(part).toEqual([...part].sort((a, b) => a - b));
}

describe("splitSizes", () => {
  it("rounds the fractions", () => {
    expect(splitSizes(10, 0.2, 0.1)).toEqual({ train: 7, validation: 2, test: 1 });
    expect(splitSizes(1000, 0.15, 0.15)).toEqual({ train: 700, validation: 150, test: 150 });
  });

  it("gives each requested part at least one row from 3 rows on", () => {
    expect(splitSizes(3, 0.1, 0.1)).toEqual({ train: 1, validation: 1, test: 1 });
    expect(splitSizes(5, 0.05, 0)).toEqual({ train: 4, validation: 1, test: 0 });
  });

  it("always leaves a training row", () => {
    expect(splitSizes(3, 0.5, 0.45)).toEqual({ train: 1, validation: 1, test: 1 });
    expect(splitSizes(2, 0.5, 0.4)).toEqual({ train: 1, validation: 1, test: 0 });
    expect(splitSizes(1, 0.6, 0)).toEqual({ train: 1, validation: 0, test: 0 });
    expect(splitSizes(0, 0.2, 0.2)).toEqual({ train: 0, validation: 0, test: 0 });
  });
});

describe("random split", () => {
  it("is reproducible for a fixed seed", () => {
    const rows = rowsOf(50);
    const a = splitIndices(rows, { method: "random", validation: 0.2, test: 0.2, seed: 3 });
    const b = splitIndices(rows, { method: "random", validation: 0.2, test: 0.2, seed: 3 });
    expect(b).toEqual(a);
  });

  it("defaults the seed to 42", () => {
    const rows = rowsOf(30);
    expect(splitIndices(rows, { method: "random", validation: 0.2 })).toEqual(splitIndices(rows, { method: "random", validation: 0.2, seed: 42 }));
  });

  it("differs between seeds", () => {
    const rows = rowsOf(50);
    const a = splitIndices(rows, { method: "random", validation: 0.2, test: 0.2, seed: 1 });
    const b = splitIndices(rows, { method: "random", validation: 0.2, test: 0.2, seed: 2 });
    expect(b.test).not.toEqual(a.test);
  });

  it("makes disjoint, complete parts of the right sizes", () => {
    const parts = splitIndices(rowsOf(101), { method: "random", validation: 0.2, test: 0.1, seed: 9 });
    expectPartition(parts, 101);
    expect(parts.validation).toHaveLength(20);
    expect(parts.test).toHaveLength(10);
    expect(parts.train).toHaveLength(71);
  });

  it("actually shuffles (test is not simply the last rows)", () => {
    const parts = splitIndices(rowsOf(100), { method: "random", validation: 0.2, test: 0.2 });
    expect(parts.test).not.toEqual(Array.from({ length: 20 }, (_, i) => 80 + i));
    expect(parts.test).not.toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it("keeps train non-empty for tiny data", () => {
    const parts = splitIndices(rowsOf(3), { method: "random", validation: 0.5, test: 0.45 });
    expectPartition(parts, 3);
    expect(parts.train.length).toBeGreaterThan(0);
  });

  it("handles no rows", () => {
    expect(splitIndices([], { method: "random", validation: 0.2 })).toEqual({ train: [], validation: [], test: [] });
  });
});

describe("time split", () => {
  const day = (d: number) => `2024-01-${String(d).padStart(2, "0")}`;

  it("puts the latest rows in test and the ones before in validation", () => {
    // Days 1..10 in shuffled order.
    const daysInOrder = [5, 2, 9, 1, 10, 3, 7, 4, 8, 6];
    const rows: Row[] = daysInOrder.map((d) => ({ date: day(d) }));
    const parts = splitIndices(rows, { method: "time", validation: 0.2, test: 0.2, timeColumn: "date" });
    expectPartition(parts, 10);
    const daysOf = (idx: number[]) => idx.map((i) => daysInOrder[i]).sort((a, b) => a - b);
    expect(daysOf(parts.test)).toEqual([9, 10]);
    expect(daysOf(parts.validation)).toEqual([7, 8]);
    expect(daysOf(parts.train)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it("keeps rows sharing a timestamp together at the boundaries", () => {
    // 3 series × 4 dates: 12 rows. test 0.2 → 2.4 rows, but the cut may only fall between dates.
    const rows: Row[] = [];
    for (let d = 1; d <= 4; d++) for (const s of ["a", "b", "c"]) rows.push({ series: s, date: day(d) });
    const parts = splitIndices(rows, { method: "time", validation: 0.2, test: 0.2, timeColumn: "date" });
    expectPartition(parts, 12);
    const datesOf = (idx: number[]) => [...new Set(idx.map((i) => rows[i].date))].sort();
    expect(datesOf(parts.test)).toEqual([day(4)]);
    expect(datesOf(parts.validation)).toEqual([day(3)]);
    expect(datesOf(parts.train)).toEqual([day(1), day(2)]);
    expect(parts.test).toHaveLength(3);
  });

  it("never splits a tie group even when the nearest cut is inside it", () => {
    // Times: 1,2,3,3,3,3,4 (7 rows); test 0.3 → 2 rows → cut at 5 falls inside the 3s.
    const times = [1, 2, 3, 3, 3, 3, 4];
    const rows: Row[] = times.map((t) => ({ t }));
    const parts = splitIndices(rows, { method: "time", validation: 0.15, test: 0.3, timeColumn: "t" });
    expectPartition(parts, 7);
    for (const part of [parts.train, parts.validation, parts.test]) {
      const inPart = new Set(part.map((i) => times[i]));
      const others = [parts.train, parts.validation, parts.test].filter((p) => p !== part).flat();
      for (const i of others) expect(inPart.has(times[i])).toBe(false);
    }
    expect(parts.test.map((i) => times[i])).toEqual([4]);
  });

  it("orders numeric time columns numerically and sends null times to train", () => {
    const rows: Row[] = [{ t: 10 }, { t: null }, { t: 2 }, { t: 30 }, { t: 4 }, {}, { t: 100 }];
    const parts = splitIndices(rows, { method: "time", validation: 0.15, test: 0.15, timeColumn: "t" });
    expectPartition(parts, 7);
    expect(parts.test).toEqual([6]);
    expect(parts.validation).toEqual([3]);
    expect(parts.train).toEqual([0, 1, 2, 4, 5]);
  });

  it("puts everything in train when every row has the same time", () => {
    const rows: Row[] = Array.from({ length: 5 }, () => ({ date: day(1) }));
    expect(splitIndices(rows, { method: "time", validation: 0.2, test: 0.2, timeColumn: "date" })).toEqual({
      train: [0, 1, 2, 3, 4],
      validation: [],
      test: [],
    });
  });

  it("compares date-times across formats by instant", () => {
    const rows: Row[] = [{ at: "2024-01-01T12:00:00Z" }, { at: "2024-01-01T10:00:00+00:00" }, { at: "2024-01-01T11:00:00Z" }];
    const parts = splitIndices(rows, { method: "time", validation: 0.3, test: 0.3, timeColumn: "at" });
    expect(parts).toEqual({ train: [1], validation: [2], test: [0] });
  });

  it("is deterministic whatever the row order", () => {
    const rows: Row[] = Array.from({ length: 20 }, (_, i) => ({ t: (i * 7) % 20 }));
    const a = splitIndices(rows, { method: "time", validation: 0.2, test: 0.2, timeColumn: "t" });
    expect(a.test.map((i) => rows[i].t).sort((x, y) => Number(x) - Number(y))).toEqual([16, 17, 18, 19]);
    expect(a.validation.map((i) => rows[i].t).sort((x, y) => Number(x) - Number(y))).toEqual([12, 13, 14, 15]);
  });

  it("throws without a time column (the schema prevents it)", () => {
    expect(() => splitIndices(rowsOf(3), { method: "time", validation: 0.2 })).toThrow(/timeColumn/);
  });
});

describe("splitBatchIndices", () => {
  it("splits a batch as its rows: random, and by a datetime or number time with ties and missing times", () => {
    const splits: SplitSpec[] = [
      { method: "random", validation: 0.2, test: 0.1, seed: 5 },
      { method: "time", validation: 0.2, test: 0.2, timeColumn: "d" },
      { method: "time", validation: 0.3, timeColumn: "k" },
      { method: "time", validation: 0.2, timeColumn: "absent" },
    ];
    for (const seed of [1, 2]) {
      const batch = randomBatch(seed, 300);
      // Times within one millisecond are one time, as their ISO texts are.
      (batch.columns.get("d")!.values as Float64Array).set([1000.9, 1000.1, 999.5]);
      for (const split of splits) {
        const parts = splitBatchIndices(batch, split);
        expect(parts).toEqual(splitIndices(rowsOfBatch(batch), split));
        expectPartition(parts, 300);
      }
    }
  });

  it("never cuts between times within one millisecond", () => {
    const values = Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8.2, 8.7, 9]);
    const split: SplitSpec = { method: "time", validation: 0.1, test: 0.2, timeColumn: "d" };
    const parts = splitBatchIndices({ length: 10, columns: new Map([["d", { type: "datetime", values }]]) }, split);
    expect(parts.test).toEqual([9]);
    // A number time is taken as it is.
    expect(splitBatchIndices({ length: 10, columns: new Map([["d", { type: "number", values }]]) }, split).test).toEqual([8, 9]);
  });
});
