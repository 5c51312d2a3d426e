import { ACTUALS_READ_MODULE } from "./read-modules";
import { desc, eq } from "drizzle-orm";
import { z } from "zod";
import { getDb } from "@/db/client";
import { models } from "@/db/schema";
import { findLatestVersion } from "@/lib/data/server/datasets";
import type { Row } from "@/lib/data/types";
import { updateProject } from "@/lib/define/server/projects";
import type { Task } from "@/lib/define/tasks";
import { currentPrincipal } from "@/lib/identity/server/context";
import { getEndpoint, updateEndpoint, type Endpoint } from "@/lib/integrate/server/endpoints/endpoints";
import { predictorFor } from "@/lib/integrate/server/serving/runtime";
import type { Predictor } from "@/lib/integrate/server/serving/predictors";
import { getLatestRecipe, getRecipeVersion, saveRecipe } from "@/lib/prepare/server/recipes";
import type { RecipeSpec } from "@/lib/prepare/recipe-schema";
import { splitIndices } from "@/lib/prepare/split";
import { AppError } from "@/lib/shared/errors";
import { parseWith } from "@/lib/shared/http";
import { readOffThread } from "@/lib/shared/server/read-pool";
import { getModel, registerModel, type ModelVersion } from "@/lib/train/server/models";
import { checkRunQuota } from "@/lib/train/server/quotas";
import { createRun, getRun } from "@/lib/train/server/runs";
import { trainingData } from "@/lib/train/server/sample";
import { pairMetrics, type Metrics, type Pair } from "../actuals";
import { successCriterion } from "./actuals";
import { readActualInputs } from "./actuals-read";

/** Matched actuals the comparison needs before it trusts them over the validation split. */
export const MIN_ACTUALS_TO_COMPARE = 20;
/** How far back the comparison looks for matched actuals. */
const COMPARE_WINDOW_MS = 30 * 24 * 60 * 60 * 1000;
/** Rows of the validation split scored by both models at most. */
const MAX_VALIDATION_ROWS = 50_000;

const candidateSchema = z
  .object({ runId: z.string().min(1).optional(), modelId: z.string().min(1).optional() })
  .strict()
  .refine((b) => (b.runId === undefined) !== (b.modelId === undefined), { message: "give either runId or modelId", path: ["runId"] });

function championOf(name: string): { endpoint: Endpoint; champion: ModelVersion; projectId: string } {
  const endpoint = getEndpoint(name);
  const champion = getModel(endpoint.model.id);
  const projectId = champion.projectId ?? endpoint.projectId;
  if (!projectId)
    throw new AppError("CONFLICT", `${champion.name} v${champion.version} was imported and belongs to no project; there is nothing to retrain it on.`, [
      { field: "name", message: "no project" },
    ]);
  return { endpoint, champion, projectId };
}

/**
 * `POST /api/endpoints/{name}/retrain`: queues a challenger run with the champion's algorithm and
 * params on the project's newest recipe; when the champion's dataset has a newer version under
 * the same name, a recipe version pointing at it is saved first (and the project attached to it).
 * A person's retrain counts against the caps on queued runs (429 past them).
 */
export async function retrainEndpoint(name: string): Promise<{ runId: string; recipeVersion: number; datasetId: string; newData: boolean }> {
  const { champion, projectId } = championOf(name);
  // Refused before a recipe version is saved for nothing; createRun checks again as it queues.
  checkRunQuota(getDb(), { projectId, userId: currentPrincipal()?.userId ?? null, adding: 1 });
  const dataset = champion.manifest.dataset as { id: string; name?: string; version?: number } | undefined;
  const latest = dataset?.name ? findLatestVersion(dataset.name) : undefined;
  const recipe = getLatestRecipe(projectId);
  let newData = false;
  if (latest && dataset?.version !== undefined && latest.version > dataset.version && recipe.datasetId !== latest.id) {
    await saveRecipe(projectId, { ...recipe.spec, datasetId: latest.id });
    updateProject(projectId, { datasetId: latest.id });
    newData = true;
  }
  const run = createRun(projectId, { algorithm: champion.manifest.algorithm, params: champion.manifest.hyperparameters ?? {} });
  return { runId: run.id, recipeVersion: run.recipeVersion, datasetId: run.datasetId, newData };
}

/** The model version a candidate names: a model id, or a succeeded run (registered once, then reused). */
function candidateModel(body: { runId?: string; modelId?: string }): ModelVersion {
  if (body.modelId) {
    const exists = getDb().select({ id: models.id }).from(models).where(eq(models.id, body.modelId)).get();
    if (!exists) throw new AppError("VALIDATION", `Model version "${body.modelId}" does not exist.`, [{ field: "modelId", message: "unknown model version" }]);
    return getModel(body.modelId);
  }
  const run = (() => {
    try {
      return getRun(body.runId!);
    } catch {
      throw new AppError("VALIDATION", `Run "${body.runId}" does not exist.`, [{ field: "runId", message: "unknown run" }]);
    }
  })();
  if (run.status !== "succeeded")
    throw new AppError("CONFLICT", `The run is ${run.status}; only a succeeded run can be compared or promoted.`, [{ field: "runId", message: run.status }]);
  const registered = getDb().select({ id: models.id }).from(models).where(eq(models.runId, run.id)).orderBy(desc(models.createdAt)).limit(1).get();
  return registered ? getModel(registered.id) : registerModel({ runId: run.id });
}

