/**
 * Monitoring over HTTP: traffic, drift and data quality of an endpoint's window against its model's
 * reference sample. Each test deploys its own endpoint of one small regression model (y = 3a − 2b + 1,
 * a and b uniform on [−2, 2], colour red/blue) and takes `since` just before it sends, so windows
 * never share rows.
 */
import { test as base, expect, type APIRequestContext } from "@playwright/test";
import { bearer, deploy, register, score, trainRun, type Deployed, type ModelVersion } from "./endpoint-helpers";
import { createProject, expectJson, expectProblem, uniq, upload, type Row } from "./helpers";
import { linearCsv } from "./train-helpers";
import { editorHeaders } from "./auth-helpers";
import { mulberry32 } from "@/lib/shared/random";

interface FeatureDrift {
  name: string;
  kind: string;
  metric: string;
  value: number | null;
  threshold: number;
  drifted: boolean;
  pValue?: number;
  psi: number;
  referenceRows: number;
  currentRows: number;
  histogram: { bins: { label: string; reference: number; current: number }[] };
}

interface DriftBody {
  window: { since: string; until: string; rows: number; requests: number; jobs: number; referenceRows: number; model: ModelVersion };
  thresholds: Record<string, number>;
  features: FeatureDrift[];
  prediction: FeatureDrift | null;
  driftedFeatures: number;
  datasetDrifted: boolean;
  note?: string;
}

interface QualityBody {
  window: DriftBody["window"];
  features: { name: string; type: string; rows: number; nullRate: number; typeErrorRate: number; outOfRangeRate: number }[];
}

interface MetricsBody {
  requests: number;
  errors: number;
  rows: number;
  latencyMs: { p50: number | null; p95: number | null; p99: number | null };
  byVersion: { modelId: string | null; version: number | null; requests: number }[];
  series: { start: string; requests: number; errors: number; p50: number | null; p95: number | null }[];
}

/** Training rows: enough that the split's training part fills the 500-row reference sample. */
const TRAINING_ROWS = 1000;
/** Rows per scoring request: the request log keeps at most 100 rows of each. */
const ROWS_PER_REQUEST = 100;
/** The standard deviation of a uniform variable on [−2, 2]. */
const FEATURE_STD = 4 / Math.sqrt(12);

/** `n` input rows from the training distribution, with `shiftA` added to every a. */
function inputRows(n: number, seed: number, shiftA = 0): Row[] {
  // Another generator than linearCsv's, so these rows are new draws from the training distribution.
  const rand = mulberry32(seed);
  return Array.from({ length: n }, () => ({
    a: Number((rand() * 4 - 2 + shiftA).toFixed(4)),
    b: Number((rand() * 4 - 2).toFixed(4)),
    colour: rand() < 0.5 ? "red" : "blue",
  }));
}

async function scoreAll(request: APIRequestContext, ep: Deployed, rows: Row[]) {
  for (let i = 0; i < rows.length; i += ROWS_PER_REQUEST) {
    await expectJson(await score(request, ep.name, ep.key, { rows: rows.slice(i, i + ROWS_PER_REQUEST) }), 200);
  }
}

const windowQuery = (since: Date, until?: Date) =>
  `since=${encodeURIComponent(since.toISOString())}${until ? `&until=${encodeURIComponent(until.toISOString())}` : ""}`;

async function driftOf(request: APIRequestContext, name: string, since: Date): Promise<DriftBody> {
  return expectJson<DriftBody>(await request.get(`/api/endpoints/${name}/drift?${windowQuery(since)}`), 200);
}

const byName = <T extends { name: string }>(items: T[]) => Object.fromEntries(items.map((f) => [f.name, f]));

