import { loadTabularFiles } from "../../lib/train/algorithms/tabular/save";
import type { ModelJson } from "../../lib/train/model-files";
import { applyRecipe, type FittedRecipe } from "../../lib/prepare/recipe";
import { modelFeatures } from "../../lib/train/features";
import { toMatrix } from "../../lib/train/matrix";
import { expectJson, raw } from "./helpers";
import { classesCsv, projectWithRecipe, untar } from "./train-helpers";
import { deploy, expect, expectScored, infer, register, ROWS, score, test, trainRun, type V2Answer } from "./endpoint-helpers";

/**
 * One deployed model answers the same rows identically in every body format the endpoint reads,
 * and exactly as stock tfjs does on the downloaded bundle with the fitted recipe applied.
 */

const COLUMNS = ["a", "b", "colour"] as const;

test("every body format scores the same rows identically, and as stock tfjs does on the bundle", async ({ request, regression }) => {
  test.setTimeout(180_000);
  const ep = await deploy(request, regression.model.id);
  const answers: Record<string, number[]> = {};

  const native = async (format: string, data: unknown, headers: Record<string, string> = {}) => {
    const body = await expectScored(await score(request, ep.name, ep.key, data, headers));
    expect(body.model, format).toEqual({ id: regression.model.id, name: regression.model.name, version: 1 });
    expect(body.predictions, format).toHaveLength(ROWS.length);
    answers[format] = body.predictions;
  };
  await native("rows", { rows: ROWS });
  await native("dataframe_split", { dataframe_split: { columns: COLUMNS, data: ROWS.map((r) => COLUMNS.map((c) => r[c])) } });
  await native("dataframe_records", { dataframe_records: ROWS });
  await native("instances", { instances: ROWS });
  await native("inputs", { inputs: Object.fromEntries(COLUMNS.map((c) => [c, ROWS.map((r) => r[c])])) });
  const csv = [COLUMNS.join(","), ...ROWS.map((r) => COLUMNS.map((c) => r[c]).join(","))].join("\n") + "\n";
  await native("csv", raw(csv), { "content-type": "text/csv" });

  // V2: the column order of a [n, c] tensor is the one GET /v2/models/{name} lists.
  const meta = await expectJson<{ inputs: { name: string; datatype: string }[] }>(await request.get(`/v2/models/${ep.name}`), 200);
  expect(meta.inputs.map((i) => i.name).sort()).toEqual([...COLUMNS].sort());
  const v2 = async (format: string, inputs: unknown[]) => {
    const res = await infer(request, ep.name, ep.key, { inputs });
    const body = await expectJson<V2Answer>(res, 200);
    expect(body.model_name).toBe(ep.name);
    expect(body.model_version).toBe("1");
    expect(body.id).toBe(res.headers()["x-request-id"]);
    expect(body.outputs).toHaveLength(1);
    expect(body.outputs[0]).toMatchObject({ name: "prediction", datatype: "FP64", shape: [ROWS.length] });
    answers[format] = body.outputs[0].data as number[];
  };
  await v2(
    "v2 per column",
    meta.inputs.map(({ name, datatype }) => ({ name, datatype, shape: [ROWS.length], data: ROWS.map((r) => r[name]) })),
  );
  // One [n, c] tensor has one datatype: with a category among the columns, every value travels as text.
  await v2("v2 matrix", [
    { name: "input-0", datatype: "BYTES", shape: [ROWS.length, meta.inputs.length], data: ROWS.map((r) => meta.inputs.map(({ name }) => String(r[name]))) },
  ]);

  for (const [format, predictions] of Object.entries(answers)) expect(predictions, format).toEqual(answers.rows);
  expect(Object.keys(answers)).toHaveLength(8);

  // Stock tfjs on the downloaded bundle, with the fitted recipe applied as serving applies it.
  const files = untar(await (await request.get(`/api/models/${regression.model.id}/bundle`)).body());
  // Loaded directly (Playwright's loader cannot follow the registry's lazy import of an engine).
  const model = await loadTabularFiles({
    modelJson: JSON.parse(files["model.json"].toString()) as ModelJson,
    weights: new Uint8Array(files["weights.bin"]),
    extras: JSON.parse(files["extras.json"].toString()),
  });
  const recipe = JSON.parse(files["recipe.json"].toString()) as FittedRecipe;
  const prepared = applyRecipe(
    recipe,
    ROWS.map((r) => ({ ...r })),
    { mode: "serve" },
  ).rows;
  const expected = model.predict(toMatrix(prepared, modelFeatures(recipe))) as number[];
  model.dispose();
  expect(expected).toHaveLength(ROWS.length);
  answers.rows.forEach((p, i) => {
    expect(Math.abs(p - expected[i]), `row ${i}: served ${p}, tfjs ${expected[i]}`).toBeLessThanOrEqual(1e-4 * Math.max(1, Math.abs(expected[i])));
  });
  // The rows differ, so the predictions must too (a constant answer would pass the checks above).
  expect(new Set(answers.rows).size).toBe(ROWS.length);
});

