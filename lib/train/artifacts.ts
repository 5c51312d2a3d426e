import type * as tf from "@tensorflow/tfjs";
import { AppError } from "@/lib/shared/errors";
import { type Forecaster, loadForecaster, type SerializedForecaster } from "./algorithms/forecaster/model";
import { loadRecommender, type Recommender, type SerializedRecommender } from "./algorithms/recommender/model";
import type { TabularModel } from "./algorithms/tabular/model";
import { loadTabular, serializeTabular, type TabularExtras } from "./algorithms/tabular/save";

/**
 * A trained model as the three files a bundle keeps it in (browser-safe): `model.json` in tfjs's
 * format (a layers model's topology and weights manifest, which stock `tf.loadLayersModel` reads;
 * for a recommender, which is no layers model, only the weights manifest), `weights.bin` (every
 * weight, as the manifest describes) and `extras.json` (what the weights do not hold: scalings,
 * labels, a forecaster's series tails, a recommender's item ids).
 */
export interface ModelArtifacts {
  modelJson: ModelJson;
  weights: Uint8Array;
  extras: Record<string, unknown>;
}

export interface ModelJson {
  format: "layers-model" | "workbench-recommender";
  generatedBy: "ml-workbench";
  modelTopology?: object;
  weightsManifest: { paths: ["weights.bin"]; weights: tf.io.WeightsManifestEntry[] }[];
}

export type LoadedModel =
  | { kind: "tabular"; model: TabularModel }
  | { kind: "forecaster"; model: Forecaster }
  | { kind: "recommender"; model: Recommender };

function modelJson(format: ModelJson["format"], weights: tf.io.WeightsManifestEntry[], modelTopology?: object): ModelJson {
  return { format, generatedBy: "ml-workbench", ...(modelTopology ? { modelTopology } : {}), weightsManifest: [{ paths: ["weights.bin"], weights }] };
}

/** The weights as their own buffer (a Uint8Array may view part of a larger one). */
function ownBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

export async function modelArtifacts(loaded: LoadedModel): Promise<ModelArtifacts> {
  if (loaded.kind === "tabular") {
    const art = await serializeTabular(loaded.model);
    return { modelJson: modelJson("layers-model", art.weightSpecs, art.modelTopology), weights: new Uint8Array(art.weightData), extras: { ...art.extras } };
  }
  if (loaded.kind === "forecaster") {
    const { modelTopology, weightSpecs, weightData, ...extras } = await loaded.model.serialize();
    return { modelJson: modelJson("layers-model", weightSpecs, modelTopology), weights: new Uint8Array(weightData), extras };
  }
  const { weightSpecs, weightData, ...extras } = await loaded.model.serialize();
  return { modelJson: modelJson("workbench-recommender", weightSpecs), weights: new Uint8Array(weightData), extras };
}

/** Loads a model back from its three files; a forecaster or recommender is told apart by `extras.format`. */
export async function loadModelArtifacts(a: ModelArtifacts): Promise<LoadedModel> {
  const weightSpecs = a.modelJson?.weightsManifest?.[0]?.weights;
  if (!Array.isArray(weightSpecs)) throw new AppError("VALIDATION", "model.json has no weights manifest.", [{ field: "model.json", message: "no weightsManifest" }]);
  const weightData = ownBuffer(a.weights);
  const format = a.extras?.format;
  if (format === "workbench-forecaster") {
    const serialized = { ...a.extras, modelTopology: a.modelJson.modelTopology, weightSpecs, weightData } as unknown as SerializedForecaster;
    return { kind: "forecaster", model: await loadForecaster(serialized) };
  }
  if (format === "workbench-recommender") {
    const serialized = { ...a.extras, weightSpecs, weightData } as unknown as SerializedRecommender;
    return { kind: "recommender", model: await loadRecommender(serialized) };
  }
  if (!a.modelJson.modelTopology) throw new AppError("VALIDATION", "model.json has no model topology.", [{ field: "model.json", message: "no modelTopology" }]);
  const model = await loadTabular({ modelTopology: a.modelJson.modelTopology, weightSpecs, weightData, extras: a.extras as unknown as TabularExtras });
  return { kind: "tabular", model };
}