/** One regression model per worker, trained on TRAINING_ROWS rows so its reference sample (500 rows) is full. */
const test = base.extend<object, { model: ModelVersion }>({
  model: [
    async ({ playwright }, use, workerInfo) => {
      const request = await playwright.request.newContext({ baseURL: workerInfo.project.use.baseURL, extraHTTPHeaders: editorHeaders() });
      const dataset = await upload(request, uniq("monitor data"), linearCsv(TRAINING_ROWS));
      const project = await createProject(request, { name: uniq("monitor"), task: "regression", datasetId: dataset.id, target: "y" });
      // Imputation lets rows with a missing number be scored (and counted by data quality).
      const steps = [
        { op: "impute", columns: ["a", "b"], strategy: "mean" },
        { op: "onehot", columns: ["colour"] },
      ];
      const split = { method: "random", validation: 0.2, test: 0.2, seed: 3 };
      await expectJson(await request.put(`/api/projects/${project.id}/recipe`, { data: { datasetId: dataset.id, target: "y", steps, split } }), 201);
      const run = await trainRun(request, project.id, "mlp", { epochs: 5, hiddenUnits: [6] });
      await use(await register(request, run.id));
      await request.dispose();
    },
    { scope: "worker", timeout: 180_000 },
  ],
});

test.describe("drift", () => {
  test("rows drawn from the training distribution: no feature drifts, nor the input as a whole", async ({ request, model }) => {
    const ep = await deploy(request, model.id, {}, "mon-same");
    const since = new Date();
    await scoreAll(request, ep, inputRows(300, 101));

    const drift = await driftOf(request, ep.name, since);
    expect(drift.window.rows).toBe(300);
    expect(drift.window.requests).toBe(3);
    expect(drift.window.model).toEqual({ id: model.id, name: model.name, version: model.version });
    expect(drift.window.referenceRows).toBe(500);
    expect(drift.features.map((f) => f.name).sort()).toEqual(["a", "b", "colour"]);
    const f = byName(drift.features);
    // A 500-row reference is tested: KS for numbers, chi-squared for categories, p-values against 0.05.
    expect([f.a.metric, f.b.metric, f.colour.metric]).toEqual(["ks", "ks", "chi2"]);
    for (const feature of drift.features) {
      expect(feature.threshold).toBe(0.05);
      expect(feature.value, `${feature.name} p-value`).toBeGreaterThanOrEqual(0.05);
      expect(feature.drifted, feature.name).toBe(false);
      expect(feature.currentRows).toBe(300);
      expect(feature.referenceRows).toBe(500);
      expect(feature.histogram.bins.length).toBeGreaterThan(1);
    }
    expect(drift.driftedFeatures).toBe(0);
    expect(drift.datasetDrifted).toBe(false);
    expect(drift.prediction).not.toBeNull();
    expect(drift.prediction!.drifted).toBe(false);
  });

  test("one feature shifted by two standard deviations: exactly that feature drifts, drifted first", async ({ request, model }) => {
    const ep = await deploy(request, model.id, {}, "mon-shift");
    const since = new Date();
    await scoreAll(request, ep, inputRows(300, 202, 2 * FEATURE_STD));

    const drift = await driftOf(request, ep.name, since);
    expect(drift.window.rows).toBe(300);
    expect(drift.features.map((f) => [f.name, f.drifted])).toEqual([
      ["a", true],
      ["b", false],
      ["colour", false],
    ]);
    const a = drift.features[0];
    expect(a.value).toBeLessThan(0.05);
    expect(a.psi).toBeGreaterThan(0.25);
    // The overlaid histogram: each side's shares sum to one, and the current mass sits to the right.
    const bins = a.histogram.bins;
    const sum = (k: "reference" | "current") => bins.reduce((s, b) => s + b[k], 0);
    expect(sum("reference")).toBeCloseTo(1, 5);
    expect(sum("current")).toBeCloseTo(1, 5);
    const half = Math.floor(bins.length / 2);
    const rightShare = (k: "reference" | "current") => bins.slice(half).reduce((s, b) => s + b[k], 0);
    expect(rightShare("current")).toBeGreaterThan(rightShare("reference"));
    expect(drift.driftedFeatures).toBe(1);
    // One of three features is below the default share of a half.
    expect(drift.datasetDrifted).toBe(false);
    // y = 3a − 2b + 1: the predictions move with a.
    expect(drift.prediction!.drifted).toBe(true);

    // The same endpoint's earlier window (before any traffic) holds nothing to compare.
    const before = await expectJson<DriftBody>(
      await request.get(`/api/endpoints/${ep.name}/drift?${windowQuery(new Date(since.getTime() - 60_000), since)}`),
      200,
    );
    expect(before.window.rows).toBe(0);
    expect(before.features).toEqual([]);
    expect(before.datasetDrifted).toBe(false);
  });

  test("driftThresholds: a PATCH changes the thresholds reported, null restores the defaults, bad values are refused by field", async ({ request, model }) => {
    const ep = await deploy(request, model.id, {}, "mon-thr");
    const since = new Date();
    await scoreAll(request, ep, inputRows(100, 303));

    const patched = await expectJson<{ driftThresholds: Record<string, number> | null }>(
      await request.patch(`/api/endpoints/${ep.name}`, { data: { driftThresholds: { ksPValue: 0.001, chiSquaredPValue: 0.002, driftedShare: 0.9 } } }),
      200,
    );
    expect(patched.driftThresholds).toEqual({ ksPValue: 0.001, chiSquaredPValue: 0.002, driftedShare: 0.9 });
    let drift = await driftOf(request, ep.name, since);
    expect(drift.thresholds).toMatchObject({ ksPValue: 0.001, chiSquaredPValue: 0.002, driftedShare: 0.9, wasserstein: 0.1, jensenShannon: 0.1 });
    let f = byName(drift.features);
    expect([f.a.threshold, f.b.threshold, f.colour.threshold]).toEqual([0.001, 0.001, 0.002]);

    // A reference of 500 rows counts as large once smallReferenceRows is below it: distances replace tests.
    await expectJson(await request.patch(`/api/endpoints/${ep.name}`, { data: { driftThresholds: { smallReferenceRows: 100, wasserstein: 0.3 } } }), 200);
    drift = await driftOf(request, ep.name, since);
    f = byName(drift.features);
    expect([f.a.metric, f.b.metric, f.colour.metric]).toEqual(["wasserstein", "wasserstein", "jensenShannon"]);
    expect(f.a.threshold).toBe(0.3);

    await expectJson(await request.patch(`/api/endpoints/${ep.name}`, { data: { driftThresholds: null } }), 200);
    drift = await driftOf(request, ep.name, since);
    expect(drift.thresholds).toEqual({
      ksPValue: 0.05,
      wasserstein: 0.1,
      chiSquaredPValue: 0.05,
      jensenShannon: 0.1,
      smallReferenceRows: 1000,
      driftedShare: 0.5,
    });
    expect(byName(drift.features).a.threshold).toBe(0.05);

    await expectProblem(await request.patch(`/api/endpoints/${ep.name}`, { data: { driftThresholds: { ksPValue: 2 } } }), 422, "driftThresholds.ksPValue");
    await expectProblem(
      await request.patch(`/api/endpoints/${ep.name}`, { data: { driftThresholds: { driftedShare: 0 } } }),
      422,
      "driftThresholds.driftedShare",
    );
    await expectProblem(await request.patch(`/api/endpoints/${ep.name}`, { data: { driftThresholds: { ksPvalue: 0.1 } } }), 422, /driftThresholds/);
    // The refused patches changed nothing.
    expect((await driftOf(request, ep.name, since)).thresholds.ksPValue).toBe(0.05);
  });
});

