import { expect, test, type APIRequestContext } from "@playwright/test";
import { createProject, expectJson, expectProblem, getProject, raw, uniq, upload, type Dataset, type Project } from "./helpers";

/**
 * Ten days of sales in two stores. With a time split of validation 0.1 and test 0.2 the first
 * seven days train, day 8 validates and days 9–10 test; "green" appears only in the test days.
 * Training prices 1.5…7.5 have mean 4.5 and (population) std 2; training qty 1,2,3,5,6,7 has
 * mean 4 (the day-4 gap). Over all ten days those would be 6, √8.25 and 51/9.
 */
const SALES_CSV = [
  "when,store,color,qty,price,sales",
  "2024-01-01,A,red,1,1.5,100",
  "2024-01-02,B,blue,2,2.5,110",
  "2024-01-03,A,red,3,3.5,120",
  "2024-01-04,B,blue,,4.5,130",
  "2024-01-05,A,red,5,5.5,140",
  "2024-01-06,B,blue,6,6.5,150",
  "2024-01-07,A,red,7,7.5,160",
  "2024-01-08,B,blue,8,8.5,170",
  "2024-01-09,A,green,9,9.5,180",
  "2024-01-10,B,green,10,10.5,190",
].join("\n");

const TIME_SPLIT = { method: "time", validation: 0.1, test: 0.2, timeColumn: "when" };

/** Every kind of step, in an order where each one's effect can be computed by hand. */
const ALL_STEPS = [
  { op: "impute", columns: ["qty"], strategy: "mean" },
  { op: "lag", columns: ["qty"], lags: [1], timeColumn: "when", groupBy: ["store"] },
  { op: "datepart", columns: ["when"], parts: ["month", "dayofweek"] },
  { op: "onehot", columns: ["color"] },
  { op: "scale", columns: ["price"], method: "standard" },
  { op: "filter", column: "sales", operator: ">=", value: 110 },
  { op: "clip", columns: ["qty"], min: 2, max: 8 },
  { op: "log", columns: ["qty_lag1"] },
  { op: "drop", columns: ["store", "when"] },
];

interface Recipe {
  id: string;
  projectId: string;
  version: number;
  datasetId: string;
  spec: { datasetId: string; target: string; steps: Record<string, unknown>[]; split: Record<string, unknown> };
  createdAt: string;
}

interface Preview {
  rows: Record<string, string | number | boolean | null>[];
  columns: { name: string; type: string }[];
  target: string;
  split: { train: number; validation: number; test: number };
  fittedOnRows?: number;
}

async function setup(request: APIRequestContext): Promise<{ project: Project; ds: Dataset }> {
  const ds = await upload(request, uniq("Daily sales"), SALES_CSV, "sales.csv");
  const project = await createProject(request, { name: uniq("Sales forecast"), task: "regression", target: "sales", datasetId: ds.id });
  return { project, ds };
}

const put = (request: APIRequestContext, projectId: string, data: unknown) => request.put(`/api/projects/${projectId}/recipe`, { data });
const preview = (request: APIRequestContext, projectId: string, data?: unknown) =>
  request.post(`/api/projects/${projectId}/recipe/preview`, data === undefined ? {} : { data });

async function versions(request: APIRequestContext, projectId: string): Promise<Recipe[]> {
  return (await expectJson<{ items: Recipe[] }>(await request.get(`/api/projects/${projectId}/recipe/versions`), 200)).items;
}

