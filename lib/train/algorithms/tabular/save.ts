import { type LayersModelParts, layersModelFiles, loadLayersModel, type ModelArtifacts, readLayersModel, saveLayersModel } from "../../model-files";
import { makeTabularModel, type TabularModel } from "./model";
import { TABULAR_DEFAULTS, type TabularAlgorithm, type TabularParams, type TabularTask } from "./params";
import type { Scale, TargetScale } from "./scale";

/** A tabular model saved as tfjs's own format plus the extras the layers graph does not hold, and loaded back. */

export const TABULAR_FORMAT_VERSION = 1;

/** What the layers graph does not hold: the JS-side scalings and the class labels. */
export type TabularExtras = {
  formatVersion: typeof TABULAR_FORMAT_VERSION;
  algorithm: TabularAlgorithm;
  task: TabularTask;
  labels?: string[];
  targetScale?: TargetScale;
  inputScale: Scale;
  params?: TabularParams;
};

/** tfjs's own format (model.json's topology and weights manifest + one binary buffer), plus extras. */
export type TabularArtifacts = LayersModelParts & { extras: TabularExtras };

export async function serializeTabular(model: TabularModel): Promise<TabularArtifacts> {
  return {
    ...(await saveLayersModel(model.model)),
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
  const model = await loadLayersModel(artifacts);
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

/** The bundle's files of a tabular model. */
export async function saveTabularFiles(model: TabularModel): Promise<ModelArtifacts> {
  const { extras, ...parts } = await serializeTabular(model);
  return layersModelFiles(parts, extras);
}

/** A tabular model back from the bundle's files (loadTabular checks the extras' format version). */
export function loadTabularFiles(files: ModelArtifacts): Promise<TabularModel> {
  return loadTabular({ ...readLayersModel(files), extras: files.extras as TabularExtras });
}