test("metrics count requests, errors and rows of the window, with latency percentiles and a series", async ({ request, model }) => {
  const ep = await deploy(request, model.id, {}, "mon-traffic");
  const since = new Date();
  const rows = inputRows(40, 404);
  for (let i = 0; i < 20; i++) await expectJson(await score(request, ep.name, ep.key, { rows: rows.slice(i, i + 2) }), 200);
  // Refused requests count as errors: a wrong key (401) and a cell that is not a number (422).
  for (let i = 0; i < 3; i++)
    expect((await request.post(`/api/endpoints/${ep.name}/score`, { headers: bearer("wrong-key"), data: { rows: rows.slice(0, 1) } })).status()).toBe(401);
  for (let i = 0; i < 2; i++) await expectProblem(await score(request, ep.name, ep.key, { rows: [{ a: "not a number", b: 1, colour: "red" }] }), 422);

  const metrics = await expectJson<MetricsBody>(await request.get(`/api/endpoints/${ep.name}/metrics?${windowQuery(since)}`), 200);
  expect(metrics.requests).toBe(25);
  expect(metrics.errors).toBe(5);
  expect(metrics.rows).toBe(40);
  const { p50, p95, p99 } = metrics.latencyMs;
  for (const p of [p50, p95, p99]) {
    expect(typeof p).toBe("number");
    expect(p!).toBeGreaterThan(0);
  }
  expect(p50!).toBeLessThanOrEqual(p95!);
  expect(p95!).toBeLessThanOrEqual(p99!);
  expect(metrics.byVersion).toEqual([{ modelId: model.id, version: model.version, requests: 20 }]);
  expect(metrics.series.reduce((s, b) => s + b.requests, 0)).toBe(25);
  expect(metrics.series.reduce((s, b) => s + b.errors, 0)).toBe(5);

  // A window that ends before the traffic holds none of it.
  const empty = await expectJson<MetricsBody>(
    await request.get(`/api/endpoints/${ep.name}/metrics?${windowQuery(new Date(since.getTime() - 60_000), since)}`),
    200,
  );
  expect([empty.requests, empty.errors, empty.latencyMs.p50]).toEqual([0, 0, null]);
});

