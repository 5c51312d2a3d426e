import * as tf from "@tensorflow/tfjs";
import { expect, test } from "@playwright/test";
import { expectJson, expectProblem, raw, uniq } from "./helpers";
import { linearCsv, projectWithRecipe, untar, waitForRun, type Run } from "./train-helpers";

interface ModelVersion {
  id: string;
  name: string;
  version: number;
  runId: string | null;
  manifest: Record<string, unknown>;
}

test("a succeeded run is registered, downloaded as a bundle tfjs loads, and imported back without loss", async ({ request }) => {
  const project = await projectWithRecipe(request, "regression", linearCsv(200), "y");
  const queued = await expectJson<Run>(
    await request.post(`/api/projects/${project.id}/runs`, { data: { algorithm: "mlp", params: { epochs: 15, hiddenUnits: [8] } } }),
    202,
  );
  const run = await waitForRun(request, queued.id, ["succeeded", "failed"]);
  expect(run.error).toBeNull();

  const name = uniq("house model");
  const v1 = await expectJson<ModelVersion>(await request.post("/api/models", { data: { runId: run.id, name } }), 201);
  const v2 = await expectJson<ModelVersion>(await request.post("/api/models", { data: { runId: run.id, name } }), 201);
  expect([v1.version, v2.version]).toEqual([1, 2]);
  expect(v1.manifest).toMatchObject({
    formatVersion: 1,
    task: "regression",
    target: "y",
    algorithm: "mlp",
    hyperparameters: { epochs: 15, hiddenUnits: [8] },
    recipe: { version: 1 },
    name,
    version: 1,
  });
  expect((v1.manifest.inputSchema as { name: string }[]).map((c) => c.name)).toEqual(expect.arrayContaining(["a", "b", "colour"]));
  expect((v1.manifest.metrics as { validation: { r2: number } }).validation.r2).toBe(run.metrics!.validation.r2);
  expect(v1.manifest.baselineMetrics).toEqual(run.baseline);
  expect(await expectJson<ModelVersion>(await request.get(`/api/models/${v1.id}`), 200)).toMatchObject({ id: v1.id, name, version: 1, runId: run.id });

  const res = await request.get(`/api/models/${v1.id}/bundle`);
  expect(res.status()).toBe(200);
  expect(res.headers()["content-type"]).toBe("application/x-tar");
  expect(res.headers()["content-disposition"]).toContain(".tar");
  const bundle = await res.body();
  const files = untar(bundle);
  expect(Object.keys(files).sort()).toEqual(["extras.json", "manifest.json", "model.json", "recipe.json", "reference.json", "weights.bin"]);
  const reference = JSON.parse(files["reference.json"].toString()) as { inputs: unknown[]; predictions: unknown[] };
  expect(reference.inputs.length).toBeGreaterThan(10);
  expect(reference.predictions.length).toBeGreaterThan(10);

  // Stock tf.loadLayersModel reads the bundle's model.json and weights.
  const modelJson = JSON.parse(files["model.json"].toString());
  const weights = files["weights.bin"];
  const model = await tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: modelJson.modelTopology,
      weightSpecs: modelJson.weightsManifest[0].weights,
      weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
    }),
  );
  const features = (run.details!.features as string[]).length;
  const out = model.predict(tf.zeros([2, features])) as tf.Tensor;
  expect(out.shape).toEqual([2, 1]);
  out.dispose();
  model.dispose();

  // Import: a new version of the same name, with every model file byte-identical.
  const imported = await expectJson<ModelVersion>(
    await request.post("/api/models/import", { headers: { "content-type": "application/x-tar" }, data: bundle }),
    201,
  );
  expect(imported).toMatchObject({ name, version: 3, runId: null });
  expect(imported.manifest.importedFrom).toEqual({ name, version: 1 });
  const again = untar(await (await request.get(`/api/models/${imported.id}/bundle`)).body());
  for (const f of ["model.json", "weights.bin", "extras.json", "recipe.json", "reference.json"]) expect(again[f].equals(files[f]), f).toBe(true);
});

test.describe("bad registry requests", () => {
  test("unknown or unfinished runs are refused", async ({ request }) => {
    await expectProblem(await request.post("/api/models", { data: { runId: "run_nope" } }), 422, "runId");
    await expectProblem(await request.post("/api/models", { data: {} }), 422, "runId");
    const project = await projectWithRecipe(request, "regression", linearCsv(2000), "y");
    const queued = await expectJson<Run>(
      await request.post(`/api/projects/${project.id}/runs`, { data: { algorithm: "mlp", params: { epochs: 1000, earlyStoppingPatience: 0, batchSize: 8 } } }),
      202,
    );
    await expectProblem(await request.post("/api/models", { data: { runId: queued.id } }), 409, "runId");
    await request.post(`/api/runs/${queued.id}/cancel`);
    await waitForRun(request, queued.id, ["cancelled", "failed", "succeeded"]);
  });

  test("imports that are not bundles are refused", async ({ request }) => {
    await expectProblem(
      await request.post("/api/models/import", { headers: { "content-type": "application/x-tar" }, data: raw("not a tar at all".repeat(100)) }),
      422,
      "file",
    );
    await expectProblem(await request.post("/api/models/import", { headers: { "content-type": "text/plain" }, data: raw("x") }), 415, "content-type");
    await expectProblem(
      await request.post("/api/models/import", { headers: { "content-type": "application/x-tar" }, data: Buffer.alloc(0) }),
      [400, 422],
      /file|body/,
    );
  });

  test("unknown models → 404", async ({ request }) => {
    await expectProblem(await request.get("/api/models/mdl_nope"), 404);
    await expectProblem(await request.get("/api/models/mdl_nope/bundle"), 404);
  });
});