test.describe("saving recipes", () => {
  test("PUT stores version 1, PUT again version 2; versions lists both, v1 unchanged; GET answers the latest", async ({ request }) => {
    const { project, ds } = await setup(request);
    const spec1 = { datasetId: ds.id, target: "sales", steps: ALL_STEPS, split: TIME_SPLIT };
    const v1 = await expectJson<Recipe>(await put(request, project.id, spec1), 201);
    expect(v1).toMatchObject({ projectId: project.id, version: 1, datasetId: ds.id });
    expect(v1.id).toMatch(/^rcp_/);
    expect(v1.spec).toMatchObject({ datasetId: ds.id, target: "sales", split: TIME_SPLIT });
    expect(v1.spec.steps).toEqual(ALL_STEPS);
    expect((await getProject(request, project.id)).steps.prepare).toBe("done");

    const spec2 = {
      datasetId: ds.id,
      target: "sales",
      features: ["qty", "price", "color"],
      steps: [{ op: "onehot", columns: ["color"] }],
      split: { method: "random", validation: 0.2, seed: 3 },
    };
    const v2 = await expectJson<Recipe>(await put(request, project.id, spec2), 201);
    expect(v2).toMatchObject({ projectId: project.id, version: 2 });
    expect(v2.id).not.toBe(v1.id);
    expect(v2.spec).toMatchObject(spec2);

    const items = await versions(request, project.id);
    expect(items.map((r) => r.version)).toEqual([2, 1]);
    expect(items[1]).toEqual(v1);
    expect(items[0]).toEqual(v2);
    expect(await expectJson<Recipe>(await request.get(`/api/projects/${project.id}/recipe`), 200)).toEqual(v2);
  });

  test("a project without a recipe: GET recipe 404, versions empty, preview without a body 404", async ({ request }) => {
    const project = await createProject(request, { name: uniq("No recipe"), task: "regression" });
    await expectProblem(await request.get(`/api/projects/${project.id}/recipe`), 404);
    expect(await versions(request, project.id)).toEqual([]);
    await expectProblem(await preview(request, project.id), 404);
  });

  test("unknown project → 404 for PUT, GET, versions and preview", async ({ request }) => {
    const { ds } = await setup(request);
    const id = "prj_doesnotexist0000";
    const spec = { datasetId: ds.id, target: "sales", steps: [], split: { method: "random", validation: 0.2 } };
    await expectProblem(await put(request, id, spec), 404);
    await expectProblem(await request.get(`/api/projects/${id}/recipe`), 404);
    await expectProblem(await request.get(`/api/projects/${id}/recipe/versions`), 404);
    await expectProblem(await preview(request, id, spec), 404);
  });

  test("deleting a project deletes its recipes, which then no longer hold on to their dataset", async ({ request }) => {
    const { project, ds } = await setup(request);
    await expectJson(await put(request, project.id, { datasetId: ds.id, target: "sales", steps: [], split: { method: "random", validation: 0.2 } }), 201);
    expect((await request.delete(`/api/projects/${project.id}`)).status()).toBe(204);
    await expectProblem(await request.get(`/api/projects/${project.id}/recipe/versions`), 404);
    await expectProblem(await request.get(`/api/projects/${project.id}/recipe`), 404);
    // Neither the project nor a recipe uses the dataset any more.
    expect((await request.delete(`/api/datasets/${ds.id}`)).status()).toBe(204);
  });
});

test.describe("recipes and the project's state", () => {
  test("prepare needs attention when the attached dataset is not the one the recipe was built on", async ({ request }) => {
    const { project, ds } = await setup(request);
    await expectJson(await put(request, project.id, { datasetId: ds.id, target: "sales", steps: [], split: TIME_SPLIT }), 201);
    expect((await getProject(request, project.id)).steps.prepare).toBe("done");
    const v2 = await upload(request, ds.name, SALES_CSV + "\n2024-01-11,A,red,11,11.5,200\n", "sales.csv");
    expect(v2.version).toBe(2);
    const moved = await expectJson<Project>(await request.patch(`/api/projects/${project.id}`, { data: { datasetId: v2.id } }), 200);
    expect(moved.steps.prepare).toBe("attention");
    expect(moved.stepNotes.prepare).toBeTruthy();
  });

  test("a dataset version a saved recipe uses cannot be deleted (409), so the recipe keeps working", async ({ request }) => {
    const { project, ds } = await setup(request);
    const v1 = await expectJson<Recipe>(await put(request, project.id, { datasetId: ds.id, target: "sales", steps: [], split: TIME_SPLIT }), 201);
    // The project moves on to another dataset; only the recipe still names the first one.
    const other = await upload(request, uniq("Other sales"), SALES_CSV, "sales.csv");
    await expectJson(await request.patch(`/api/projects/${project.id}`, { data: { datasetId: other.id } }), 200);
    await expectProblem(await request.delete(`/api/datasets/${ds.id}`), 409);
    expect(await versions(request, project.id)).toEqual([v1]);
    await expectJson<Preview>(await preview(request, project.id), 200);
  });
});

