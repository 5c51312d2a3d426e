import { expect, test } from "@playwright/test";
import { expectJson, expectProblem, uniq, upload } from "./helpers";

interface ColumnProfile {
  name: string;
  type: string;
  nullCount: number;
  distinctCount: number;
  min?: number;
  max?: number;
  mean?: number;
  std?: number;
  histogram?: { start: number; end: number; count: number }[];
  topValues?: { value: string; count: number }[];
  dateRange?: { min: string; max: string };
}

interface Profile {
  datasetId: string;
  rowCount: number;
  columns: ColumnProfile[];
  correlations: { columns: string[]; matrix: (number | null)[][] };
  computedAt: string;
}

/**
 * Values chosen to be checked by hand: score is 2.5, 4.5×3, 5.5×2, 7.5, 9.5 (mean 5.5, sample
 * variance 32/7) with one gap; b = 2a + 1 rises with a, c = 100 − 3a falls with it.
 */
const CSV = [
  "score,a,b,c,color,day",
  "2.5,1,3,97,red,2024-01-01",
  "4.5,2,5,94,blue,2024-01-02",
  "4.5,3,7,91,red,2024-01-03",
  "4.5,4,9,88,green,2024-01-04",
  ",5,11,85,red,",
  "5.5,6,13,82,blue,2024-01-06",
  "5.5,7,15,79,,2024-01-07",
  "7.5,8,17,76,red,2024-01-08",
  "9.5,9,19,73,blue,2024-01-09",
].join("\n");

/** Sample standard deviation of 1..9. */
const STD_1_TO_9 = Math.sqrt(60 / 8);

const histogramTotal = (c: ColumnProfile) => (c.histogram ?? []).reduce((sum, bin) => sum + bin.count, 0);

test("profile: statistics by hand, histograms, top values, date range, correlations; then cached", async ({ request }) => {
  const ds = await upload(request, uniq("Profiled"), CSV, "profiled.csv");
  const res = await request.get(`/api/datasets/${ds.id}/profile`);
  const profile = await expectJson<Profile>(res, 200);
  expect(profile.rowCount).toBe(9);
  expect(profile.columns.map((c) => c.name)).toEqual(["score", "a", "b", "c", "color", "day"]);
  const col = (name: string) => profile.columns.find((c) => c.name === name)!;

  const score = col("score");
  expect(score).toMatchObject({ type: "number", nullCount: 1, distinctCount: 5, min: 2.5, max: 9.5 });
  expect(score.mean).toBeCloseTo(5.5, 10);
  expect(score.std).toBeCloseTo(Math.sqrt(32 / 7), 10);
  expect(histogramTotal(score)).toBe(8);
  const bins = score.histogram!;
  expect(bins[0].start).toBe(2.5);
  expect(bins[bins.length - 1].end).toBe(9.5);
  expect(bins[0].count).toBe(1); // 2.5 alone at the low end
  expect(bins[bins.length - 1].count).toBe(1); // 9.5, the maximum, falls in the last bin
  for (let i = 1; i < bins.length; i++) expect(bins[i].start).toBeCloseTo(bins[i - 1].end, 10);

  const a = col("a");
  expect(a).toMatchObject({ type: "integer", nullCount: 0, distinctCount: 9, min: 1, max: 9 });
  expect(a.mean).toBeCloseTo(5, 10);
  expect(a.std).toBeCloseTo(STD_1_TO_9, 10);
  expect(histogramTotal(a)).toBe(9);
  const b = col("b");
  expect(b).toMatchObject({ min: 3, max: 19, distinctCount: 9 });
  expect(b.mean).toBeCloseTo(11, 10);
  expect(b.std).toBeCloseTo(2 * STD_1_TO_9, 10);
  const c = col("c");
  expect(c).toMatchObject({ min: 73, max: 97 });
  expect(c.mean).toBeCloseTo(85, 10);
  expect(c.std).toBeCloseTo(3 * STD_1_TO_9, 10);
  expect(histogramTotal(b)).toBe(9);
  expect(histogramTotal(c)).toBe(9);

  const color = col("color");
  expect(color).toMatchObject({ type: "category", nullCount: 1, distinctCount: 3 });
  expect(color.topValues).toEqual([
    { value: "red", count: 4 },
    { value: "blue", count: 3 },
    { value: "green", count: 1 },
  ]);

  const day = col("day");
  expect(day).toMatchObject({ type: "datetime", nullCount: 1, distinctCount: 8 });
  expect(day.dateRange).toEqual({ min: "2024-01-01T00:00:00.000Z", max: "2024-01-09T00:00:00.000Z" });

  // Pearson correlations of the numeric columns.
  const names = profile.correlations.columns;
  expect(names).toEqual(["score", "a", "b", "c"]);
  const r = (x: string, y: string) => profile.correlations.matrix[names.indexOf(x)][names.indexOf(y)];
  for (const n of names) expect(r(n, n)).toBeCloseTo(1, 10);
  expect(r("a", "b")).toBeCloseTo(1, 10);
  expect(r("b", "a")).toBeCloseTo(1, 10);
  expect(r("a", "c")).toBeCloseTo(-1, 10);
  expect(r("b", "c")).toBeCloseTo(-1, 10);
  expect(r("c", "b")).toBeCloseTo(-1, 10);
  const rScore = r("score", "a");
  expect(rScore).not.toBeNull();
  expect(rScore!).toBeGreaterThan(0.9);
  expect(rScore!).toBeLessThan(1);

  // The second request is answered from the cache.
  const again = await expectJson<Profile>(await request.get(`/api/datasets/${ds.id}/profile`), 200);
  expect(again.computedAt).toBe(profile.computedAt);
  expect(again.columns).toEqual(profile.columns);
  expect(again.correlations).toEqual(profile.correlations);
});

test("a type override drops the cached profile: the next one describes the new type", async ({ request }) => {
  const ds = await upload(request, uniq("Reprofiled"), CSV, "profiled.csv");
  const first = await expectJson<Profile>(await request.get(`/api/datasets/${ds.id}/profile`), 200);
  expect(first.columns.find((c) => c.name === "a")?.type).toBe("integer");
  await expectJson(await request.patch(`/api/datasets/${ds.id}`, { data: { columns: [{ name: "a", type: "category" }] } }), 200);
  const second = await expectJson<Profile>(await request.get(`/api/datasets/${ds.id}/profile`), 200);
  const a = second.columns.find((c) => c.name === "a")!;
  expect(a).toMatchObject({ type: "category", distinctCount: 9, nullCount: 0 });
  expect(a.topValues).toHaveLength(9);
  expect(a.mean).toBeUndefined();
  expect(second.correlations.columns).toEqual(["score", "b", "c"]);
  expect(Date.parse(second.computedAt)).toBeGreaterThanOrEqual(Date.parse(first.computedAt));
});

test("concurrent first requests agree on one profile", async ({ request }) => {
  const ds = await upload(request, uniq("Concurrent profile"), CSV, "profiled.csv");
  const [x, y] = await Promise.all([request.get(`/api/datasets/${ds.id}/profile`), request.get(`/api/datasets/${ds.id}/profile`)]);
  const px = await expectJson<Profile>(x, 200);
  const py = await expectJson<Profile>(y, 200);
  expect(px.computedAt).toBe(py.computedAt);
  expect(px.columns).toEqual(py.columns);
});

test("profile of an unknown dataset → 404", async ({ request }) => {
  const body = await expectProblem(await request.get("/api/datasets/ds_doesnotexist0000/profile"), 404);
  expect(body.detail).toContain("ds_doesnotexist0000");
});
