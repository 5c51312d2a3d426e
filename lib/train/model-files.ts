import * as tf from "@tensorflow/tfjs";
import { AppError } from "@/lib/shared/errors";

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

/** A layers model's topology and weights, as tfjs saves them. */
export interface LayersModelParts {
  modelTopology: object;
  weightSpecs: tf.io.WeightsManifestEntry[];
  weightData: ArrayBuffer;
}

export function modelJson(format: ModelJson["format"], weights: tf.io.WeightsManifestEntry[], modelTopology?: object): ModelJson {
  return { format, generatedBy: "ml-workbench", ...(modelTopology ? { modelTopology } : {}), weightsManifest: [{ paths: ["weights.bin"], weights }] };
}

/** The weights manifest and the weights as their own buffer; VALIDATION on `model.json` when it has no manifest. */
export function readWeights(files: ModelArtifacts): { weightSpecs: tf.io.WeightsManifestEntry[]; weightData: ArrayBuffer } {
  const weightSpecs = files.modelJson?.weightsManifest?.[0]?.weights;
  if (!Array.isArray(weightSpecs))
    throw new AppError("VALIDATION", "model.json has no weights manifest.", [{ field: "model.json", message: "no weightsManifest" }]);
  // A Uint8Array may view part of a larger buffer.
  const bytes = files.weights;
  return { weightSpecs, weightData: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer };
}

/** A layers model's parts, read back from its files; VALIDATION on `model.json` when it has no topology. */
export function readLayersModel(files: ModelArtifacts): LayersModelParts {
  const { weightSpecs, weightData } = readWeights(files);
  const modelTopology = files.modelJson.modelTopology;
  if (!modelTopology) throw new AppError("VALIDATION", "model.json has no model topology.", [{ field: "model.json", message: "no modelTopology" }]);
  return { modelTopology, weightSpecs, weightData };
}

/** The files of a layers model and the extras beside it. */
export function layersModelFiles(parts: LayersModelParts, extras: Record<string, unknown>): ModelArtifacts {
  return { modelJson: modelJson("layers-model", parts.weightSpecs, parts.modelTopology), weights: new Uint8Array(parts.weightData), extras };
}

/** A layers model's topology and weights, as `tf.io.withSaveHandler` hands them over. */
export async function saveLayersModel(model: tf.LayersModel): Promise<LayersModelParts> {
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } };
    }),
  );
  if (!saved?.modelTopology || !saved.weightSpecs || !saved.weightData) throw new Error("tfjs returned no model artifacts");
  const data = saved.weightData;
  return {
    modelTopology: saved.modelTopology as object,
    weightSpecs: saved.weightSpecs,
    weightData: Array.isArray(data) ? tf.io.CompositeArrayBuffer.join(data) : data,
  };
}

/** A layers model back from its parts, with stock `tf.loadLayersModel`. */
export function loadLayersModel(parts: LayersModelParts): Promise<tf.LayersModel> {
  return tf.loadLayersModel(tf.io.fromMemory({ modelTopology: parts.modelTopology, weightSpecs: parts.weightSpecs, weightData: parts.weightData }));
}
