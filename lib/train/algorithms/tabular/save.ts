import * as tf from "@tensorflow/tfjs";
import { makeTabularModel, type TabularModel } from "./model";
import { TABULAR_DEFAULTS, type TabularAlgorithm, type TabularParams, type TabularTask } from "./params";
import type { Scale, TargetScale } from "./scale";

/** A tabular model saved as tfjs's own format plus the extras the layers graph does not hold, and loaded back. */

export const TABULAR_FORMAT_VERSION = 1;

/** What the layers graph does not hold: the JS-side scalings and the class labels. */
export interface TabularExtras {
  formatVersion: typeof TABULAR_FORMAT_VERSION;
  algorithm: TabularAlgorithm;
  task: TabularTask;
  labels?: string[];
  targetScale?: TargetScale;
  inputScale: Scale;
  params?: TabularParams;
}

/** tfjs's own format (model.json's topology and weights manifest + one binary buffer), plus extras. */
export interface TabularArtifacts {
  modelTopology: {};
  weightSpecs: tf.io.WeightsManifestEntry[];
  weightData: ArrayBuffer;
  extras: TabularExtras;
}

export async function serializeTabular(model: TabularModel): Promise<TabularArtifacts> {
  let saved: tf.io.ModelArtifacts | undefined;
  await model.model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } };
    }),
  );
  if (!saved?.modelTopology || !saved.weightSpecs || !saved.weightData) throw new Error("serializeTabular: tfjs saved no weights");
  const weightData = Array.isArray(saved.weightData) ? tf.io.CompositeArrayBuffer.join(saved.weightData) : saved.weightData;
  return {
    modelTopology: saved.modelTopology,
    weightSpecs: saved.weightSpecs,
    weightData,
    extras: {
      formatVersion: TABULAR_FORMAT_VERSION,
      algorithm: model.algorithm,
      task: model.task,
      ...(model.labels ? { labels: [...model.labels] } : {}),
      ...(model.targetScale ? { targetScale: { ...model.targetScale } } : {}),
      inputScale: { mean: [...model.inputScale.mean], std: [...model.inputScale.std] },
      params: { ...model.params, hiddenUnits: [...model.params.hiddenUnits] },
    },
  };
}

/** Loads saved artifacts with stock tf.loadLayersModel; the model predicts but carries no history. */
export async function loadTabular(artifacts: TabularArtifacts): Promise<TabularModel> {
  const { extras } = artifacts;
  if (extras.formatVersion !== TABULAR_FORMAT_VERSION) throw new Error(`loadTabular: unknown format version ${extras.formatVersion}`);
  const model = await tf.loadLayersModel(
    tf.io.fromMemory({ modelTopology: artifacts.modelTopology, weightSpecs: artifacts.weightSpecs, weightData: artifacts.weightData }),
  );
  return makeTabularModel({
    algorithm: extras.algorithm,
    task: extras.task,
    labels: extras.labels,
    params: extras.params ?? TABULAR_DEFAULTS[extras.algorithm],
    history: [],
    stoppedEarly: false,
    bestEpoch: 0,
    inputScale: extras.inputScale,
    targetScale: extras.targetScale,
    model,
  });
}
