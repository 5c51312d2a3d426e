import fs from "node:fs";
import path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { expect, test } from "@playwright/test";
import { loadForecasterFiles } from "../../lib/train/algorithms/forecaster/model";
import { loadRecommenderFiles } from "../../lib/train/algorithms/recommender/model";
import type { ModelJson } from "../../lib/train/model-files";
import { createProject, expectJson, expectProblem, sampleProject, uniq, upload } from "./helpers";
import { untar, waitForRun, type Run } from "./train-helpers";

/**
 * The forecaster and the recommender trained on the server, on the bundled real data (the samples
 * seeded at first start): `{algorithm}` alone trains a model that beats its naive baselines.
 */

test("forecaster: {algorithm} alone on the orange-juice sample beats last value and seasonal naive, and its bundle forecasts on its own", async ({
  request,
}) => {
  test.setTimeout(180_000);
  const project = await sampleProject(request, "Orange juice sales");
  const queued = await expectJson<Run>(await request.post(`/api/projects/${project.id}/runs`, { data: { algorithm: "forecaster" } }), 202);
  // The defaults the data decided are stored on the run.
  expect(queued.params).toMatchObject({
    target: "Quantity",
    timeColumn: "WeekStarting",
    seriesColumns: ["Store", "Brand"],
    exogenous: ["Advert", "Price"],
    horizon: 12,
  });
  const run = await waitForRun(request, queued.id, ["succeeded", "failed"]);
  expect(run.error).toBeNull();
  expect(run.status).toBe("succeeded");
  expect(run.history.length).toBeGreaterThan(0);

  const baseline = run.baseline!;
  const others = baseline.others ?? [];
  const wape = run.metrics!.validation.wape;
  expect(Object.keys(run.metrics!.validation).sort()).toEqual(["mae", "mape", "rmse", "wape"]);
  expect(baseline.name).toBe("last value");
  expect(wape).toBeLessThan(baseline.validation.wape);
  expect(others.map((o) => o.name)).toEqual(["seasonal naive"]);
  expect(wape).toBeLessThan(others[0].validation.wape);

  const details = run.details as {
    perHorizon: { step: number }[];
    backtestForecasts: { series: string; actual: number; forecast: number }[];
    series: number;
    rows: { backtest: number };
  };
  expect(details.perHorizon.map((h) => h.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  expect(details.series).toBe(9);
  expect(details.backtestForecasts.length).toBe(details.rows.backtest);
  for (const f of details.backtestForecasts) expect(Number.isFinite(f.forecast) && f.forecast >= 0).toBe(true);

  // Registered, downloaded, unpacked: the bundle holds each series' tail and forecasts the sample's future weeks by itself.
  const model = await expectJson<{ id: string; manifest: Record<string, unknown> }>(
    await request.post("/api/models", { data: { runId: run.id, name: uniq("oj forecaster") } }),
    201,
  );
  expect(model.manifest).toMatchObject({ task: "forecasting", algorithm: "forecaster", target: "Quantity" });
  const files = untar(await (await request.get(`/api/models/${model.id}/bundle`)).body());
  const extras = JSON.parse(files["extras.json"].toString()) as { format: string; seriesTails: Record<string, unknown[]> };
  expect(extras.format).toBe("workbench-forecaster");
  expect(Object.keys(extras.seriesTails)).toHaveLength(9);
  expect(Object.keys(extras.seriesTails)).toContain('["2","dominicks"]');

  const modelJson = JSON.parse(files["model.json"].toString()) as ModelJson;
  const weights = new Uint8Array(files["weights.bin"]);
  const stock = await tf.loadLayersModel(
    tf.io.fromMemory({ modelTopology: modelJson.modelTopology, weightSpecs: modelJson.weightsManifest[0].weights, weightData: weights.slice().buffer }),
  );
  expect(stock.outputs).toHaveLength(1);
  stock.dispose();

  // Loaded directly (Playwright's loader cannot follow the registry's lazy import of an engine).
  const forecaster = await loadForecasterFiles({ modelJson, weights, extras });
  const future = fs
    .readFileSync(path.join(process.cwd(), "samples/oj/oj-sales-9-series-future.csv"), "utf8")
    .trim()
    .split("\n")
    .slice(1)
    .map((line) => {
      const [WeekStarting, Store, Brand, Advert, Price] = line.split(",");
      return { WeekStarting, Store, Brand, Advert: Number(Advert), Price: Number(Price) };
    });
  const forecasts = forecaster.predict(future);
  expect(forecasts).toHaveLength(future.length);
  for (const f of forecasts) expect(Number.isFinite(f) && f >= 0).toBe(true);
  forecaster.dispose();
});

test("recommender: on the web-shop sample it beats popularity, with co-occurrence counts and single-item queries reported", async ({ request }) => {
  test.setTimeout(180_000);
  const project = await sampleProject(request, "Web shop recommendations");
  const queued = await expectJson<Run>(
    await request.post(`/api/projects/${project.id}/runs`, { data: { algorithm: "recommender", params: { epochs: 4 } } }),
    202,
  );
  expect(queued.params).toMatchObject({ itemColumn: "StockCode", basketColumn: "InvoiceNo", quantityColumn: "Quantity", epochs: 4, k: 10 });
  const run = await waitForRun(request, queued.id, ["succeeded", "failed"]);
  expect(run.error).toBeNull();
  const baseline = run.baseline!;
  const others = baseline.others ?? [];
  expect(Object.keys(run.metrics!.validation).sort()).toEqual(["coverage", "hitRate", "ndcg"]);
  expect(baseline.name).toBe("popularity");
  expect(run.metrics!.validation.hitRate).toBeGreaterThan(baseline.validation.hitRate);
  expect(others.map((o) => o.name)).toEqual(["co-occurrence counts"]);
  const details = run.details as { k: number; queries: number; singleItem: Record<string, { hitRate: number }> };
  expect(details.k).toBe(10);
  expect(details.queries).toBeGreaterThan(100);
  expect(Object.keys(details.singleItem).sort()).toEqual(["cooccurrence", "model", "popularity"]);

  const model = await expectJson<{ id: string }>(await request.post("/api/models", { data: { runId: run.id } }), 201);
  const files = untar(await (await request.get(`/api/models/${model.id}/bundle`)).body());
  const recommender = await loadRecommenderFiles({
    modelJson: JSON.parse(files["model.json"].toString()),
    weights: new Uint8Array(files["weights.bin"]),
    extras: JSON.parse(files["extras.json"].toString()),
  });
  const item = recommender.items[0];
  const answer = recommender.recommend(item, 10);
  expect(answer).toHaveLength(10);
  expect(answer.map((r) => r.itemId)).not.toContain(item);
});

/** 40 weeks of two stores: enough for a small horizon, not for a long one. */
function weeklyCsv(weeks: number): string {
  const lines = ["Week,Store,Units,Price,Note"];
  for (let t = 0; t < weeks; t++) {
    const day = new Date(Date.UTC(2024, 0, 4) + t * 7 * 86_400_000).toISOString().slice(0, 10);
    for (const store of ["north", "south"])
      lines.push(`${day},${store},${100 + ((t * 7) % 13) * (store === "north" ? 2 : 1)},${(2 + (t % 3) * 0.5).toFixed(2)},n${t % 4}`);
  }
  return lines.join("\n") + "\n";
}

async function forecastingProject(request: import("@playwright/test").APIRequestContext, target: string, weeks = 40) {
  const ds = await upload(request, uniq("weekly units"), weeklyCsv(weeks));
  const project = await createProject(request, { name: uniq("forecast"), task: "forecasting", datasetId: ds.id, target });
  await expectJson(
    await request.put(`/api/projects/${project.id}/recipe`, {
      data: { datasetId: ds.id, target, steps: [], split: { method: "time", validation: 0.2, timeColumn: "Week" } },
    }),
    201,
  );
  return project;
}

test.describe("bad forecaster and recommender requests", () => {
  test("wrong params, unknown columns and a non-numeric target are refused naming the field; nothing is queued", async ({ request }) => {
    const project = await forecastingProject(request, "Units");
    const post = (data: unknown) => request.post(`/api/projects/${project.id}/runs`, { data });
    await expectProblem(await post({ algorithm: "forecaster", params: { horizon: "twelve" } }), 422, "params.horizon");
    await expectProblem(await post({ algorithm: "forecaster", params: { horizon: 0 } }), 422, "params.horizon");
    await expectProblem(await post({ algorithm: "forecaster", params: { lags: [] } }), 422, "params.lags");
    await expectProblem(await post({ algorithm: "forecaster", params: { seriesColumns: ["Region"] } }), 422, "params.seriesColumns");
    await expectProblem(await post({ algorithm: "forecaster", params: { exogenous: ["Note"] } }), 422, "params.exogenous");
    await expectProblem(await post({ algorithm: "forecaster", params: { timeColumn: "Store" } }), 422, "params.timeColumn");
    await expectProblem(await post({ algorithm: "forecaster", params: { windowSize: 3 } }), 422, "params.windowSize");
    await expectProblem(await post({ algorithm: "recommender" }), 422, "algorithm");
    const { items } = await expectJson<{ items: Run[] }>(await request.get(`/api/projects/${project.id}/runs`), 200);
    expect(items).toHaveLength(0);

    const textTarget = await forecastingProject(request, "Note");
    await expectProblem(await request.post(`/api/projects/${textTarget.id}/runs`, { data: { algorithm: "forecaster" } }), 422, "target");
  });

  test("a horizon the data is too short for fails the run with a clear error", async ({ request }) => {
    const project = await forecastingProject(request, "Units", 40);
    const queued = await expectJson<Run>(
      await request.post(`/api/projects/${project.id}/runs`, { data: { algorithm: "forecaster", params: { horizon: 30 } } }),
      202,
    );
    const run = await waitForRun(request, queued.id, ["succeeded", "failed"]);
    expect(run.status).toBe("failed");
    expect(run.error).toMatch(/horizon of 30/);
  });

  test("a recommender asked for a column the data lacks is refused naming it", async ({ request }) => {
    const project = await sampleProject(request, "Web shop recommendations");
    await expectProblem(
      await request.post(`/api/projects/${project.id}/runs`, { data: { algorithm: "recommender", params: { basketColumn: "Session" } } }),
      422,
      "params.basketColumn",
    );
    await expectProblem(
      await request.post(`/api/projects/${project.id}/runs`, { data: { algorithm: "recommender", params: { embeddingDim: -1 } } }),
      422,
      "params.embeddingDim",
    );
  });
});
