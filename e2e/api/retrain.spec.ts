/** Back to training: retrain an endpoint's champion on the newest data, compare the challenger with it, promote it. */
import { createProject, expectJson, expectProblem, getProject, uniq, upload } from "./helpers";
import { deploy, expect, expectScored, register, score, test, trainRun, type EndpointBody } from "./endpoint-helpers";
import { linearCsv, waitForRun } from "./train-helpers";

interface Comparison {
  metric: string;
  champion: { model: { id: string; version: number }; metrics: Record<string, number | null> & { rows: number } };
  challenger: { model: { id: string; version: number }; run: string | null; metrics: Record<string, number | null> & { rows: number } };
  data: "actuals" | "validation";
  rows: number;
  better: "challenger" | "champion";
}

test("deploy v1, retrain on the newer data version, compare, promote: the endpoint answers with v2", async ({ request }) => {
  test.setTimeout(300_000);
  const dataName = uniq("retrain data");
  const v1 = await upload(request, dataName, linearCsv(200));
  const project = await createProject(request, {
    name: uniq("retrain"),
    task: "regression",
    datasetId: v1.id,
    target: "y",
    successMetric: "rmse",
    successThreshold: 5,
  });
  const recipe = {
    datasetId: v1.id,
    target: "y",
    steps: [{ op: "onehot", columns: ["colour"] }],
    split: { method: "random", validation: 0.2, test: 0.2, seed: 3 },
  };
  await expectJson(await request.put(`/api/projects/${project.id}/recipe`, { data: recipe }), 201);
  const championRun = await trainRun(request, project.id, "mlp", { epochs: 5, hiddenUnits: [6] });
  const champion = await register(request, championRun.id);
  const ep = await deploy(request, champion.id, {}, "retrain");
  const v2 = await upload(request, dataName, linearCsv(260));
  expect(v2.version).toBe(2);

  const queued = await expectJson<{ runId: string; newData: boolean; datasetId: string }>(await request.post(`/api/endpoints/${ep.name}/retrain`), 202);
  expect(queued).toMatchObject({ newData: true, datasetId: v2.id });
  expect((await getProject(request, project.id)).datasetId).toBe(v2.id);
  const run = await waitForRun(request, queued.runId, ["succeeded", "failed"]);
  expect(run.error).toBeNull();
  expect(run.algorithm).toBe("mlp");
  expect(run.params).toMatchObject({ epochs: 5, hiddenUnits: [6] });
  expect(run.recipeVersion).toBe(2);

  // Fewer than 20 actuals: both are scored on the challenger's validation split.
  const compared = await expectJson<Comparison>(await request.post(`/api/endpoints/${ep.name}/compare`, { data: { runId: run.id } }), 200);
  expect(compared).toMatchObject({ metric: "rmse", data: "validation", champion: { model: { id: champion.id } }, challenger: { run: run.id } });
  expect(compared.rows).toBe(52); // 20 % of 260
  for (const side of [compared.champion, compared.challenger]) {
    expect(side.metrics.rows).toBe(52);
    expect(typeof side.metrics.rmse).toBe("number");
  }
  expect(compared.better).toBe(compared.challenger.metrics.rmse! < compared.champion.metrics.rmse! ? "challenger" : "champion");

  const promoted = await expectJson<EndpointBody>(await request.post(`/api/endpoints/${ep.name}/promote`, { data: { runId: run.id } }), 200);
  expect(promoted.model).toMatchObject({ id: compared.challenger.model.id, version: 2 });
  const answer = await expectScored(await score(request, ep.name, ep.key, { rows: [{ a: 1, b: 1, colour: "red" }] }));
  expect(answer.model).toMatchObject({ id: compared.challenger.model.id, version: 2 });

  // With 20 or more matched actuals, the comparison uses them (the old champion now challenges).
  const rows = Array.from({ length: 24 }, (_, i) => ({ a: (i % 7) / 3 - 1, b: (i % 5) / 2 - 1, colour: i % 2 ? "red" : "blue" }));
  const scored = await expectScored(await score(request, ep.name, ep.key, { rows }));
  const items = rows.map((r, row) => ({ requestId: scored.requestId, row, actual: 3 * r.a - 2 * r.b + 1 }));
  expect((await expectJson<{ matched: number }>(await request.post(`/api/endpoints/${ep.name}/actuals`, { data: { items } }), 200)).matched).toBe(24);
  const onActuals = await expectJson<Comparison>(await request.post(`/api/endpoints/${ep.name}/compare`, { data: { modelId: champion.id } }), 200);
  expect(onActuals).toMatchObject({ data: "actuals", rows: 24, champion: { model: { version: 2 } }, challenger: { model: { id: champion.id } } });
  expect(onActuals.champion.metrics.rows).toBe(24);
});

test("retrain, compare and promote name what is wrong", async ({ request }) => {
  await expectProblem(await request.post(`/api/endpoints/no-such-endpoint-y/retrain`), 404);
  await expectProblem(await request.post(`/api/endpoints/no-such-endpoint-y/compare`, { data: { modelId: "x" } }), 404);
  await expectProblem(await request.post(`/api/endpoints/no-such-endpoint-y/promote`, { data: { modelId: "x" } }), 404);
  const ds = await upload(request, uniq("retrain bad"), linearCsv(60));
  const project = await createProject(request, { name: uniq("retrain bad"), task: "regression", datasetId: ds.id, target: "y" });
  await expectJson(
    await request.put(`/api/projects/${project.id}/recipe`, {
      data: { datasetId: ds.id, target: "y", steps: [{ op: "onehot", columns: ["colour"] }], split: { method: "random", validation: 0.2, seed: 1 } },
    }),
    201,
  );
  const run = await trainRun(request, project.id, "linear", { epochs: 3 });
  const ep = await deploy(request, (await register(request, run.id)).id, {}, "retrain-bad");
  await expectProblem(await request.post(`/api/endpoints/${ep.name}/compare`, { data: {} }), 422, "runId");
  await expectProblem(await request.post(`/api/endpoints/${ep.name}/compare`, { data: { runId: "a", modelId: "b" } }), 422, "runId");
  await expectProblem(await request.post(`/api/endpoints/${ep.name}/promote`, { data: { modelId: "mdl_nope" } }), 422, "modelId");
  await expectProblem(await request.post(`/api/endpoints/${ep.name}/promote`, { data: { runId: "run_nope" } }), 422, "runId");
  await expectProblem(await request.post(`/api/endpoints/${ep.name}/promote`, { data: { modelId: "x", extra: 1 } }), 422, "extra");
});
