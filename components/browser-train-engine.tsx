/**
 * Training in the browser, as plain functions (no JSX): the train page loads this module with a
 * dynamic import on Start, so tfjs reaches the browser only when someone trains there.
 * Mirrors lib/train/server/execute.ts: split, fit the recipe on the training rows, apply it,
 * train, score model and baseline, then upload the bundle's artifacts as a "browser" run.
 */
import type { Row } from "@/lib/data/types";
import { applyRecipe, fitRecipe, type FittedRecipe } from "@/lib/prepare/recipe";
import { splitIndices } from "@/lib/prepare/split";
import { chooseBackend } from "@/lib/train/backend";
import { majorityBaseline, meanBaseline } from "@/lib/train/baselines";
import { modelFeatures } from "@/lib/train/features";
import { targetVector, toMatrix, type Matrix } from "@/lib/train/matrix";
import { confusionMatrix } from "@/lib/train/metrics";
import { evaluateTabular, serializeTabular, trainTabular, type TabularAlgorithm, type TabularModel, type TabularParams } from "@/lib/train/tabular";
import type { EpochLog } from "@/lib/train/types";
import type { DatasetDetail, Recipe, Run } from "./api-types";
import { fetchAllRows, fetchJson, saveBrowserRun } from "./queries";

/** Raw training rows and validation predictions kept with the model (as the server keeps). */
const REFERENCE_SAMPLE_ROWS = 500;
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

interface Part {
  x: Matrix;
  y: number[] | string[];
}

function sample<T>(items: readonly T[], n: number): T[] {
  const step = Math.max(1, Math.floor(items.length / n));
  return items.filter((_, i) => i % step === 0).slice(0, n);
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
  const parts = splitIndices(rows, recipe.spec.split);
  const pick = (idx: number[]): Row[] => idx.map((i) => rows[i]);
  const trainRows = pick(parts.train);
  const fitted: FittedRecipe = fitRecipe(recipe.spec, trainRows, dataset.columns);
  const features = modelFeatures(fitted);
  const prepare = (part: Row[]): Part | null => {
    const out = applyRecipe(fitted, part, { mode: "train" }).rows.filter((r) => r[fitted.target] !== null && r[fitted.target] !== undefined);
    if (out.length === 0) return null;
    return { x: toMatrix(out, features), y: targetVector(out, fitted.target, task) };
  };
  const train = prepare(trainRows);
  const validation = prepare(pick(parts.validation));
  const test = prepare(pick(parts.test));
  if (!train || !validation) throw new Error("The split leaves no training or validation rows with a target value.");

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
    const metrics: Record<string, unknown> = { validation: evaluateTabular(m, validation.x, validation.y) };
    const baselineOf = (p: Part) =>
      task === "regression" ? meanBaseline(train.y as number[], p.y as number[]).metrics : majorityBaseline(train.y as string[], p.y as string[], m.labels).metrics;
    const baseline: Record<string, unknown> = { name: task === "regression" ? "mean" : "majority class", validation: baselineOf(validation) };
    if (test) {
      metrics.test = evaluateTabular(m, test.x, test.y);
      baseline.test = baselineOf(test);
    }
    const details: Record<string, unknown> = {
      bestEpoch: m.bestEpoch,
      stoppedEarly: m.stoppedEarly,
      features,
      rows: { train: train.x.rows, validation: validation.x.rows, test: test?.x.rows ?? 0 },
    };
    if (task === "classification" && m.labels) {
      const evalPart = test ?? validation;
      const predicted = (m.predict(evalPart.x) as { label: string }[]).map((p) => p.label);
      details.confusionMatrix = { on: test ? "test" : "validation", ...confusionMatrix(evalPart.y as string[], predicted, m.labels) };
    }

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
    const reference = { inputs: sample(trainRows, REFERENCE_SAMPLE_ROWS), predictions: sample(m.predict(validation.x) as unknown[], REFERENCE_SAMPLE_ROWS) };
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