test("a classifier answers {label, probabilities} per row, natively and as V2 label and probabilities tensors", async ({ request }) => {
  test.setTimeout(180_000);
  const project = await projectWithRecipe(request, "classification", classesCsv(200), "label");
  const run = await trainRun(request, project.id, "logistic", { epochs: 30 });
  const model = await register(request, run.id);
  const ep = await deploy(request, model.id, {}, "classes");
  expect(ep.task).toBe("classification");

  const rows = [
    { a: 1.5, b: 1.5 },
    { a: -1.5, b: -1.5 },
    { a: 0.4, b: -0.1 },
  ];
  const body = await expectScored<{ label: string; probabilities: Record<string, number> }>(await score(request, ep.name, ep.key, { rows }));
  expect(body.model).toMatchObject({ id: model.id, version: 1 });
  expect(body.predictions).toHaveLength(rows.length);
  for (const p of body.predictions) {
    expect(Object.keys(p).sort()).toEqual(["label", "probabilities"]);
    expect(Object.keys(p.probabilities).sort()).toEqual(["no-buy", "yes-buy"]);
    const values = Object.values(p.probabilities);
    for (const v of values) expect(v >= 0 && v <= 1).toBe(true);
    expect(Math.abs(values.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-6);
    // The label is the most probable class.
    expect(p.probabilities[p.label]).toBe(Math.max(...values));
  }
  expect(body.predictions.map((p) => p.label).slice(0, 2)).toEqual(["yes-buy", "no-buy"]);

  // Forty rows take the batched tfjs pass (from 32 rows on); they agree with the same rows scored three at a time, to float32 rounding.
  const many = Array.from({ length: 40 }, (_, i) => ({ a: Math.sin(i) * 2, b: Math.cos(i * 1.3) * 2 }));
  const batched = await expectScored<{ label: string; probabilities: Record<string, number> }>(await score(request, ep.name, ep.key, { rows: many }));
  for (let i = 0; i < many.length; i += 3) {
    const small = await expectScored<{ label: string; probabilities: Record<string, number> }>(
      await score(request, ep.name, ep.key, { rows: many.slice(i, i + 3) }),
    );
    small.predictions.forEach((p, j) => {
      const b = batched.predictions[i + j];
      expect(b.label).toBe(p.label);
      for (const l of ["no-buy", "yes-buy"]) expect(Math.abs(b.probabilities[l] - p.probabilities[l])).toBeLessThan(1e-6);
    });
  }

  const v2 = await expectJson<V2Answer>(
    await infer(request, ep.name, ep.key, {
      inputs: ["a", "b"].map((name) => ({ name, datatype: "FP64", shape: [rows.length, 1], data: rows.map((r) => [r[name as "a" | "b"]]) })),
    }),
    200,
  );
  expect(v2.outputs.map((o) => o.name)).toEqual(["label", "probabilities"]);
  const [label, probabilities] = v2.outputs;
  expect(label).toMatchObject({ datatype: "BYTES", shape: [rows.length], data: body.predictions.map((p) => p.label) });
  expect(probabilities.datatype).toBe("FP64");
  expect(probabilities.shape).toEqual([rows.length, 2]);
  const labels = probabilities.parameters!.labels;
  expect([...labels].sort()).toEqual(["no-buy", "yes-buy"]);
  expect(probabilities.data).toEqual(body.predictions.flatMap((p) => labels.map((l) => p.probabilities[l])));

  const meta = await expectJson<{ outputs: { name: string; datatype: string }[] }>(await request.get(`/v2/models/${ep.name}`), 200);
  expect(meta.outputs.map((o) => [o.name, o.datatype])).toEqual([
    ["label", "BYTES"],
    ["probabilities", "FP64"],
  ]);
});
