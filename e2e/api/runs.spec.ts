import { expect, test } from "@playwright/test";
import { createProject, expectJson, expectProblem, uniq } from "./helpers";
import { classesCsv, linearCsv, projectWithRecipe, waitForRun, type Run } from "./train-helpers";

test("a linear run trains on the server, reports history, metrics and the mean baseline", async ({ request }) => {
  const project = await projectWithRecipe(request, "regression", linearCsv(300), "y");
  const res = await request.post(`/api/projects/${project.id}/runs`, { data: { algorithm: "linear", params: { epochs: 60, seed: 5 } } });
  const queued = await expectJson<Run>(res, 202);
  expect(queued.status).toBe("queued");
  expect(res.headers().location).toBe(`/api/runs/${queued.id}`);
  expect(queued.params).toMatchObject({ epochs: 60, seed: 5, learningRate: 0.01 });

  const run = await waitForRun(request, queued.id, ["succeeded", "failed"]);
  expect(run.error).toBeNull();
  expect(run.status).toBe("succeeded");
  expect(run.backend).toMatch(/wasm|cpu/);
  expect(run.recipeVersion).toBe(1);
  expect(run.history.length).toBeGreaterThan(3);
  expect(run.history[0]).toMatchObject({ epoch: 1 });
  expect(typeof run.history[0].valLoss).toBe("number");
  expect(run.metrics!.validation.r2).toBeGreaterThan(0.95);
  expect(run.metrics!.test!.r2).toBeGreaterThan(0.95);
  expect(run.baseline!.name).toBe("mean");
  expect(run.baseline!.validation.r2).toBeLessThan(0.05);
  expect([...(run.details!.features as string[])].sort()).toEqual(["a", "b", "colour=blue", "colour=red"]);

  const list = await expectJson<{ items: Run[] }>(await request.get(`/api/projects/${project.id}/runs`), 200);
  expect(list.items.map((r) => r.id)).toContain(run.id);
});

test("a version larger than the run's sample size trains on a seeded sample of it, and the run says so", async ({ request }) => {
  const project = await projectWithRecipe(request, "regression", linearCsv(600), "y");
  const queued = await expectJson<Run>(
    await request.post(`/api/projects/${project.id}/runs`, { data: { algorithm: "linear", sampleRows: 200, params: { epochs: 20 } } }),
    202,
  );
  expect(queued.sampleRows).toBe(200);
  const run = await waitForRun(request, queued.id, ["succeeded", "failed"]);
  expect(run.error).toBeNull();
  expect(run.details!.sample).toEqual({ rows: 200, of: 600, seed: run.seed });
  const rows = run.details!.rows as { train: number; validation: number; test: number };
  expect(rows.train + rows.validation + rows.test).toBe(200);
  // Without a size of its own, a run of this small version trains on all of it.
  const all = await waitForRun(
    request,
    (await expectJson<Run>(await request.post(`/api/projects/${project.id}/runs`, { data: { algorithm: "linear", params: { epochs: 5 } } }), 202)).id,
    ["succeeded", "failed"],
  );
  expect(all.details!.sample).toBeUndefined();
  expect(all.sampleRows).toBe(250_000);
});

test("a logistic run separates two classes better than the majority class and gives a confusion matrix", async ({ request }) => {
  const project = await projectWithRecipe(request, "classification", classesCsv(300), "label");
  const queued = await expectJson<Run>(await request.post(`/api/projects/${project.id}/runs`, { data: { algorithm: "logistic" } }), 202);
  const run = await waitForRun(request, queued.id, ["succeeded", "failed"]);
  expect(run.error).toBeNull();
  expect(run.metrics!.validation.accuracy).toBeGreaterThan(0.9);
  expect(run.metrics!.validation.accuracy).toBeGreaterThan(run.baseline!.validation.accuracy);
  const cm = run.details!.confusionMatrix as { labels: string[]; counts: number[][] };
  expect(cm.labels.sort()).toEqual(["no-buy", "yes-buy"]);
  expect(cm.counts.flat().reduce((a, b) => a + b, 0)).toBe((run.details!.rows as { test: number }).test);
});

test("a running run can be cancelled; a finished one cannot", async ({ request }) => {
  const project = await projectWithRecipe(request, "regression", linearCsv(2000), "y");
  const queued = await expectJson<Run>(
    await request.post(`/api/projects/${project.id}/runs`, { data: { algorithm: "mlp", params: { epochs: 1000, earlyStoppingPatience: 0, batchSize: 8 } } }),
    202,
  );
  await waitForRun(request, queued.id, ["running"]);
  await expectJson<Run>(await request.post(`/api/runs/${queued.id}/cancel`), 200);
  const run = await waitForRun(request, queued.id, ["cancelled", "failed", "succeeded"]);
  expect(run.status).toBe("cancelled");
  expect(run.progress.epoch).toBeLessThan(1000);
  await expectProblem(await request.post(`/api/runs/${queued.id}/cancel`), 409, "status");
});

test.describe("bad run requests: a problem answer naming the field, nothing queued", () => {
  let projectId = "";
  test.beforeAll(async ({ request }) => {
    projectId = (await projectWithRecipe(request, "regression", linearCsv(60), "y")).id;
  });

  const cases: [string, unknown, number, string][] = [
    ["unknown algorithm", { algorithm: "xgboost" }, 422, "algorithm"],
    ["missing algorithm", {}, 422, "algorithm"],
    ["an algorithm of another task", { algorithm: "logistic" }, 422, "algorithm"],
    ["a param of the wrong type", { algorithm: "linear", params: { epochs: "many" } }, 422, "params.epochs"],
    ["a param out of range", { algorithm: "mlp", params: { learningRate: 5 } }, 422, "params.learningRate"],
    ["an unknown param", { algorithm: "mlp", params: { epoch: 3 } }, 422, "params.epoch"],
    ["params not an object", { algorithm: "mlp", params: [1] }, 422, "params"],
    ["a sample size below the floor", { algorithm: "linear", sampleRows: 5 }, 422, "sampleRows"],
    ["a sample size that is no whole number", { algorithm: "linear", sampleRows: 150.5 }, 422, "sampleRows"],
  ];
  for (const [what, body, status, field] of cases) {
    test(what, async ({ request }) => {
      await expectProblem(await request.post(`/api/projects/${projectId}/runs`, { data: body }), status, field);
      const list = await expectJson<{ items: Run[] }>(await request.get(`/api/projects/${projectId}/runs`), 200);
      expect(list.items).toEqual([]);
    });
  }

  test("a project without a recipe → 409", async ({ request }) => {
    const p = await createProject(request, { name: uniq("no recipe"), task: "regression" });
    await expectProblem(await request.post(`/api/projects/${p.id}/runs`, { data: { algorithm: "linear" } }), 409, "recipe");
  });

  test("unknown project and run → 404", async ({ request }) => {
    await expectProblem(await request.post(`/api/projects/prj_nope/runs`, { data: { algorithm: "linear" } }), 404);
    await expectProblem(await request.get(`/api/runs/run_nope`), 404);
    await expectProblem(await request.post(`/api/runs/run_nope/cancel`), 404);
  });
});
