import fs from "node:fs";
import path from "node:path";
import { eq } from "drizzle-orm";
import { getDb } from "@/db/client";
import { projects, recipes, runs, type RunRow } from "@/db/schema";
import { readTypedRows } from "@/lib/data/server/datasets";
import type { Row } from "@/lib/data/types";
import { applyRecipe, fitRecipe, type FittedRecipe } from "@/lib/prepare/recipe";
import type { RecipeSpec } from "@/lib/prepare/recipe-schema";
import { splitIndices } from "@/lib/prepare/split";
import { env } from "@/lib/shared/env";
import { AppError } from "@/lib/shared/errors";
import { majorityBaseline, meanBaseline } from "../baselines";
import { modelFeatures } from "../features";
import { targetVector, toMatrix, type Matrix } from "../matrix";
import { confusionMatrix } from "../metrics";
import { evaluateTabular, serializeTabular, trainTabular, type TabularAlgorithm, type TabularModel, type TabularParams } from "../tabular";
import type { EpochLog } from "../types";
import { initServerBackend } from "./backend";

const PROGRESS_WRITE_MS = 250;

export { modelFeatures };

export function runArtifactsDir(runId: string): string {
  return path.join(env.dataDir, "artifacts", "runs", runId);
}

interface Part {
  x: Matrix;
  y: number[] | string[];
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
    const parts = splitIndices(data.rows, spec.split);
    const pick = (idx: number[]): Row[] => idx.map((i) => data.rows[i]);
    const fitted = fitRecipe(spec, pick(parts.train), data.columns);
    const features = modelFeatures(fitted);
    const prepare = (rows: Row[]): Part | null => {
      const out = applyRecipe(fitted, rows, { mode: "train" }).rows.filter((r) => r[fitted.target] !== null && r[fitted.target] !== undefined);
      if (out.length === 0) return null;
      return { x: toMatrix(out, features), y: targetVector(out, fitted.target, task) };
    };
    const train = prepare(pick(parts.train));
    const validation = prepare(pick(parts.validation));
    const test = prepare(pick(parts.test));
    if (!train || !validation) throw new AppError("VALIDATION", "The split leaves no training or validation rows with a target value.", [{ field: "split", message: "empty part" }]);

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

    const metrics: Record<string, unknown> = { validation: evaluateTabular(model, validation.x, validation.y) };
    const trainY = train.y;
    const baselineOf = (p: Part) =>
      task === "regression" ? meanBaseline(trainY as number[], p.y as number[]).metrics : majorityBaseline(trainY as string[], p.y as string[], model!.labels).metrics;
    const baseline: Record<string, unknown> = { name: task === "regression" ? "mean" : "majority class", validation: baselineOf(validation) };
    if (test) {
      metrics.test = evaluateTabular(model, test.x, test.y);
      baseline.test = baselineOf(test);
    }
    const details: Record<string, unknown> = {
      bestEpoch: model.bestEpoch,
      stoppedEarly: model.stoppedEarly,
      features,
      rows: { train: train.x.rows, validation: validation.x.rows, test: test?.x.rows ?? 0 },
    };
    if (task === "classification" && model.labels) {
      const evalPart = test ?? validation;
      const predicted = (model.predict(evalPart.x) as { label: string }[]).map((p) => p.label);
      details.confusionMatrix = { on: test ? "test" : "validation", ...confusionMatrix(evalPart.y as string[], predicted, model.labels) };
    }

    await saveArtifacts(run.id, model, fitted);
    writeReference(run.id, pick(parts.train), model.predict(validation.x));
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

/** Rows of raw training inputs and of predictions kept with the model, for monitoring to compare with. */
export const REFERENCE_SAMPLE_ROWS = 500;

function writeReference(runId: string, trainRows: Row[], predictions: unknown[]) {
  const step = Math.max(1, Math.floor(trainRows.length / REFERENCE_SAMPLE_ROWS));
  const inputs = trainRows.filter((_, i) => i % step === 0).slice(0, REFERENCE_SAMPLE_ROWS);
  const predStep = Math.max(1, Math.floor(predictions.length / REFERENCE_SAMPLE_ROWS));
  const preds = predictions.filter((_, i) => i % predStep === 0).slice(0, REFERENCE_SAMPLE_ROWS);
  fs.writeFileSync(path.join(runArtifactsDir(runId), "reference.json"), JSON.stringify({ inputs, predictions: preds }));
}
