import fs from "node:fs";
import path from "node:path";
import type { Task } from "@/lib/define/tasks";
import type { FittedRecipe } from "@/lib/prepare/recipe";
import { AppError } from "@/lib/shared/errors";
import type { Prediction, ServingPredictor } from "@/lib/train/algorithms/algorithm";
import { ITEM_ID_COLUMN } from "@/lib/train/algorithms/recommender/predictor";
import { getAlgorithm } from "@/lib/train/algorithms/registry";
import { loadModelArtifacts, type LoadedModel, type ModelJson } from "@/lib/train/artifacts";
import { initServerBackend } from "@/lib/train/server/backend";
import { getModel, modelDir } from "@/lib/train/server/models";

export type { Prediction };
export { ITEM_ID_COLUMN };

/** A model version compiled for serving (its algorithm's predictor), with the version it is. */
export interface Predictor extends ServingPredictor {
  modelId: string;
  name: string;
  version: number;
  task: Task;
}

function readJsonFile<T>(dir: string, file: string): T {
  return JSON.parse(fs.readFileSync(path.join(dir, file), "utf8")) as T;
}

/** Loads and compiles a registered model version; fails with a VALIDATION error when its bundle cannot serve. */
export async function compilePredictor(modelId: string): Promise<Predictor> {
  const version = getModel(modelId);
  const dir = modelDir(modelId);
  await initServerBackend();
  let loaded: LoadedModel;
  let fitted: FittedRecipe;
  try {
    const modelJson = readJsonFile<ModelJson>(dir, "model.json");
    const extras = readJsonFile<Record<string, unknown>>(dir, "extras.json");
    fitted = readJsonFile<FittedRecipe>(dir, "recipe.json");
    loaded = await loadModelArtifacts({ modelJson, weights: new Uint8Array(fs.readFileSync(path.join(dir, "weights.bin"))), extras });
  } catch (e) {
    if (e instanceof AppError) throw e;
    throw new AppError("VALIDATION", `Model version ${version.name} v${version.version} cannot be loaded: ${(e as Error).message}`, [
      { field: "modelId", message: "bundle does not load" },
    ]);
  }
  const base = { modelId, name: version.name, version: version.version, task: (version.manifest.task ?? "regression") as Task };
  const engine = await getAlgorithm(loaded.algorithm).engine();
  return { ...base, ...(await engine.predictor(loaded.model, fitted)) };
}
