import fs from "node:fs";
import path from "node:path";
import { eq } from "drizzle-orm";
import { getDb } from "@/db/client";
import { projects, recipes, runs, type RunRow } from "@/db/schema";
import type { Task } from "@/lib/define/tasks";
import { readTypedRows } from "@/lib/data/server/datasets";
import type { ColumnInfo, Row } from "@/lib/data/types";
import type { FittedRecipe } from "@/lib/prepare/recipe";
import type { RecipeSpec } from "@/lib/prepare/recipe-schema";
import { env } from "@/lib/shared/env";
import { AppError } from "@/lib/shared/errors";
import { type LoadedModel, type ModelArtifacts, modelArtifacts } from "../artifacts";
import { modelFeatures, prepareRawRows, prepareTrainingParts, sampleEvenly, scoreTabularRun, tabularReference } from "../features";
import type { ForecasterParams } from "../algorithms/forecaster/params";
import { trainForecaster } from "../algorithms/forecaster/training";
import type { RecommenderParams } from "../algorithms/recommender/params";
import { trainRecommender } from "../algorithms/recommender/training";
import type { TabularAlgorithm, TabularParams } from "../algorithms/tabular/params";
import { trainTabular } from "../algorithms/tabular/train";
import type { EpochLog, TrainCallbacks } from "../types";
import { initServerBackend } from "./backend";
import { INTERRUPTED_RUN_ERROR } from "./runs";

const PROGRESS_WRITE_MS = 250;
/** Series whose backtest forecasts a run keeps for its chart (the first ones by key). */
const BACKTEST_CHART_SERIES = 12;

export { modelFeatures };

export function runArtifactsDir(runId: string): string {
  return path.join(env.dataDir, "artifacts", "runs", runId);
}

/** What every kind of model hands back to the executor once trained and scored. */
interface TrainedRun {
  loaded: LoadedModel;
  fitted: FittedRecipe;
  history: EpochLog[];
  metrics: Record<string, unknown>;
  baseline: Record<string, unknown>;
  details: Record<string, unknown>;
  /** Raw training inputs and the model's predictions, kept with the model for monitoring to compare with. */
  reference: { inputs: Row[]; predictions: unknown[] };
}

interface TrainInput {
  task: Task;
  algorithm: string;
  params: Record<string, unknown>;
  spec: RecipeSpec;
  data: { rows: Row[]; columns: ColumnInfo[] };
  callbacks: TrainCallbacks;
}

/**
 * Trains one queued run to the end: prepare the data with the recipe, train, score model and
 * baseline, save the bundle's artifacts, record everything on the run. Progress (epoch, history)
 * is written as epochs end; a cancel request stops at the next one.
 */
