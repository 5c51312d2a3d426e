import { expect, test, type APIRequestContext, type APIResponse } from "@playwright/test";
import { createProject, expectJson, expectProblem, getProject, raw, sendChunked, uniq, upload, type Project } from "./helpers";

// `deploy` is step 5 (integrate) under its former name, kept in the answer for clients that read it.
const STEP_KEYS = ["define", "data", "prepare", "train", "integrate", "deploy", "monitor"];

/** A small dataset to attach: columns sqft, rooms, price. */
const HOUSES = "sqft,rooms,price\n50,2,100.5\n80,3,160\n120,4,230.25\n65,2,120\n";

async function listProjects(request: APIRequestContext): Promise<Project[]> {
  const body = await expectJson<{ items: Project[] }>(await request.get("/api/projects"), 200);
  expect(Array.isArray(body.items)).toBe(true);
  return body.items;
}

async function expectNoProjectNamed(request: APIRequestContext, name: string) {
  const items = await listProjects(request);
  expect(items.filter((p) => p.name === name)).toEqual([]);
}

test.describe("create, read, update, delete", () => {
  test("POST creates a project: 201, fields echoed, steps and criterion", async ({ request }) => {
    const name = uniq("House prices");
    const res = await request.post("/api/projects", {
      data: {
        name,
        description: "Predict the sale price of a house.",
        task: "regression",
        target: "price",
        successMetric: "rmse",
        successThreshold: 12.5,
        delivery: "batch",
      },
    });
    const p = await expectJson<Project>(res, 201);
    expect(res.headers()["content-type"]).toContain("application/json");
    expect(p.id).toMatch(/^prj_[0-9a-z]+$/);
    expect(p).toMatchObject({
      name,
      description: "Predict the sale price of a house.",
      task: "regression",
      target: "price",
      successMetric: "rmse",
      successThreshold: 12.5,
      criterion: "RMSE ≤ 12.5",
      delivery: "batch",
      datasetId: null,
      dataset: null,
    });
    expect(Object.keys(p.steps).sort()).toEqual([...STEP_KEYS].sort());
    // A target and a success criterion: the define step is done; nothing else has started.
    expect(p.steps).toEqual({
      define: "done",
      data: "not-started",
      prepare: "not-started",
      train: "not-started",
      integrate: "not-started",
      deploy: "not-started",
      monitor: "not-started",
    });
    expect(new Date(p.createdAt).toISOString()).toBe(p.createdAt);
    expect(new Date(p.updatedAt).toISOString()).toBe(p.updatedAt);
  });

  test("criteria read with the metric's direction; defaults fill what was not sent", async ({ request }) => {
    const cls = await createProject(request, {
      name: uniq("Churn"),
      task: "classification",
      target: "churned",
      successMetric: "accuracy",
      successThreshold: 0.9,
    });
    expect(cls.criterion).toBe("Accuracy ≥ 0.9");
    expect(cls.delivery).toBe("realtime");
    expect(cls.description).toBe("");

    const fc = await createProject(request, { name: uniq("Weekly sales"), task: "forecasting", target: "qty" });
    // Forecasts are scored in batch unless told otherwise.
    expect(fc.delivery).toBe("batch");
    expect(fc.successMetric).toBeNull();
    expect(fc.successThreshold).toBeNull();
    expect(fc.criterion).toBeNull();
    expect(fc.steps.define).toBe("not-started");
    expect(fc.stepNotes.define).toBeTruthy();

    const rec = await createProject(request, { name: uniq("Basket"), task: "recommendation", successMetric: "hitRate", successThreshold: 0.2 });
    expect(rec.criterion).toBe("Hit rate @k ≥ 0.2");
    // A recommender needs no target column: the criterion alone completes the step.
    expect(rec.steps.define).toBe("done");
  });

  test("GET list contains the project; GET one returns it unchanged", async ({ request }) => {
    const created = await createProject(request, { name: uniq("Listed"), task: "regression", target: "y" });
    const items = await listProjects(request);
    const listed = items.find((p) => p.id === created.id);
    expect(listed).toEqual(created);
    expect(await getProject(request, created.id)).toEqual(created);
  });

  test("PATCH renames and sets metric + threshold; other fields stay", async ({ request }) => {
    const created = await createProject(request, { name: uniq("Before"), task: "regression", target: "y", delivery: "realtime" });
    const newName = uniq("After");
    const renamed = await expectJson<Project>(await request.patch(`/api/projects/${created.id}`, { data: { name: newName } }), 200);
    expect(renamed).toMatchObject({ id: created.id, name: newName, task: "regression", target: "y", delivery: "realtime", createdAt: created.createdAt });
    expect(Date.parse(renamed.updatedAt)).toBeGreaterThanOrEqual(Date.parse(created.updatedAt));

    const withCriterion = await expectJson<Project>(
      await request.patch(`/api/projects/${created.id}`, { data: { successMetric: "r2", successThreshold: 0.75 } }),
      200,
    );
    expect(withCriterion).toMatchObject({ name: newName, successMetric: "r2", successThreshold: 0.75, criterion: "R² ≥ 0.75" });
    expect(withCriterion.steps.define).toBe("done");
    expect(await getProject(request, created.id)).toEqual(withCriterion);
  });

  test("PATCH attaches a dataset, then sets the target to one of its columns", async ({ request }) => {
    const ds = await upload(request, uniq("houses"), HOUSES);
    const p = await createProject(request, { name: uniq("Attach"), task: "regression", successMetric: "mae", successThreshold: 3 });
    expect(p.steps.data).toBe("not-started");
    expect(p.steps.define).toBe("not-started"); // no target yet

    const attached = await expectJson<Project>(await request.patch(`/api/projects/${p.id}`, { data: { datasetId: ds.id } }), 200);
    expect(attached.datasetId).toBe(ds.id);
    expect(attached.dataset).toEqual({ id: ds.id, name: ds.name, version: 1, rowCount: 4 });
    expect(attached.steps.data).toBe("done");

    const targeted = await expectJson<Project>(await request.patch(`/api/projects/${p.id}`, { data: { target: "price" } }), 200);
    expect(targeted.target).toBe("price");
    expect(targeted.criterion).toBe("MAE ≤ 3");
    expect(targeted.steps.define).toBe("done");
    expect(await getProject(request, p.id)).toEqual(targeted);

    const detached = await expectJson<Project>(await request.patch(`/api/projects/${p.id}`, { data: { datasetId: null } }), 200);
    expect(detached).toMatchObject({ datasetId: null, dataset: null, target: "price" });
    expect(detached.steps.data).toBe("not-started");
  });

  test("DELETE answers 204, then the project is gone (404)", async ({ request }) => {
    const p = await createProject(request, { name: uniq("Doomed"), task: "classification" });
    const del = await request.delete(`/api/projects/${p.id}`);
    expect(del.status()).toBe(204);
    expect(await del.text()).toBe("");
    await expectProblem(await request.get(`/api/projects/${p.id}`), 404);
    await expectProblem(await request.delete(`/api/projects/${p.id}`), 404);
    expect((await listProjects(request)).some((x) => x.id === p.id)).toBe(false);
  });
});