test.describe("refused recipes: 422 naming the field, no new version", () => {
  const base = (datasetId: string) => ({ datasetId, target: "sales", steps: [{ op: "impute", columns: ["qty"], strategy: "median" }], split: TIME_SPLIT });

  const cases: { what: string; spec: (datasetId: string) => unknown; field: string; detail?: RegExp; status?: number }[] = [
    { what: "unknown op", spec: (id) => ({ ...base(id), steps: [{ op: "explode", columns: ["qty"] }] }), field: "steps.0.op" },
    {
      what: "unknown column",
      spec: (id) => ({
        ...base(id),
        steps: [
          { op: "impute", columns: ["qty"], strategy: "mean" },
          { op: "scale", columns: ["prize"], method: "standard" },
        ],
      }),
      field: "steps.1.columns",
      detail: /prize/,
    },
    {
      what: "a column an earlier step dropped",
      spec: (id) => ({
        ...base(id),
        steps: [
          { op: "drop", columns: ["color"] },
          { op: "onehot", columns: ["color"] },
        ],
      }),
      field: "steps.1.columns",
    },
    { what: "scale on a category", spec: (id) => ({ ...base(id), steps: [{ op: "scale", columns: ["color"], method: "minmax" }] }), field: "steps.0.columns" },
    {
      what: "filter with an unknown column",
      spec: (id) => ({ ...base(id), steps: [{ op: "filter", column: "nope", operator: "==", value: 1 }] }),
      field: "steps.0.column",
    },
    {
      what: "lag with an unknown time column",
      spec: (id) => ({ ...base(id), steps: [{ op: "lag", columns: ["qty"], lags: [1], timeColumn: "day" }] }),
      field: "steps.0.timeColumn",
    },
    { what: "unknown target", spec: (id) => ({ ...base(id), target: "revenue" }), field: "target" },
    { what: "missing target", spec: (id) => ({ datasetId: id, steps: [], split: TIME_SPLIT }), field: "target" },
    { what: "time split without timeColumn", spec: (id) => ({ ...base(id), split: { method: "time", validation: 0.2 } }), field: "split.timeColumn" },
    {
      what: "time split on a category column",
      spec: (id) => ({ ...base(id), split: { method: "time", validation: 0.2, timeColumn: "store" } }),
      field: "split.timeColumn",
    },
    { what: "validation + test ≥ 1", spec: (id) => ({ ...base(id), split: { method: "random", validation: 0.6, test: 0.4 } }), field: "split.validation" },
    { what: "validation of 0", spec: (id) => ({ ...base(id), split: { method: "random", validation: 0 } }), field: "split.validation" },
    { what: "unknown datasetId", spec: (id) => ({ ...base(id), datasetId: "ds_doesnotexist0000" }), field: "datasetId" },
    { what: "steps not a list", spec: (id) => ({ ...base(id), steps: { op: "log" } }), field: "steps" },
  ];

  for (const c of cases) {
    test(`${c.what} → ${c.status ?? 422} naming ${c.field}`, async ({ request }) => {
      const { project, ds } = await setup(request);
      const v1 = await expectJson<Recipe>(await put(request, project.id, base(ds.id)), 201);
      const problem = await expectProblem(await put(request, project.id, c.spec(ds.id)), c.status ?? 422, c.field);
      if (c.detail) expect(JSON.stringify(problem.errors)).toMatch(c.detail);
      // The same recipe is refused by the preview too.
      await expectProblem(await preview(request, project.id, c.spec(ds.id)), c.status ?? 422, c.field);
      expect(await versions(request, project.id)).toEqual([v1]);
      expect(await expectJson<Recipe>(await request.get(`/api/projects/${project.id}/recipe`), 200)).toEqual(v1);
    });
  }

  test("invalid JSON → 400 and a wrong content type → 415, no new version", async ({ request }) => {
    const { project, ds } = await setup(request);
    const v1 = await expectJson<Recipe>(await put(request, project.id, base(ds.id)), 201);
    await expectProblem(
      await request.put(`/api/projects/${project.id}/recipe`, { headers: { "content-type": "application/json" }, data: raw('{"steps": [') }),
      400,
      "body",
    );
    await expectProblem(
      await request.put(`/api/projects/${project.id}/recipe`, { headers: { "content-type": "text/plain" }, data: raw(JSON.stringify(base(ds.id))) }),
      415,
    );
    expect(await versions(request, project.id)).toEqual([v1]);
  });
});

