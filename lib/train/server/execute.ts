import fs from "node:fs";
import path from "node:path";
import { eq } from "drizzle-orm";
import { getDb } from "@/db/client";
import { projects, recipes, runs, type RunRow } from "@/db/schema";
import { readTypedRows } from "@/lib/data/server/datasets";
import type { Row } from "@/lib/data/types";
import type { FittedRecipe } from "@/lib/prepare/recipe";
import type { RecipeSpec } from "@/lib/prepare/recipe-schema";
import { env } from "@/lib/shared/env";
import { AppError } from "@/lib/shared/errors";
import { modelFeatures, prepareTrainingParts, sampleEvenly, scoreTabularRun } from "../features";
import { serializeTabular, trainTabular, type TabularAlgorithm, type TabularModel, type TabularParams } from "../tabular";
import type { EpochLog } from "../types";
import { initServerBackend } from "./backend";

const PROGRESS_WRITE_MS = 250;

export { modelFeatures };

export function runArtifactsDir(runId: string): string {
  return path.join(env.dataDir, "artifacts", "runs", runId);
}

/**
 * Trains one queued run to the end: fit the recipe on the training split, train, score model and
 * baseline on validation (and test), save the bundle's artifacts, record everything on the run.
 * Progress (epoch, history) is written after every epoch; a cancel request stops at the next one.
 */
export async function executeRun(run: RunRow): Promise<void> {
  const db = getDb();
  const started = Date.now();
  let model: TabularModel | undefined;
  try {
    const backend = await initServerBackend();
    db.update(runs).set({ backend }).where(eq(runs.id, run.id)).run();
    const project = db.select().from(projects).where(eq(projects.id, run.projectId)).get();
    const recipe = db.select().from(recipes).where(eq(recipes.id, run.recipeId)).get();
    if (!project || !recipe) throw new AppError("NOT_FOUND", "The run's project or recipe no longer exists.");
    const spec = recipe.spec as RecipeSpec;
    const task = project.task;
    if (task !== "regression" && task !== "classification") throw new AppError("VALIDATION", `${task} runs are not trained by this executor.`);

    const data = await readTypedRows(run.datasetId);
    const { fitted, features, trainRows, train, validation, test } = prepareTrainingParts(spec, data.rows, data.columns, task);

    const params = run.params as unknown as TabularParams;
    let lastWrite = 0;
    const history: EpochLog[] = [];
    model = await trainTabular({
      algorithm: run.algorithm as TabularAlgorithm,
      task,
      params,
      train,
      validation,
      callbacks: {
        onEpoch: (log: EpochLog, total: number) => {
          history.push(log);
          const now = Date.now();
          // Write at most every 250 ms (and always the last epoch) to keep SQLite writes cheap.
          if (now - lastWrite > PROGRESS_WRITE_MS || log.epoch === total) {
            lastWrite = now;
            db.update(runs).set({ epoch: log.epoch, totalEpochs: total, history }).where(eq(runs.id, run.id)).run();
          }
        },
        shouldStop: () => db.select({ c: runs.cancelRequested }).from(runs).where(eq(runs.id, run.id)).get()?.c === true,
      },
    });
    const cancelled = db.select({ c: runs.cancelRequested }).from(runs).where(eq(runs.id, run.id)).get()?.c === true;

    const { metrics, baseline, details } = scoreTabularRun(model, task, { features, train, validation, test });

    await saveArtifacts(run.id, model, fitted);
    writeReference(run.id, trainRows, model.predict(validation.x));
    db.update(runs)
      .set({
        status: cancelled ? "cancelled" : "succeeded",
        history: model.history,
        epoch: model.history.length,
        metrics,
        baseline,
        details,
        finishedAt: new Date(),
      })
      .where(eq(runs.id, run.id))
      .run();
  } catch (e) {
    const message = e instanceof AppError ? e.message : `training failed: ${(e as Error).message}`;
    if (!(e instanceof AppError)) console.error(`[worker] run ${run.id} failed`, e);
    db.update(runs).set({ status: "failed", error: message, finishedAt: new Date() }).where(eq(runs.id, run.id)).run();
  } finally {
    model?.dispose();
    console.log(`[worker] run ${run.id} finished in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
}

/** model.json + weights.bin in tfjs's own format, the extras and the fitted recipe beside them. */
async function saveArtifacts(runId: string, model: TabularModel, fitted: FittedRecipe) {
  const dir = runArtifactsDir(runId);
  fs.mkdirSync(dir, { recursive: true });
  const art = await serializeTabular(model);
  const modelJson = {
    format: "layers-model",
    generatedBy: "ml-workbench",
    modelTopology: art.modelTopology,
    weightsManifest: [{ paths: ["weights.bin"], weights: art.weightSpecs }],
  };
  fs.writeFileSync(path.join(dir, "model.json"), JSON.stringify(modelJson));
  fs.writeFileSync(path.join(dir, "weights.bin"), Buffer.from(art.weightData));
  fs.writeFileSync(path.join(dir, "extras.json"), JSON.stringify(art.extras));
  fs.writeFileSync(path.join(dir, "recipe.json"), JSON.stringify(fitted));
}

/** Raw training inputs and predictions kept with the model, for monitoring to compare with. */
function writeReference(runId: string, trainRows: Row[], predictions: unknown[]) {
  fs.writeFileSync(path.join(runArtifactsDir(runId), "reference.json"), JSON.stringify({ inputs: sampleEvenly(trainRows), predictions: sampleEvenly(predictions) }));
}