test.describe("bad input on create: a problem answer, nothing stored", () => {
  const cases: { what: string; body: (name: string) => unknown; status: number; field: string | RegExp }[] = [
    { what: "missing name", body: () => ({ task: "regression" }), status: 422, field: "name" },
    { what: "blank name", body: () => ({ name: "   ", task: "regression" }), status: 422, field: "name" },
    { what: "name over 200 characters", body: (name) => ({ name: name + "x".repeat(200), task: "regression" }), status: 422, field: "name" },
    { what: "wrong-typed task", body: (name) => ({ name, task: 5 }), status: 422, field: "task" },
    { what: "wrong-typed name", body: () => ({ name: 42, task: "regression" }), status: 422, field: "name" },
    {
      what: "wrong-typed threshold",
      body: (name) => ({ name, task: "regression", successMetric: "rmse", successThreshold: "low" }),
      status: 422,
      field: "successThreshold",
    },
    { what: "missing task", body: (name) => ({ name }), status: 422, field: "task" },
    { what: "unknown task", body: (name) => ({ name, task: "clustering" }), status: 422, field: "task" },
    { what: "unknown delivery", body: (name) => ({ name, task: "regression", delivery: "carrier pigeon" }), status: 422, field: "delivery" },
    { what: "metric of another task", body: (name) => ({ name, task: "regression", successMetric: "accuracy" }), status: 422, field: "successMetric" },
    {
      what: "made-up metric",
      body: (name) => ({ name, task: "forecasting", successMetric: "vibes", successThreshold: 1 }),
      status: 422,
      field: "successMetric",
    },
    {
      what: "threshold outside the metric's range",
      body: (name) => ({ name, task: "classification", successMetric: "accuracy", successThreshold: 1.5 }),
      status: 422,
      field: "successThreshold",
    },
    { what: "unknown datasetId", body: (name) => ({ name, task: "regression", datasetId: "ds_doesnotexist0000" }), status: 422, field: "datasetId" },
    { what: "a JSON array instead of an object", body: () => [{ name: "x", task: "regression" }], status: 422, field: /.*/ },
  ];

  for (const c of cases) {
    test(`${c.what} → ${c.status} naming ${String(c.field)}`, async ({ request }) => {
      const name = uniq(`Bad ${c.what}`);
      const res = await request.post("/api/projects", { data: c.body(name) });
      await expectProblem(res, c.status, c.field);
      await expectNoProjectNamed(request, name);
    });
  }

  test("unknown field → 422 that names it", async ({ request }) => {
    const name = uniq("Unknown field");
    const res = await request.post("/api/projects", { data: { name, task: "regression", colour: "blue" } });
    const body = await expectProblem(res, 422, /.*/);
    // zod reports unrecognized keys on the object; the key itself must appear in the answer.
    expect(JSON.stringify(body.errors)).toContain("colour");
    await expectNoProjectNamed(request, name);
  });

  test("target that is not a column of the attached dataset → 422 target", async ({ request }) => {
    const ds = await upload(request, uniq("houses"), HOUSES);
    const name = uniq("Bad target");
    const res = await request.post("/api/projects", { data: { name, task: "regression", datasetId: ds.id, target: "colour" } });
    await expectProblem(res, 422, "target");
    await expectNoProjectNamed(request, name);
  });

  test("invalid JSON → 400", async ({ request }) => {
    const name = uniq("Invalid JSON");
    const res = await request.post("/api/projects", {
      headers: { "content-type": "application/json" },
      data: raw(`{"name": "${name}", "task": "regression",`),
    });
    await expectProblem(res, 400, "body");
    await expectNoProjectNamed(request, name);
  });

  test("empty body → 400", async ({ request }) => {
    const res = await request.post("/api/projects", { headers: { "content-type": "application/json" }, data: raw("") });
    await expectProblem(res, 400, "body");
  });

  test("non-JSON content type → 415", async ({ request }) => {
    const name = uniq("Form post");
    const res = await request.post("/api/projects", {
      headers: { "content-type": "text/plain" },
      data: raw(JSON.stringify({ name, task: "regression" })),
    });
    await expectProblem(res, 415, "content-type");
    const form = await request.post("/api/projects", { form: { name, task: "regression" } });
    await expectProblem(form, 415, "content-type");
    await expectNoProjectNamed(request, name);
  });

  test("body over 1 MiB → 413", async ({ request }) => {
    const name = uniq("Huge");
    const res = await request.post("/api/projects", {
      headers: { "content-type": "application/json" },
      data: raw(JSON.stringify({ name, task: "regression", description: "x".repeat(1024 * 1024 + 10) })),
    });
    await expectProblem(res, 413, "body");
    await expectNoProjectNamed(request, name);
  });
});