/** A model's predictions of rows, or null per row it cannot score (a new category it refuses, say). */
function predictEach(predictor: Predictor, rows: Row[]): unknown[] {
  try {
    return predictor.predict(rows);
  } catch {
    return rows.map((r) => {
      try {
        return predictor.predict([r])[0];
      } catch {
        return null;
      }
    });
  }
}

function measure(task: Task, predictor: Predictor, rows: Row[], truth: unknown[]): Metrics & { rows: number } {
  const predictions = predictEach(predictor, rows);
  const now = new Date();
  const pairs: Pair[] = predictions.flatMap((prediction, i) => (prediction === null ? [] : [{ prediction, actual: truth[i], predictedAt: now }]));
  return pairMetrics(task, pairs);
}

/**
 * `POST /api/endpoints/{name}/compare`: champion and challenger measured on the same rows: the
 * matched actuals of the last 30 days when there are enough, else the challenger run's validation
 * split; `better` goes by the project's success metric (a tie keeps the champion).
 */
export async function compareWithChampion(name: string, input: unknown) {
  const body = parseWith(candidateSchema, input);
  const { endpoint, champion } = championOf(name);
  const task = endpoint.task as Task;
  if (task === "recommendation")
    throw new AppError("CONFLICT", "Recommenders are compared by their runs' hit rate; scoring both on new rows is not supported yet.", [
      { field: "name", message: "recommendation" },
    ]);
  const challenger = candidateModel(body);
  const [championPredictor, challengerPredictor] = await Promise.all([predictorFor(champion.id), predictorFor(challenger.id)]);

  let data: "actuals" | "validation" = "actuals";
  let rows: Row[];
  let truth: unknown[];
  // Read on a reader thread: the batch output tables the actuals point into can be large.
  const recent = await readOffThread({
    module: ACTUALS_READ_MODULE,
    fn: "readActualInputs",
    local: readActualInputs,
    args: [{ name, sinceMs: Date.now() - COMPARE_WINDOW_MS }],
  });
  if (recent.length >= MIN_ACTUALS_TO_COMPARE) {
    rows = recent.map((r) => r.input);
    truth = recent.map((r) => r.actual);
  } else {
    data = "validation";
    const run = challenger.runId ? getRun(challenger.runId) : null;
    if (!run)
      throw new AppError(
        "CONFLICT",
        `Fewer than ${MIN_ACTUALS_TO_COMPARE} matched actuals, and the challenger has no run whose validation split could be used.`,
        [{ field: "modelId", message: "no run" }],
      );
    // The recipe version the run trained on: its split is the one the validation rows come from.
    const spec: RecipeSpec = getRecipeVersion(run.projectId, run.recipeVersion).spec;
    // The rows the run trained on (a seeded sample of a large version): its split indexes them.
    const all = (await trainingData(run)).data.rows;
    const validation = splitIndices(all, spec.split).validation.slice(0, MAX_VALIDATION_ROWS);
    const target = String(challenger.manifest.target ?? spec.target);
    const picked = Array.from(validation, (i) => all[i]).filter((r) => r[target] !== null && r[target] !== undefined);
    rows = picked;
    truth = picked.map((r) => r[target]);
  }
  const metrics = { champion: measure(task, championPredictor, rows, truth), challenger: measure(task, challengerPredictor, rows, truth) };
  const criterion = successCriterion(endpoint.projectId, task);
  const a = metrics.champion[criterion.metric];
  const b = metrics.challenger[criterion.metric];
  const challengerWins = typeof b === "number" && (typeof a !== "number" || (criterion.higherIsBetter ? b > a : b < a));
  const ref = (m: ModelVersion) => ({ id: m.id, name: m.name, version: m.version });
  return {
    metric: criterion.metric,
    champion: { model: ref(champion), metrics: metrics.champion },
    challenger: { model: ref(challenger), run: challenger.runId, metrics: metrics.challenger },
    data,
    rows: rows.length,
    better: challengerWins ? ("challenger" as const) : ("champion" as const),
  };
}

/** `POST /api/endpoints/{name}/promote`: the candidate (a run is registered first) becomes the endpoint's version. */
export async function promoteToEndpoint(name: string, input: unknown): Promise<Endpoint> {
  const body = parseWith(candidateSchema, input);
  getEndpoint(name);
  const model = candidateModel(body);
  return updateEndpoint(name, { modelId: model.id });
}
