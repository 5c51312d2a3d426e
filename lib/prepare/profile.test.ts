import { describe, it, expect } from "vitest";
import { createProfiler, type ColumnProfile, type DatasetProfile } from "@/lib/prepare/profile";
import type { Cell, ColumnType } from "@/lib/data/types";

/** Profiles one column holding the given cells. */
function profileOne(type: ColumnType, cells: Cell[]): ColumnProfile {
  const profiler = createProfiler([{ name: "x", type }]);
  for (const cell of cells) profiler.add([cell]);
  return profiler.finish().columns[0];
}

function profileTable(columns: { name: string; type: ColumnType }[], rows: Cell[][]): DatasetProfile {
  const profiler = createProfiler(columns);
  for (const row of rows) profiler.add(row);
  return profiler.finish();
}

const DIGITS = 12;

describe("numeric columns", () => {
  // Expected values by hand, checked against numpy 2: x.mean(), x.std(ddof=1),
  // np.quantile(x, q) (method "linear") and np.histogram(x, bins=20).
  const oneToTen = [1, 2, null, 3, 4, 5, 6, null, 7, 8, 9, 10];

  it("computes count, nulls, min, max, mean and the sample std", () => {
    const p = profileOne("number", oneToTen);
    expect(p).toMatchObject({ count: 10, nullCount: 2, min: 1, max: 10, distinctCount: 10, distinctCapped: false });
    expect(p.mean).toBeCloseTo(5.5, DIGITS);
    // sqrt(82.5 / 9)
    expect(p.std).toBeCloseTo(3.0276503540974917, DIGITS);
  });

  it("computes quantiles as numpy's linear method", () => {
    const q = profileOne("number", oneToTen).quantiles!;
    // position = q · (n − 1), interpolated between neighbours: p05 → 1 + 0.45.
    expect(q.p01).toBeCloseTo(1.09, DIGITS);
    expect(q.p05).toBeCloseTo(1.45, DIGITS);
    expect(q.p25).toBeCloseTo(3.25, DIGITS);
    expect(q.p50).toBeCloseTo(5.5, DIGITS);
    expect(q.p75).toBeCloseTo(7.75, DIGITS);
    expect(q.p95).toBeCloseTo(9.55, DIGITS);
    expect(q.p99).toBeCloseTo(9.91, DIGITS);
  });

  it("matches numpy on unsorted values with ties and negatives", () => {
    const p = profileOne("number", [3.7, -1.2, 0.5, 8.25, 2.0, 2.0, 11.0, -4.5, 6.1]);
    expect(p.mean).toBeCloseTo(3.0944444444444446, DIGITS);
    expect(p.std).toBeCloseTo(4.792210114109958, DIGITS);
    expect(p.distinctCount).toBe(8);
    expect(p.quantiles).toEqual({
      p01: expect.closeTo(-4.236, DIGITS),
      p05: expect.closeTo(-3.18, DIGITS),
      p25: expect.closeTo(0.5, DIGITS),
      p50: expect.closeTo(2.0, DIGITS),
      p75: expect.closeTo(6.1, DIGITS),
      p95: expect.closeTo(9.9, DIGITS),
      p99: expect.closeTo(10.78, DIGITS),
    });
    expect(p.histogram!.map((bin) => bin.count)).toEqual([1, 0, 0, 0, 1, 0, 1, 0, 2, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1]);
  });

  it("bins 20 equal widths from min to max, the last closed on the right", () => {
    const histogram = profileOne("number", oneToTen).histogram!;
    expect(histogram).toHaveLength(20);
    expect(histogram.map((bin) => bin.count)).toEqual([1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1]);
    expect(histogram[0].start).toBe(1);
    expect(histogram[0].end).toBeCloseTo(1.45, DIGITS);
    expect(histogram[19].end).toBe(10);
    for (let i = 1; i < histogram.length; i++) expect(histogram[i].start).toBe(histogram[i - 1].end);
  });

  it("gives an integer column with a small range one bin per integer", () => {
    const p = profileOne("integer", [0, 1, 1, 2, 2, 2, 5, null]);
    expect(p.histogram).toEqual([
      { start: -0.5, end: 0.5, count: 1 },
      { start: 0.5, end: 1.5, count: 2 },
      { start: 1.5, end: 2.5, count: 3 },
      { start: 2.5, end: 3.5, count: 0 },
      { start: 3.5, end: 4.5, count: 0 },
      { start: 4.5, end: 5.5, count: 1 },
    ]);
    expect(profileOne("integer", [0, 100]).histogram).toHaveLength(20);
  });

  it("handles constant, single-value and empty columns", () => {
    const constant = profileOne("number", [5, 5, 5]);
    expect(constant).toMatchObject({ min: 5, max: 5, mean: 5, std: 0, distinctCount: 1 });
    expect(constant.histogram).toEqual([{ start: 5, end: 5, count: 3 }]);
    expect(profileOne("number", [7]).std).toBe(0);
    const empty = profileOne("number", [null, null]);
    expect(empty).toEqual({ name: "x", type: "number", count: 0, nullCount: 2, distinctCount: 0, distinctCapped: false });
  });

  it("stays exact far from zero (Welford)", () => {
    const p = profileOne("number", [1e9 + 4, 1e9 + 7, 1e9 + 13, 1e9 + 16]);
    expect(p.mean).toBe(1e9 + 10);
    expect(p.std).toBeCloseTo(Math.sqrt(90 / 3), 6);
  });

  it("samples beyond 2,000,000 values and still estimates well", () => {
    const n = 2_500_000;
    const profiler = createProfiler([{ name: "u", type: "number" }]);
    const row: Cell[] = [0];
    for (let i = 0; i < n; i++) {
      row[0] = i / (n - 1);
      profiler.add(row);
    }
    const p = profiler.finish().columns[0];
    expect(p.count).toBe(n);
    expect(p.mean).toBeCloseTo(0.5, 9);
    expect(p.min).toBe(0);
    expect(p.max).toBe(1);
    expect(p.distinctCapped).toBe(true);
    expect(Math.abs(p.quantiles!.p25 - 0.25)).toBeLessThan(0.005);
    expect(Math.abs(p.quantiles!.p99 - 0.99)).toBeLessThan(0.005);
    const binTotal = p.histogram!.reduce((sum, bin) => sum + bin.count, 0);
    expect(Math.abs(binTotal - n)).toBeLessThan(20);
  });
});