test.describe("bad input on update: a problem answer, the stored project unchanged", () => {
  async function expectRejectedPatch(request: APIRequestContext, before: Project, send: () => Promise<APIResponse>, status: number, field?: string | RegExp) {
    const body = await expectProblem(await send(), status, field);
    expect(await getProject(request, before.id)).toEqual(before);
    return body;
  }

  test("each rejected PATCH leaves the project exactly as it was", async ({ request }) => {
    const ds = await upload(request, uniq("houses"), HOUSES);
    const before = await createProject(request, {
      name: uniq("Stable"),
      task: "regression",
      target: "price",
      successMetric: "rmse",
      successThreshold: 10,
      datasetId: ds.id,
    });
    const url = `/api/projects/${before.id}`;
    const patch = (data: unknown) => () => request.patch(url, { data });

    await expectRejectedPatch(request, before, patch({ name: "" }), 422, "name");
    await expectRejectedPatch(request, before, patch({ name: 7 }), 422, "name");
    await expectRejectedPatch(request, before, patch({ task: 5 }), 422, "task");
    await expectRejectedPatch(request, before, patch({ task: "clustering" }), 422, "task");
    await expectRejectedPatch(request, before, patch({ successMetric: "accuracy" }), 422, "successMetric");
    // Changing the task would orphan the stored metric (rmse is no classification metric).
    await expectRejectedPatch(request, before, patch({ task: "classification" }), 422, "successMetric");
    await expectRejectedPatch(request, before, patch({ successThreshold: "ten" }), 422, "successThreshold");
    await expectRejectedPatch(request, before, patch({ target: "colour" }), 422, "target");
    await expectRejectedPatch(request, before, patch({ datasetId: "ds_doesnotexist0000" }), 422, "datasetId");
    const unknown = await expectRejectedPatch(request, before, patch({ colour: "blue" }), 422, "colour");
    expect(JSON.stringify(unknown.errors)).toContain("colour");
    await expectRejectedPatch(
      request,
      before,
      () => request.patch(url, { headers: { "content-type": "application/json" }, data: raw('{"name": "half') }),
      400,
      "body",
    );
    await expectRejectedPatch(
      request,
      before,
      () => request.patch(url, { headers: { "content-type": "text/plain" }, data: raw('{"name":"plain"}') }),
      415,
      "content-type",
    );
    await expectRejectedPatch(
      request,
      before,
      () => request.patch(url, { headers: { "content-type": "application/json" }, data: raw(JSON.stringify({ description: "y".repeat(1100 * 1024) })) }),
      413,
      "body",
    );
  });

  test("attaching a dataset that lacks the project's target → 422 target", async ({ request }) => {
    const ds = await upload(request, uniq("houses"), HOUSES);
    const before = await createProject(request, { name: uniq("Mismatch"), task: "regression", target: "colour" });
    await expectRejectedPatch(request, before, () => request.patch(`/api/projects/${before.id}`, { data: { datasetId: ds.id } }), 422, "target");
  });

  test("unknown project id → 404 for GET, PATCH and DELETE", async ({ request }) => {
    const id = "prj_doesnotexist0000";
    const get = await expectProblem(await request.get(`/api/projects/${id}`), 404);
    expect(get.detail).toContain(id);
    await expectProblem(await request.patch(`/api/projects/${id}`, { data: { name: "x" } }), 404);
    await expectProblem(await request.delete(`/api/projects/${id}`), 404);
  });
});

