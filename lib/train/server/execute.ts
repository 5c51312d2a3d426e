import fs from "node:fs";
import path from "node:path";
import { eq } from "drizzle-orm";
import { getDb } from "@/db/client";
import { projects, recipes, runs, type RunRow } from "@/db/schema";
import { trainingData } from "./sample";
import type { FittedRecipe } from "@/lib/prepare/recipe";
import type { RecipeSpec } from "@/lib/prepare/recipe-schema";
import { env } from "@/lib/shared/env";
import { AppError, validation } from "@/lib/shared/errors";
import type { Params, RunDetailsBase, TrainedModel, TrainedRun } from "../algorithms/algorithm";
import { getAlgorithm, isAlgorithmId } from "../algorithms/registry";
import type { ModelArtifacts } from "../model-files";
import type { EpochLog, TrainCallbacks } from "../types";
import { initServerBackend } from "./backend";
import { INTERRUPTED_RUN_ERROR } from "./runs";

const PROGRESS_WRITE_MS = 250;

export function runArtifactsDir(runId: string): string {
  return path.join(env.dataDir, "artifacts", "runs", runId);
}

/**
 * Trains one queued run to the end: prepare the data with the recipe, train, score model and
 * baseline, save the bundle's artifacts, record everything on the run. Progress (epoch, history)
 * is written as epochs end; a cancel request stops at the next one.
 */
export async function executeRun(run: RunRow, signal?: AbortSignal): Promise<void> {
  const db = getDb();
  const started = Date.now();
  let trained: TrainedRun<TrainedModel, RunDetailsBase> | undefined;
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

    if (!isAlgorithmId(run.algorithm)) throw validation("algorithm", `no algorithm "${run.algorithm}" trains here`);
    const algorithm = getAlgorithm(run.algorithm);
    const engine = await algorithm.engine();
    const params: Params = algorithm.readParams(run.params);
    const { data, sample } = await trainingData(run);
    if (sample) console.log(`[worker] run ${run.id} trains on a seeded sample of ${sample.rows} of ${sample.of} rows`);
    trained = await engine.train({ task: project.task, params, spec: recipe.spec as RecipeSpec, data, callbacks });
    if (signal?.aborted && !isCancelled()) {
      // As a run a dead worker left running (failInterruptedRuns): it does not resume.
      db.update(runs).set({ status: "failed", error: INTERRUPTED_RUN_ERROR, finishedAt: new Date() }).where(eq(runs.id, run.id)).run();
      console.log(`[worker] run ${run.id} interrupted by a stop`);
      return;
    }

    writeArtifacts(run.id, await engine.save(trained.model), trained.fitted, trained.reference);
    db.update(runs)
      .set({
        status: isCancelled() ? "cancelled" : "succeeded",
        history: trained.history,
        epoch: trained.history.length,
        metrics: trained.metrics,
        baseline: trained.baseline,
        details: sample ? { ...trained.details, sample } : trained.details,
        finishedAt: new Date(),
      })
      .where(eq(runs.id, run.id))
      .run();
  } catch (e) {
    const message = e instanceof AppError ? e.message : `training failed: ${(e as Error).message}`;
    if (!(e instanceof AppError)) console.error(`[worker] run ${run.id} failed`, e);
    db.update(runs).set({ status: "failed", error: message, finishedAt: new Date() }).where(eq(runs.id, run.id)).run();
  } finally {
    trained?.model.dispose();
    console.log(`[worker] run ${run.id} finished in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
}

/** The bundle's files of a run: model.json + weights.bin in tfjs's format, extras, the fitted recipe and the reference sample. */
function writeArtifacts(runId: string, art: ModelArtifacts, fitted: FittedRecipe, reference: TrainedRun<TrainedModel, RunDetailsBase>["reference"]) {
  const dir = runArtifactsDir(runId);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "model.json"), JSON.stringify(art.modelJson));
  fs.writeFileSync(path.join(dir, "weights.bin"), art.weights);
  fs.writeFileSync(path.join(dir, "extras.json"), JSON.stringify(art.extras));
  fs.writeFileSync(path.join(dir, "recipe.json"), JSON.stringify(fitted));
  fs.writeFileSync(path.join(dir, "reference.json"), JSON.stringify(reference));
}