describe("categorical columns", () => {
  it("counts the top 10 values, ties broken by value", () => {
    const cells: Cell[] = [];
    const counts: Record<string, number> = { a: 5, b: 3, c: 3, d: 1, e: 1, f: 1, g: 1, h: 1, i: 1, j: 1, k: 1, l: 1 };
    for (const [value, count] of Object.entries(counts).reverse()) for (let i = 0; i < count; i++) cells.push(value);
    cells.push(null);
    const p = profileOne("category", cells);
    expect(p).toMatchObject({ count: 20, nullCount: 1, distinctCount: 12, distinctCapped: false });
    expect(p.topValues).toEqual([
      { value: "a", count: 5 },
      { value: "b", count: 3 },
      { value: "c", count: 3 },
      ...["d", "e", "f", "g", "h", "i", "j"].map((value) => ({ value, count: 1 })),
    ]);
    expect(p.mean).toBeUndefined();
  });

  it("caps the distinct count at 100,000", () => {
    const profiler = createProfiler([{ name: "id", type: "text" }]);
    for (let i = 0; i < 100_005; i++) profiler.add([`id-${i}`]);
    profiler.add(["id-0"]);
    const p = profiler.finish().columns[0];
    expect(p).toMatchObject({ count: 100_006, distinctCount: 100_000, distinctCapped: true });
    expect(p.topValues![0]).toEqual({ value: "id-0", count: 2 });
  });

  it("reports booleans as true/false top values", () => {
    const p = profileOne("boolean", [true, false, true, null, true]);
    expect(p).toMatchObject({ count: 4, nullCount: 1, distinctCount: 2 });
    expect(p.topValues).toEqual([
      { value: "true", count: 3 },
      { value: "false", count: 1 },
    ]);
  });

  it("gives datetimes their range", () => {
    const p = profileOne("datetime", ["2024-03-01T00:00:00.000Z", null, "2023-12-31T23:59:59.000Z", "2024-01-15T12:00:00.000Z"]);
    expect(p).toMatchObject({ count: 3, nullCount: 1, distinctCount: 3 });
    expect(p.dateRange).toEqual({ min: "2023-12-31T23:59:59.000Z", max: "2024-03-01T00:00:00.000Z" });
    expect(p.min).toBe(Date.parse("2023-12-31T23:59:59.000Z"));
    expect(p.histogram!.reduce((sum, bin) => sum + bin.count, 0)).toBe(3);
  });
});

describe("correlations", () => {
  const columns = [
    { name: "a", type: "integer" as const },
    { name: "label", type: "category" as const },
    { name: "up", type: "number" as const },
    { name: "down", type: "number" as const },
    { name: "flat", type: "number" as const },
  ];
  const rows: Cell[][] = [1, 2, 3, 4, 5].map((a) => [a, `l${a}`, 2 * a + 1e6, -3 * a, 7]);

  it("covers only number and integer columns, with 1 on the diagonal", () => {
    const { correlations, rowCount } = profileTable(columns, rows);
    expect(rowCount).toBe(5);
    expect(correlations.columns).toEqual(["a", "up", "down", "flat"]);
    expect(correlations.matrix.map((row, i) => row[i])).toEqual([1, 1, 1, 1]);
  });

  it("is 1 for a perfectly correlated pair and −1 for an anti-correlated one", () => {
    const m = profileTable(columns, rows).correlations.matrix;
    expect(m[0][1]).toBeCloseTo(1, DIGITS);
    expect(m[0][2]).toBeCloseTo(-1, DIGITS);
    expect(m[1][2]).toBeCloseTo(-1, DIGITS);
    expect(m[2][0]).toBe(m[0][2]);
  });

  it("is null with zero variance", () => {
    const m = profileTable(columns, rows).correlations.matrix;
    expect(m[0][3]).toBeNull();
    expect(m[3][1]).toBeNull();
  });

  it("uses the rows where both values are present (pairwise-complete)", () => {
    const pair = [
      { name: "p", type: "number" as const },
      { name: "q", type: "number" as const },
      { name: "r", type: "number" as const },
    ];
    // p/q over the complete rows are numpy's corrcoef([1,2,3,4,5], [2,4,5,4,5]) = 0.7745966692414834;
    // r has only one row in common with the others.
    const table: Cell[][] = [
      [1, 2, null],
      [null, 100, 1],
      [2, 4, null],
      [3, 5, null],
      [-50, null, null],
      [4, 4, null],
      [5, 5, null],
    ];
    const m = profileTable(pair, table).correlations.matrix;
    expect(m[0][1]).toBeCloseTo(0.7745966692414834, DIGITS);
    expect(m[0][2]).toBeNull();
    expect(m[1][2]).toBeNull();
  });

  it("treats short rows as missing cells", () => {
    const p = profileTable(columns, [[1], [2, "x", 3]]);
    expect(p.columns[0]).toMatchObject({ count: 2, nullCount: 0 });
    expect(p.columns[2]).toMatchObject({ count: 1, nullCount: 1 });
    expect(p.columns[4]).toMatchObject({ count: 0, nullCount: 2 });
  });
});
