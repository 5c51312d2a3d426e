import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { type LoadedModel, loadModelArtifacts, type ModelArtifacts, modelArtifacts } from "./artifacts";
import { trainForecaster } from "./algorithms/forecaster/training";
import { toMatrix } from "./matrix";
import { trainRecommender } from "./algorithms/recommender/training";
import { initServerBackend } from "./server/backend";
import { trainTabular } from "./algorithms/tabular/train";
import { plantedBaskets, promoRows, QUICK_FORECASTER, weekIso } from "./test-fixtures";

/** The three files as they go to disk and come back: JSON text and a byte copy. */
function throughFiles(a: ModelArtifacts): ModelArtifacts {
  return { modelJson: JSON.parse(JSON.stringify(a.modelJson)), weights: new Uint8Array(a.weights), extras: JSON.parse(JSON.stringify(a.extras)) };
}

async function roundTrip(loaded: LoadedModel): Promise<{ files: ModelArtifacts; back: LoadedModel }> {
  const files = throughFiles(await modelArtifacts(loaded));
  const back = await loadModelArtifacts(files);
  expect(back.algorithm).toBe(loaded.algorithm);
  return { files, back };
}

/** Stock tfjs reads a layers model.json + weights.bin, as a bundle unpacked on disk holds them. */
async function loadWithStockTfjs(files: ModelArtifacts): Promise<tf.LayersModel> {
  const weights = files.weights.buffer.slice(files.weights.byteOffset, files.weights.byteOffset + files.weights.byteLength) as ArrayBuffer;
  return tf.loadLayersModel(
    tf.io.fromMemory({ modelTopology: files.modelJson.modelTopology, weightSpecs: files.modelJson.weightsManifest[0].weights, weightData: weights }),
  );
}

beforeAll(async () => {
  await initServerBackend();
});

describe("model artifacts (the bundle's model.json, weights.bin, extras.json)", () => {
  it("round-trips a tabular model with identical predictions, and stock tf.loadLayersModel reads its model.json", async () => {
    const rows = Array.from({ length: 200 }, (_, i) => ({ a: (i % 17) / 17, b: (i % 7) / 7, y: 3 * ((i % 17) / 17) - 2 * ((i % 7) / 7) + 1 }));
    const x = toMatrix(rows, ["a", "b"]);
    const y = rows.map((r) => r.y);
    const model = await trainTabular({ algorithm: "mlp", task: "regression", params: { epochs: 5, hiddenUnits: [8] }, train: { x, y }, validation: { x, y } });
    const { files, back } = await roundTrip({ algorithm: "mlp", model });
    if (back.algorithm !== "mlp") throw new Error("wrong algorithm");
    expect(back.model.predict(x)).toEqual(model.predict(x));
    const stock = await loadWithStockTfjs(files);
    expect(stock.inputs[0].shape).toEqual([null, 2]);
    stock.dispose();
    model.dispose();
    back.model.dispose();
  });

  it("round-trips a forecaster with its series tails: the same forecasts, and its network loads with stock tfjs", async () => {
    const rows = promoRows(110, 2);
    const model = await trainForecaster({
      rows,
      params: { timeColumn: "Week", seriesColumns: ["Store"], target: "Quantity", exogenous: ["Price"], horizon: 6, ...QUICK_FORECASTER, epochs: 5 },
    });
    const { files, back } = await roundTrip({ algorithm: "forecaster", model });
    if (back.algorithm !== "forecaster") throw new Error("wrong algorithm");
    expect(files.modelJson.format).toBe("layers-model");
    expect(Object.keys(files.extras.seriesTails as object).sort()).toEqual(['["s0"]', '["s1"]']);
    const requests = ["s0", "s1", "s9"].map((Store) => ({ Week: weekIso(110), Store, Price: 2 }));
    expect(back.model.predict(requests)).toEqual(model.predict(requests));
    expect(back.model.backtest).toEqual(model.backtest);
    const stock = await loadWithStockTfjs(files);
    // One input of numeric features, one per series column (Store); one output, the forecast.
    expect(stock.inputs.map((i) => i.shape)).toEqual([
      [null, model.featureNames.length],
      [null, 3],
    ]);
    expect(stock.outputs).toHaveLength(1);
    stock.dispose();
    model.dispose();
    back.model.dispose();
  });

  it("round-trips a recommender: the same recommendations for known and unseen items", async () => {
    const model = await trainRecommender({ rows: plantedBaskets(200, 5), params: { embeddingDim: 8, epochs: 3 } });
    const { files, back } = await roundTrip({ algorithm: "recommender", model });
    if (back.algorithm !== "recommender") throw new Error("wrong algorithm");
    expect(files.modelJson.format).toBe("workbench-recommender");
    expect(files.modelJson.weightsManifest[0].weights.map((w) => w.name)).toContain("item_embeddings");
    for (const item of [...model.items, "never-seen"]) expect(back.model.recommend(item, 5)).toEqual(model.recommend(item, 5));
  });

  it("refuses a model.json without a weights manifest with a field-named error", async () => {
    const files = { modelJson: {} as ModelArtifacts["modelJson"], weights: new Uint8Array(0), extras: {} };
    await expect(loadModelArtifacts(files)).rejects.toMatchObject({ code: "VALIDATION", errors: [{ field: "model.json" }] });
  });
});
