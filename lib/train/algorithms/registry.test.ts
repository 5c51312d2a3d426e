import { beforeAll, describe, expect, it } from "vitest";
import type { ColumnInfo, ColumnType, Row } from "@/lib/data/types";
import { TASKS, type Task } from "@/lib/define/tasks";
import type { FittedRecipe } from "@/lib/prepare/recipe";
import type { RecipeSpec } from "@/lib/prepare/recipe-schema";
import { mulberry32 } from "@/lib/shared/random";
import { loadModelArtifacts } from "../artifacts";
import { runContextOf } from "../run-context";
import { resolveRunParams } from "../run-params";
import { initServerBackend } from "../server/backend";
import { packTar, unpackTar } from "../tar";
import { plantedBaskets, promoRows, weekIso } from "../test-fixtures";
import { ALGORITHMS, getAlgorithm } from "./registry";

/** A tiny dataset of a task, a recipe on it, params that train in a second, and rows to ask a model about. */
interface TaskFixture {
  rows: Row[];
  columns: ColumnInfo[];
  spec: Pick<RecipeSpec, "target" | "features" | "steps" | "split">;
  params: Record<string, unknown>;
  requests: Row[];
}

const columns = (types: Record<string, ColumnType>): ColumnInfo[] =>
  Object.entries(types).map(([name, type]) => ({ name, type, inferredType: type, nullCount: 0 }));

function tabularRows(n: number, label: (a: number, b: number) => number | string): Row[] {
  const random = mulberry32(11);
  return Array.from({ length: n }, () => {
    const [a, b] = [random(), random()];
    return { a, b, y: label(a, b) };
  });
}

const tabularRequests: Row[] = [
  { a: 0.1, b: 0.9 },
  { a: 0.5, b: 0.5 },
  { a: 0.9, b: 0.2 },
];

const FIXTURES: Record<Task, TaskFixture> = {
  regression: {
    rows: tabularRows(80, (a, b) => 3 * a - 2 * b + 1),
    columns: columns({ a: "number", b: "number", y: "number" }),
    spec: { target: "y", features: ["a", "b"], steps: [], split: { method: "random", validation: 0.25, seed: 1 } },
    params: { epochs: 20, hiddenUnits: [8] },
    requests: tabularRequests,
  },
  classification: {
    rows: tabularRows(80, (a, b) => (a > b ? "up" : "down")),
    columns: columns({ a: "number", b: "number", y: "category" }),
    spec: { target: "y", features: ["a", "b"], steps: [], split: { method: "random", validation: 0.25, seed: 1 } },
    params: { epochs: 20, hiddenUnits: [8] },
    requests: tabularRequests,
  },
  forecasting: {
    rows: promoRows(60, 2),
    columns: columns({ Week: "datetime", Store: "category", Quantity: "number", Price: "number" }),
    spec: { target: "Quantity", features: ["Week", "Store", "Price"], steps: [], split: { method: "time", timeColumn: "Week", validation: 0.2 } },
    params: { horizon: 4, ensembleSize: 1, hiddenUnits: [8], epochs: 3, batchSize: 64 },
    requests: [
      { Week: weekIso(60), Store: "s0", Price: 3 },
      { Week: weekIso(60), Store: "s1", Price: 2 },
      { Week: weekIso(61), Store: "unseen", Price: 3 },
    ],
  },
  recommendation: {
    rows: plantedBaskets(120, 5),
    columns: columns({ InvoiceNo: "category", StockCode: "category", Quantity: "integer" }),
    spec: { target: "StockCode", features: ["InvoiceNo", "Quantity"], steps: [], split: { method: "random", validation: 0.2 } },
    params: { embeddingDim: 8, epochs: 2 },
    requests: [{ itemId: "a0" }, { itemId: "b3" }, { itemId: "never-seen" }],
  },
};

const text = (bytes: Uint8Array | undefined) => new TextDecoder().decode(bytes);

beforeAll(async () => {
  await initServerBackend();
});

describe("the algorithm registry", () => {
  it("names each algorithm once, serves every task, and gives every field a bound", () => {
    const ids = ALGORITHMS.map((a) => a.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const task of TASKS)
      expect(
        ALGORITHMS.some((a) => a.tasks.includes(task)),
        task,
      ).toBe(true);
    for (const a of ALGORITHMS) for (const f of a.fields) expect(f.bound, `${a.id} ${f.name}`).toBeDefined();
  });

  // Every algorithm, on every task it serves: the path of a server run, a bundle and an endpoint.
  const cases = ALGORITHMS.flatMap((a) => a.tasks.map((task) => ({ id: a.id, task })));
  it.each(cases)("$id ($task) trains, saves, loads and predicts the same from its bundle as when trained", async ({ id, task }) => {
    const algorithm = getAlgorithm(id);
    const fixture = FIXTURES[task];
    // As a run is made (resolved against the data and stored as JSON) and as the worker reads it back.
    const stored = JSON.parse(JSON.stringify(resolveRunParams(id, fixture.params, runContextOf(fixture.spec, fixture.columns, fixture.rows.length))));
    const engine = await algorithm.engine();
    const trained = await engine.train({
      task,
      params: algorithm.readParams(stored),
      spec: fixture.spec,
      data: { rows: fixture.rows, columns: fixture.columns },
      callbacks: {},
    });
    expect(trained.history.length).toBeGreaterThan(0);
    expect(Object.values(trained.metrics.validation).every(Number.isFinite)).toBe(true);
    expect(trained.details.bestEpoch).toBeGreaterThan(0);

    // The bundle's files as a bundle carries them (one tar), then read back as serving reads them.
    const files = await engine.save(trained.model);
    const bundle = packTar([
      { name: "model.json", data: new TextEncoder().encode(JSON.stringify(files.modelJson)) },
      { name: "weights.bin", data: files.weights },
      { name: "extras.json", data: new TextEncoder().encode(JSON.stringify(files.extras)) },
      { name: "recipe.json", data: new TextEncoder().encode(JSON.stringify(trained.fitted)) },
    ]);
    const back = new Map(unpackTar(bundle).map((e) => [e.name, e.data]));
    const loaded = await loadModelArtifacts({
      modelJson: JSON.parse(text(back.get("model.json"))),
      weights: back.get("weights.bin")!,
      extras: JSON.parse(text(back.get("extras.json"))),
    });
    expect(loaded.algorithm).toBe(id);
    const fitted = JSON.parse(text(back.get("recipe.json"))) as FittedRecipe;

    const whenTrained = await engine.predictor(trained.model, trained.fitted);
    const fromBundle = await (await getAlgorithm(loaded.algorithm).engine()).predictor(loaded.model, fitted);
    try {
      const expected = whenTrained.predict(fixture.requests);
      expect(expected).toHaveLength(fixture.requests.length);
      expect(JSON.stringify(expected)).not.toMatch(/null|NaN/);
      expect(fromBundle.predict(fixture.requests)).toEqual(expected);
    } finally {
      whenTrained.dispose();
      fromBundle.dispose();
    }
  });
});