// Seen in loaded CI runs: the connection closed before the 413 reached the client
// (15 of 15 passes alone). One retry keeps CI honest about the answer while that race is open.
test.describe("chunked oversized JSON", () => {
  test.describe.configure({ retries: 1 });
  test("a chunked body over 1 MiB, with no content-length → 413", async ({ request, baseURL }) => {
    const name = uniq("Huge chunked");
    const body = JSON.stringify({ name, task: "regression", description: "x".repeat(1100 * 1024) });
    const res = await sendChunked(baseURL!, "/api/projects", "POST", { "content-type": "application/json" }, [body.slice(0, 4096), body.slice(4096)]);
    expect(res.status, res.body.slice(0, 300)).toBe(413);
    expect(res.contentType).toContain("application/problem+json");
    await expectNoProjectNamed(request, name);
  });
});

test("step 5's page is /integrate; its former URL /deploy redirects there for good", async ({ request }) => {
  const p = await createProject(request, { name: uniq("Integrate URL"), task: "regression", successMetric: "rmse", successThreshold: 10 });
  const old = await request.get(`/projects/${p.id}/deploy`, { maxRedirects: 0 });
  expect(old.status()).toBe(308);
  expect(new URL(old.headers().location, "http://x").pathname).toBe(`/projects/${p.id}/integrate`);
  const page = await request.get(`/projects/${p.id}/deploy`);
  expect(page.status()).toBe(200);
  expect(page.url()).toMatch(new RegExp(`/projects/${p.id}/integrate$`));
  expect(await page.text()).toContain('id="integrate-step-heading"');
});
