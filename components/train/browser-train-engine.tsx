/**
 * Training in the browser, as plain functions (no JSX): the train page loads this module with a
 * dynamic import on Start, so tfjs reaches the browser only when someone trains there.
 * Runs the algorithm's own engine, as lib/train/server/execute.ts does: split, fit the recipe on
 * the training rows, apply it, train, score model and baseline, then upload the bundle's files as
 * a "browser" run.
 */

import { fetchJson } from "@/components/api/fetch";
import type { DatasetDetail, Recipe, Run } from "@/components/api/types";
import { fetchAllRows } from "@/components/data/queries";
import type { Row } from "@/lib/data/types";
import type { Task } from "@/lib/define/tasks";
import type { RunDetailsBase, TrainedModel, TrainedRun } from "@/lib/train/algorithms/algorithm";
import { type AlgorithmId, getAlgorithm } from "@/lib/train/algorithms/registry";
import { chooseBackend } from "@/lib/train/backend";
import { runContextOf } from "@/lib/train/run-context";
import type { EpochLog } from "@/lib/train/types";
import { saveBrowserRun } from "./queries";

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
  task: Task;
  algorithm: AlgorithmId;
  /** The params the person set; the algorithm's defaults fill in the rest. */
  params: Record<string, unknown>;
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
  const algorithm = getAlgorithm(input.algorithm);
  const params = algorithm.resolveParams(input.params, runContextOf(recipe.spec, dataset.columns));
  const engine = await algorithm.engine();

  const backend = await chooseBackend(BROWSER_BACKENDS);
  input.onStage({ kind: "training", backend });
  const startedAt = new Date();
  let trained: TrainedRun<TrainedModel, RunDetailsBase> | undefined;
  try {
    let stopRequested = false;
    trained = await engine.train({
      task,
      params,
      spec: recipe.spec,
      data: { rows, columns: dataset.columns },
      callbacks: {
        onEpoch: (log, total) => input.onEpoch(log, total),
        shouldStop: () => (stopRequested ||= input.shouldStop()),
      },
    });
    const finishedAt = new Date();
    input.onStage({ kind: "saving", backend });

    const files = await engine.save(trained.model);
    const meta = {
      algorithm: algorithm.id,
      params,
      backend,
      history: trained.history,
      metrics: trained.metrics,
      baseline: trained.baseline,
      details: trained.details,
      recipeId: recipe.id,
      startedAt: startedAt.toISOString(),
      finishedAt: finishedAt.toISOString(),
      stopped: stopRequested,
    };
    const jsonBlob = (v: unknown) => new Blob([JSON.stringify(v)], { type: "application/json" });
    const form = new FormData();
    form.append("meta", JSON.stringify(meta));
    form.append("model.json", jsonBlob(files.modelJson), "model.json");
    form.append("weights.bin", new Blob([files.weights.slice()], { type: "application/octet-stream" }), "weights.bin");
    form.append("extras.json", jsonBlob(files.extras), "extras.json");
    form.append("recipe.json", jsonBlob(trained.fitted), "recipe.json");
    form.append("reference.json", jsonBlob(trained.reference), "reference.json");
    const run = await saveBrowserRun(projectId, form);
    return { run, backend, stopped: stopRequested };
  } finally {
    trained?.model.dispose();
  }
}