test("quality: the null rate of a feature sent as null, out-of-range rates of numbers and categories training never had", async ({ request, model }) => {
  const ep = await deploy(request, model.id, {}, "mon-quality");
  const since = new Date();
  const rows = inputRows(100, 505).map((r, i): Row => {
    if (i < 20) return { ...r, b: null }; // 20% nulls in b
    if (i < 30) return { ...r, a: 50 }; // 10% of a far above the training range [−2, 2]
    if (i < 35) return { ...r, colour: "green" }; // 5% of colour never seen in training
    return r;
  });
  await scoreAll(request, ep, rows);

  const quality = await expectJson<QualityBody>(await request.get(`/api/endpoints/${ep.name}/quality?${windowQuery(since)}`), 200);
  expect(quality.window.rows).toBe(100);
  const f = byName(quality.features);
  expect(Object.keys(f).sort()).toEqual(["a", "b", "colour"]);
  expect(f.b).toMatchObject({ rows: 100, nullRate: 0.2, typeErrorRate: 0, outOfRangeRate: 0 });
  expect(f.a).toMatchObject({ rows: 100, nullRate: 0, typeErrorRate: 0, outOfRangeRate: 0.1 });
  expect(f.colour).toMatchObject({ rows: 100, nullRate: 0, typeErrorRate: 0, outOfRangeRate: 0.05 });
});

test.describe("bad windows and unknown endpoints", () => {
  for (const what of ["metrics", "drift", "quality"]) {
    test(`${what}: an unreadable since or until, since after until, an unknown endpoint`, async ({ request, model }) => {
      const ep = await deploy(request, model.id, {}, `mon-bad-${what}`);
      await expectProblem(await request.get(`/api/endpoints/${ep.name}/${what}?since=yesterday-ish`), 422, "since");
      await expectProblem(await request.get(`/api/endpoints/${ep.name}/${what}?until=not-a-time`), 422, "until");
      await expectProblem(await request.get(`/api/endpoints/${ep.name}/${what}?since=2026-01-02T00:00:00Z&until=2026-01-01T00:00:00Z`), 422, "since");
      // Epoch milliseconds read as well as ISO.
      await expectJson(await request.get(`/api/endpoints/${ep.name}/${what}?since=${Date.now() - 60_000}&until=${Date.now()}`), 200);
      await expectProblem(await request.get(`/api/endpoints/no-such-endpoint-${ep.name}/${what}`), 404);
    });
  }
});
