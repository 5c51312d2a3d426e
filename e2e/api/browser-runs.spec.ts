import { expect, test } from "@playwright/test";
import { expectJson, expectProblem, multipartBody, raw, type MultipartPart } from "./helpers";
import { linearCsv, projectWithRecipe, type Run } from "./train-helpers";

const json = (name: string, value: unknown): MultipartPart => ({
  name,
  fileName: name,
  mimeType: "application/json",
  content: Buffer.from(JSON.stringify(value)),
});

/** A browser run's upload, as the Train page sends it; the model files are tiny stand-ins. */
function parts(recipeId: string, over: Record<string, unknown> = {}, skip: string[] = []): MultipartPart[] {
  const meta = {
    algorithm: "linear",
    params: { epochs: 3 },
    backend: "webgl",
    history: [{ epoch: 1, loss: 1, valLoss: 1 }],
    metrics: { validation: { r2: 0.5, rmse: 1, mae: 1, mape: 0.1 } },
    baseline: { name: "mean", validation: { r2: 0, rmse: 2, mae: 2, mape: 0.2 } },
    recipeId,
    startedAt: new Date(Date.now() - 1000).toISOString(),
    finishedAt: new Date().toISOString(),
    ...over,
  };
  const all: MultipartPart[] = [
    { name: "meta", value: JSON.stringify(meta) },
    json("model.json", { modelTopology: {}, weightsManifest: [{ paths: ["weights.bin"], weights: [] }] }),
    { name: "weights.bin", fileName: "weights.bin", mimeType: "application/octet-stream", content: Buffer.alloc(8) },
    json("extras.json", {}),
    json("recipe.json", {}),
    json("reference.json", { inputs: [], predictions: [] }),
  ];
  return all.filter((p) => !skip.includes(p.name));
}

test("a browser run is stored with location browser; bad uploads name the part", async ({ request }) => {
  const project = await projectWithRecipe(request, "regression", linearCsv(40), "y");
  const recipe = await expectJson<{ id: string }>(await request.get(`/api/projects/${project.id}/recipe`), 200);
  const post = (p: MultipartPart[]) => {
    const { contentType, body } = multipartBody(p);
    return request.post(`/api/projects/${project.id}/runs/browser`, { headers: { "content-type": contentType }, data: body });
  };

  const run = await expectJson<Run & { location: string }>(await post(parts(recipe.id)), 201);
  expect(run).toMatchObject({ status: "succeeded", location: "browser", backend: "webgl", algorithm: "linear" });
  expect(run.metrics!.validation.r2).toBe(0.5);

  await expectProblem(await post(parts("rcp_other")), 422, "meta.recipeId");
  await expectProblem(await post(parts(recipe.id, { algorithm: "logistic" })), 422, "meta.algorithm");
  await expectProblem(await post(parts(recipe.id, { params: { epochs: -1 } })), 422, /meta\.params\.epochs|params\.epochs/);
  await expectProblem(await post(parts(recipe.id, {}, ["reference.json"])), 422, /reference\.json/);
  await expectProblem(
    await request.post(`/api/projects/${project.id}/runs/browser`, { headers: { "content-type": "application/json" }, data: raw("{}") }),
    415,
  );
  const list = await expectJson<{ items: Run[] }>(await request.get(`/api/projects/${project.id}/runs`), 200);
  expect(list.items.map((r) => r.id)).toEqual([run.id]);
});
