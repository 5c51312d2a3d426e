/**
 * Training in the browser, as plain functions (no JSX): the train page loads this module with a
 * dynamic import on Start, so tfjs reaches the browser only when someone trains there.
 * Mirrors lib/train/server/execute.ts: split, fit the recipe on the training rows, apply it,
 * train, score model and baseline, then upload the bundle's artifacts as a "browser" run.
 */
import type { Row } from "@/lib/data/types";
import { chooseBackend } from "@/lib/train/backend";
import { prepareTrainingParts, scoreTabularRun, tabularReference } from "@/lib/train/features";
import type { TabularModel } from "@/lib/train/algorithms/tabular/model";
import type { TabularAlgorithm, TabularParams } from "@/lib/train/algorithms/tabular/params";
import { serializeTabular } from "@/lib/train/algorithms/tabular/save";
import { trainTabular } from "@/lib/train/algorithms/tabular/train";
import type { EpochLog } from "@/lib/train/types";
import type { DatasetDetail, Recipe, Run } from "./api-types";
import { fetchAllRows, fetchJson, saveBrowserRun } from "./queries";

/** Browser backends in order of preference; wasm is not registered in the browser bundle. */
const BROWSER_BACKENDS = ["webgl", "cpu"] as const;

export type BrowserTrainStage =
  | { kind: "recipe" }
  | { kind: "loading"; loaded: number; total: number }
  | { kind: "preparing" }
  | { kind: "training"; backend: string }
  | { kind: "saving"; backend: string };

export interface BrowserTrainInput {
  projectId: string;
  task: "regression" | "classification";
  algorithm: TabularAlgorithm;
  params: Partial<TabularParams>;
  onStage(stage: BrowserTrainStage): void;
  onEpoch(log: EpochLog, totalEpochs: number): void;
  shouldStop(): boolean;
  signal?: AbortSignal;
}

export interface BrowserTrainResult {
  run: Run;
  backend: string;
  stopped: boolean;
}

export async function trainInBrowser(input: BrowserTrainInput): Promise<BrowserTrainResult> {
  const { projectId, task, signal } = input;
  const enc = encodeURIComponent;
  input.onStage({ kind: "recipe" });
  const recipe = await fetchJson<Recipe>(`/api/projects/${enc(projectId)}/recipe`, { signal });
  const dataset = await fetchJson<DatasetDetail>(`/api/datasets/${enc(recipe.datasetId)}`, { signal });
  input.onStage({ kind: "loading", loaded: 0, total: dataset.rowCount });
  const rows = (await fetchAllRows(recipe.datasetId, (loaded, total) => input.onStage({ kind: "loading", loaded, total }), signal)) as Row[];

  input.onStage({ kind: "preparing" });
  const { fitted, features, trainRows, train, validation, test } = prepareTrainingParts(recipe.spec, rows, dataset.columns, task);

  const backend = await chooseBackend(BROWSER_BACKENDS);
  input.onStage({ kind: "training", backend });
  const startedAt = new Date();
  let model: TabularModel | undefined;
  try {
    let stopRequested = false;
    model = await trainTabular({
      algorithm: input.algorithm,
      task,
      params: input.params,
      train,
      validation,
      callbacks: {
        onEpoch: (log, total) => input.onEpoch(log, total),
        shouldStop: () => (stopRequested ||= input.shouldStop()),
      },
    });
    const finishedAt = new Date();
    input.onStage({ kind: "saving", backend });

    const m = model;
    const { metrics, baseline, details } = scoreTabularRun(m, task, { features, train, validation, test });

    const art = await serializeTabular(m);
    // The resolved params, in the API's schema (a model without hidden layers sends none).
    const { hiddenUnits, ...rest } = m.params;
    const meta = {
      algorithm: input.algorithm,
      params: hiddenUnits.length > 0 ? { ...rest, hiddenUnits: [...hiddenUnits] } : rest,
      backend,
      history: m.history,
      metrics,
      baseline,
      details,
      recipeId: recipe.id,
      startedAt: startedAt.toISOString(),
      finishedAt: finishedAt.toISOString(),
      stopped: stopRequested,
    };
    const modelJson = {
      format: "layers-model",
      generatedBy: "ml-workbench",
      modelTopology: art.modelTopology,
      weightsManifest: [{ paths: ["weights.bin"], weights: art.weightSpecs }],
    };
    const reference = tabularReference(m, fitted, features, trainRows);
    const jsonBlob = (v: unknown) => new Blob([JSON.stringify(v)], { type: "application/json" });
    const form = new FormData();
    form.append("meta", JSON.stringify(meta));
    form.append("model.json", jsonBlob(modelJson), "model.json");
    form.append("weights.bin", new Blob([art.weightData], { type: "application/octet-stream" }), "weights.bin");
    form.append("extras.json", jsonBlob(art.extras), "extras.json");
    form.append("recipe.json", jsonBlob(fitted), "recipe.json");
    form.append("reference.json", jsonBlob(reference), "reference.json");
    const run = await saveBrowserRun(projectId, form);
    return { run, backend, stopped: stopRequested };
  } finally {
    model?.dispose();
  }
}
