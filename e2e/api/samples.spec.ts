import { expect, test } from "@playwright/test";
import { expectJson, getRows, sampleProject, type Dataset } from "./helpers";

/** The bundled samples are seeded when the server first starts on an empty data folder. */

test("Orange juice sales: forecasting Quantity on 996 rows, with a saved recipe", async ({ request }) => {
  const p = await sampleProject(request, "Orange juice sales");
  expect(p).toMatchObject({ task: "forecasting", target: "Quantity", delivery: "batch", successMetric: "wape", successThreshold: 0.4 });
  expect(p.criterion).toBe("WAPE ≤ 0.4");
  expect(p.datasetId).toBeTruthy();
  expect(p.dataset).toMatchObject({ id: p.datasetId, version: 1, rowCount: 996 });
  expect(p.steps).toMatchObject({ define: "done", data: "done", prepare: "done" });

  const recipe = await expectJson<{ version: number; datasetId: string; spec: { target: string; steps: { op: string }[]; split: { method: string } } }>(
    await request.get(`/api/projects/${p.id}/recipe`),
    200,
  );
  expect(recipe.version).toBeGreaterThanOrEqual(1);
  expect(recipe.datasetId).toBe(p.datasetId);
  expect(recipe.spec.target).toBe("Quantity");
  expect(recipe.spec.split.method).toBe("time");
  expect(recipe.spec.steps.map((s) => s.op)).toEqual(["impute"]);

  const ds = await expectJson<Dataset>(await request.get(`/api/datasets/${p.datasetId}`), 200);
  expect(ds).toMatchObject({ rowCount: 996, sourceKind: "sample", format: "csv" });
  const store = ds.columns.find((c) => c.name === "Store");
  expect(store).toMatchObject({ type: "category", inferredType: "integer", nullCount: 0 });
  const types = Object.fromEntries(ds.columns.map((c) => [c.name, c.type]));
  expect(types).toMatchObject({ WeekStarting: "datetime", Brand: "category", Quantity: "integer", Advert: "integer", Price: "number" });

  const first = await getRows(request, ds.id, 0, 1);
  expect(first.total).toBe(996);
  expect(first.rows[0]).toMatchObject({ WeekStarting: "1990-06-14T00:00:00.000Z", Store: "2", Brand: "dominicks", Quantity: 10560, Price: 1.59 });
});

test("Web shop recommendations: a recommendation project on 10,000 invoice rows", async ({ request }) => {
  const p = await sampleProject(request, "Web shop recommendations");
  expect(p).toMatchObject({ task: "recommendation", delivery: "realtime", successMetric: "hitRate" });
  expect(p.dataset).toMatchObject({ name: "Online retail invoices", rowCount: 10_000 });
  expect(p.steps.data).toBe("done");

  const { items } = await expectJson<{ items: Dataset[] }>(await request.get(`/api/datasets?name=${encodeURIComponent("Online retail invoices")}`), 200);
  expect(items.length).toBeGreaterThanOrEqual(1);
  expect(items[0]).toMatchObject({ name: "Online retail invoices", rowCount: 10_000, sourceKind: "sample" });
  expect(items[0].columns.map((c) => c.name)).toEqual(expect.arrayContaining(["InvoiceNo", "StockCode", "Quantity", "InvoiceDate", "CustomerID"]));
});

test("the other sample datasets are there", async ({ request }) => {
  for (const [name, rows] of [
    ["Orange juice weeks to forecast", 36],
    ["Product catalog", 1997],
  ] as const) {
    const { items } = await expectJson<{ items: Dataset[] }>(await request.get(`/api/datasets?name=${encodeURIComponent(name)}`), 200);
    expect(items, name).toHaveLength(1);
    expect(items[0]).toMatchObject({ name, version: 1, rowCount: rows });
  }
});