export async function executeRun(run: RunRow, signal?: AbortSignal): Promise<void> {
  const db = getDb();
  const started = Date.now();
  let trained: TrainedRun | undefined;
  try {
    const backend = await initServerBackend();
    db.update(runs).set({ backend }).where(eq(runs.id, run.id)).run();
    const project = db.select().from(projects).where(eq(projects.id, run.projectId)).get();
    const recipe = db.select().from(recipes).where(eq(recipes.id, run.recipeId)).get();
    if (!project || !recipe) throw new AppError("NOT_FOUND", "The run's project or recipe no longer exists.");
    const isCancelled = () => db.select({ c: runs.cancelRequested }).from(runs).where(eq(runs.id, run.id)).get()?.c === true;

    let lastWrite = 0;
    const progress: EpochLog[] = [];
    const callbacks: TrainCallbacks = {
      onEpoch: (log, total) => {
        progress.push(log);
        const now = Date.now();
        // Write at most every 250 ms (and always the last epoch) to keep SQLite writes cheap.
        if (now - lastWrite > PROGRESS_WRITE_MS || log.epoch === total) {
          lastWrite = now;
          db.update(runs).set({ epoch: log.epoch, totalEpochs: total, history: progress }).where(eq(runs.id, run.id)).run();
        }
      },
      // A stop of the worker ends the run at its next epoch too (it is marked interrupted below).
      shouldStop: () => signal?.aborted === true || isCancelled(),
    };

    const data = await readTypedRows(run.datasetId);
    const input: TrainInput = { task: project.task, algorithm: run.algorithm, params: run.params, spec: recipe.spec as RecipeSpec, data, callbacks };
    trained = await (run.algorithm === "forecaster" ? trainForecasterRun : run.algorithm === "recommender" ? trainRecommenderRun : trainTabularRun)(input);
    if (signal?.aborted && !isCancelled()) {
      // As a run a dead worker left running (failInterruptedRuns): it does not resume.
      db.update(runs).set({ status: "failed", error: INTERRUPTED_RUN_ERROR, finishedAt: new Date() }).where(eq(runs.id, run.id)).run();
      console.log(`[worker] run ${run.id} interrupted by a stop`);
      return;
    }

    writeArtifacts(run.id, await modelArtifacts(trained.loaded), trained.fitted, trained.reference);
    db.update(runs)
      .set({
        status: isCancelled() ? "cancelled" : "succeeded",
        history: trained.history,
        epoch: trained.history.length,
        metrics: trained.metrics,
        baseline: trained.baseline,
        details: trained.details,
        finishedAt: new Date(),
      })
      .where(eq(runs.id, run.id))
      .run();
  } catch (e) {
    const message = e instanceof AppError ? e.message : `training failed: ${(e as Error).message}`;
    if (!(e instanceof AppError)) console.error(`[worker] run ${run.id} failed`, e);
    db.update(runs).set({ status: "failed", error: message, finishedAt: new Date() }).where(eq(runs.id, run.id)).run();
  } finally {
    trained?.loaded.model.dispose();
    console.log(`[worker] run ${run.id} finished in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
}

async function trainTabularRun({ task, algorithm, params, spec, data, callbacks }: TrainInput): Promise<TrainedRun> {
  if (task !== "regression" && task !== "classification") throw new AppError("VALIDATION", `${algorithm} does not train ${task} projects.`);
  const { fitted, features, trainRows, train, validation, test } = prepareTrainingParts(spec, data.rows, data.columns, task);
  const model = await trainTabular({ algorithm: algorithm as TabularAlgorithm, task, params: params as unknown as TabularParams, train, validation, callbacks });
  const scored = scoreTabularRun(model, task, { features, train, validation, test });
  return {
    loaded: { kind: "tabular", model },
    fitted,
    history: model.history,
    ...scored,
    reference: tabularReference(model, fitted, features, trainRows),
  };
}

/** The epoch whose validation loss was lowest (the weights kept), or the last one. */
function bestEpochOf(history: EpochLog[]): number {
  let best = history.at(-1)?.epoch ?? 0;
  let lowest = Number.POSITIVE_INFINITY;
  for (const h of history) if (h.valLoss !== undefined && h.valLoss < lowest) [lowest, best] = [h.valLoss, h.epoch];
  return best;
}

/** Forecasts are judged by a backtest: the last `horizon` periods of every series, against last value and seasonal naive. */
async function trainForecasterRun({ params, spec, data, callbacks }: TrainInput): Promise<TrainedRun> {
  const { fitted, rows, skippedSteps } = prepareRawRows(spec, data.rows, data.columns);
  const p = params as unknown as ForecasterParams;
  const model = await trainForecaster({ rows, params: p, callbacks });
  const { backtest } = model;
  const forecasts = model.backtestForecasts ?? [];
  const chartSeries = new Set([...new Set(forecasts.map((f) => f.series))].sort().slice(0, BACKTEST_CHART_SERIES));
  return {
    loaded: { kind: "forecaster", model },
    fitted,
    history: model.history,
    metrics: { validation: backtest.metrics },
    baseline: { name: "last value", validation: backtest.baselines.lastValue, others: [{ name: "seasonal naive", validation: backtest.baselines.seasonalNaive }] },
    details: {
      evaluation: `Backtest: the last ${p.horizon} periods of every series, held out; each forecast from the series' history before them, with ${p.exogenous.length ? p.exogenous.join(", ") : "no exogenous columns"} of the forecast period known.`,
      bestEpoch: bestEpochOf(model.history),
      stoppedEarly: model.history.length < p.epochs,
      features: model.featureNames,
      series: Object.keys(model.seriesTails).length,
      rows: { train: rows.length, backtest: backtest.rows },
      perHorizon: backtest.perHorizon,
      backtestForecasts: forecasts.filter((f) => chartSeries.has(f.series)),
      ...(skippedSteps.length ? { skippedSteps } : {}),
    },
    reference: { inputs: sampleEvenly(rows), predictions: sampleEvenly(forecasts.map((f) => f.forecast)) },
  };
}

/** Recommendations are judged leave-one-item-out on held-out baskets, against popularity and co-occurrence counts. */
async function trainRecommenderRun({ params, spec, data, callbacks }: TrainInput): Promise<TrainedRun> {
  const { fitted, rows, skippedSteps } = prepareRawRows(spec, data.rows, data.columns);
  const p = params as unknown as RecommenderParams;
  const model = await trainRecommender({ rows, params: p, callbacks });
  const ev = model.evaluation;
  const inputs = sampleEvenly(rows);
  return {
    loaded: { kind: "recommender", model },
    fitted,
    history: model.history,
    metrics: { validation: ev.model },
    baseline: { name: "popularity", validation: ev.popularity, others: [{ name: "co-occurrence counts", validation: ev.cooccurrence }] },
    details: {
      evaluation: `Leave-one-item-out on ${ev.heldOutBaskets} held-out baskets never trained on: each of ${ev.queries} held-out items asked for with the rest of its basket; top ${ev.k}.`,
      k: ev.k,
      queries: ev.queries,
      heldOutBaskets: ev.heldOutBaskets,
      items: model.items.length,
      singleItem: ev.singleItem,
      bestEpoch: model.history.reduce((best, h) => ((h.metrics?.hitRate ?? -1) > (best.metrics?.hitRate ?? -1) ? h : best), model.history[0] ?? { epoch: 0, loss: 0 }).epoch,
      stoppedEarly: model.history.length < p.epochs,
      ...(skippedSteps.length ? { skippedSteps } : {}),
    },
    reference: { inputs, predictions: inputs.map((row) => model.recommend(String(row[p.itemColumn] ?? ""), ev.k).map((r) => r.itemId)) },
  };
}

/** The bundle's files of a run: model.json + weights.bin in tfjs's format, extras, the fitted recipe and the reference sample. */
function writeArtifacts(runId: string, art: ModelArtifacts, fitted: FittedRecipe, reference: TrainedRun["reference"]) {
  const dir = runArtifactsDir(runId);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "model.json"), JSON.stringify(art.modelJson));
  fs.writeFileSync(path.join(dir, "weights.bin"), art.weights);
  fs.writeFileSync(path.join(dir, "extras.json"), JSON.stringify(art.extras));
  fs.writeFileSync(path.join(dir, "recipe.json"), JSON.stringify(fitted));
  fs.writeFileSync(path.join(dir, "reference.json"), JSON.stringify(reference));
}