test.describe("preview", () => {
  test("every step, by hand: rows, feature columns and split sizes", async ({ request }) => {
    const { project, ds } = await setup(request);
    const spec = { datasetId: ds.id, target: "sales", steps: ALL_STEPS, split: TIME_SPLIT };
    const p = await expectJson<Preview>(await preview(request, project.id, spec), 200);
    expect(p.target).toBe("sales");
    expect(p.columns.map((c) => c.name)).toEqual(["when_month", "when_dayofweek", "color=red", "color=blue", "qty", "qty_lag1", "price"]);
    expect(Object.fromEntries(p.columns.map((c) => [c.name, c.type]))).toMatchObject({
      when_month: "integer",
      when_dayofweek: "integer",
      "color=red": "integer",
      "color=blue": "integer",
      price: "number",
    });
    // Day 1 (sales 100) is filtered out; 2024-01-01 was a Monday (dayofweek 0).
    const expected = [
      // day, dow, red, blue, qty (clipped 2..8, day 4 imputed with the training mean 4), lag of qty by store, price scaled with training stats
      [2, 1, 0, 1, 2, null, -1, 110],
      [3, 2, 1, 0, 3, 1, -0.5, 120],
      [4, 3, 0, 1, 4, 2, 0, 130],
      [5, 4, 1, 0, 5, 3, 0.5, 140],
      [6, 5, 0, 1, 6, 4, 1, 150],
      [7, 6, 1, 0, 7, 5, 1.5, 160],
      [8, 0, 0, 1, 8, 6, 2, 170],
      [9, 1, 0, 0, 8, 7, 2.5, 180],
      [10, 2, 0, 0, 8, 8, 3, 190],
    ];
    expect(p.rows).toHaveLength(expected.length);
    p.rows.forEach((row, i) => {
      const [day, dow, red, blue, qty, lag, price, sales] = expected[i];
      expect(row.when_month, `row of day ${day}`).toBe(1);
      expect(row.when_dayofweek, `row of day ${day}`).toBe(dow);
      expect(row["color=red"], `row of day ${day}`).toBe(red);
      expect(row["color=blue"], `row of day ${day}`).toBe(blue);
      expect(row.qty, `row of day ${day}`).toBe(qty);
      if (lag === null) expect(row.qty_lag1, `row of day ${day}`).toBeNull();
      else expect(row.qty_lag1 as number, `row of day ${day}`).toBeCloseTo(Math.log1p(lag as number), 12);
      expect(row.price as number, `row of day ${day}`).toBeCloseTo(price as number, 12);
      expect(row.sales, `row of day ${day}`).toBe(sales);
      // Dropped and encoded columns are gone.
      expect("when" in row || "store" in row || "color" in row || "color=green" in row).toBe(false);
    });
    expect(p.split.validation).toBeGreaterThanOrEqual(1);
    expect(p.split.test).toBeGreaterThanOrEqual(1);
  });

  test("split sizes add up to the rows the recipe keeps", async ({ request }) => {
    const { project, ds } = await setup(request);
    const spec = { datasetId: ds.id, target: "sales", steps: ALL_STEPS, split: TIME_SPLIT, limit: 500 };
    const p = await expectJson<Preview>(await preview(request, project.id, spec), 200);
    // The filter keeps 9 of the 10 rows (it drops day 1, a training row).
    expect(p.rows).toHaveLength(9);
    expect(p.split.train + p.split.validation + p.split.test).toBe(p.rows.length);
    expect(p.split).toEqual({ train: 6, validation: 1, test: 2 });
  });

  test("the recipe is fitted on the training rows only", async ({ request }) => {
    const { project, ds } = await setup(request);
    const spec = {
      datasetId: ds.id,
      target: "sales",
      steps: [
        { op: "impute", columns: ["qty"], strategy: "mean" },
        { op: "onehot", columns: ["color"] },
        { op: "scale", columns: ["price"], method: "standard" },
      ],
      split: TIME_SPLIT,
    };
    const p = await expectJson<Preview>(await preview(request, project.id, spec), 200);
    expect(p.split).toEqual({ train: 7, validation: 1, test: 2 });
    expect(p.rows).toHaveLength(10);
    // "green" appears only in the test days: no column of its own, and both known categories read 0.
    const names = p.columns.map((c) => c.name);
    expect(names).toEqual(expect.arrayContaining(["color=red", "color=blue"]));
    expect(names.filter((n) => n.startsWith("color="))).toEqual(["color=red", "color=blue"]);
    for (const i of [8, 9]) {
      expect(p.rows[i]["color=red"]).toBe(0);
      expect(p.rows[i]["color=blue"]).toBe(0);
      expect("color=green" in p.rows[i]).toBe(false);
    }
    expect(p.rows[0]["color=red"]).toBe(1);
    // Day 4's missing qty is the training mean 4, not the mean over all days (51/9).
    expect(p.rows[3].qty).toBe(4);
    // Scaling with the training mean 4.5 and std 2: day 1 → -1.5, day 10 → 3.
    expect(p.rows[0].price as number).toBeCloseTo(-1.5, 12);
    expect(p.rows[9].price as number).toBeCloseTo(3, 12);
  });

  test("a random split: sizes from the fractions, reproducible with the seed", async ({ request }) => {
    const { project, ds } = await setup(request);
    const spec = {
      datasetId: ds.id,
      target: "sales",
      steps: [{ op: "onehot", columns: ["color"] }],
      split: { method: "random", validation: 0.2, test: 0.1, seed: 7 },
    };
    const a = await expectJson<Preview>(await preview(request, project.id, spec), 200);
    expect(a.split).toEqual({ train: 7, validation: 2, test: 1 });
    const b = await expectJson<Preview>(await preview(request, project.id, spec), 200);
    expect(b.rows).toEqual(a.rows);
  });

  test("without a body the saved recipe is previewed; a body with only limit too", async ({ request }) => {
    const { project, ds } = await setup(request);
    const spec = { datasetId: ds.id, target: "sales", steps: ALL_STEPS, split: TIME_SPLIT };
    await expectJson(await put(request, project.id, spec), 201);
    const explicit = await expectJson<Preview>(await preview(request, project.id, spec), 200);
    const saved = await expectJson<Preview>(await preview(request, project.id), 200);
    expect(saved.rows).toEqual(explicit.rows);
    expect(saved.columns).toEqual(explicit.columns);
    expect(saved.split).toEqual(explicit.split);
    const limited = await expectJson<Preview>(await preview(request, project.id, { limit: 3 }), 200);
    expect(limited.rows).toEqual(explicit.rows.slice(0, 3));
    await expectProblem(await preview(request, project.id, { limit: 0 }), 422, "limit");
    // A preview never stores a version.
    expect(await versions(request, project.id)).toHaveLength(1);
  });

  test("preview with a text/plain body → 415, like every JSON route", async ({ request }) => {
    const { project, ds } = await setup(request);
    const spec = { datasetId: ds.id, target: "sales", steps: [], split: TIME_SPLIT };
    const url = `/api/projects/${project.id}/recipe/preview`;
    await expectProblem(await request.post(url, { headers: { "content-type": "text/plain" }, data: raw(JSON.stringify(spec)) }), 415, "content-type");
  });

  test("preview with a JSON scalar body → 400/422 naming body, never a 500", async ({ request }) => {
    const { project, ds } = await setup(request);
    await expectJson(await put(request, project.id, { datasetId: ds.id, target: "sales", steps: [], split: TIME_SPLIT }), 201);
    const url = `/api/projects/${project.id}/recipe/preview`;
    for (const scalar of ['"steps"', "42", "true"]) {
      await expectProblem(await request.post(url, { headers: { "content-type": "application/json" }, data: raw(scalar) }), [400, 422], "body");
    }
    expect(await versions(request, project.id)).toHaveLength(1);
  });

  test("preview with malformed JSON → 400; a limit over 500 → 422", async ({ request }) => {
    const { project, ds } = await setup(request);
    const spec = { datasetId: ds.id, target: "sales", steps: [], split: TIME_SPLIT };
    const url = `/api/projects/${project.id}/recipe/preview`;
    await expectProblem(await request.post(url, { headers: { "content-type": "application/json" }, data: raw('{"steps": [') }), 400, "body");
    await expectProblem(await preview(request, project.id, { ...spec, limit: 501 }), 422, "limit");
    expect(await versions(request, project.id)).toEqual([]);
  });

  test("a body with a recipe and a limit previews that many rows", async ({ request }) => {
    const { project, ds } = await setup(request);
    const spec = { datasetId: ds.id, target: "sales", steps: [{ op: "drop", columns: ["store"] }], split: { method: "random", validation: 0.2 }, limit: 2 };
    const p = await expectJson<Preview>(await preview(request, project.id, spec), 200);
    expect(p.rows).toHaveLength(2);
    expect(p.rows[0]).toEqual({ when: "2024-01-01T00:00:00.000Z", color: "red", qty: 1, price: 1.5, sales: 100 });
    expect(await versions(request, project.id)).toEqual([]);
  });
});
