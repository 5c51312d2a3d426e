import { and, desc, eq, inArray, sql } from "drizzle-orm";
import { z } from "zod";
import { getDb } from "@/db/client";
import { projects, recipes, runs, type RunRow } from "@/db/schema";
import { AppError, notFound, validation } from "@/lib/shared/errors";
import { newId } from "@/lib/shared/ids";
import { parseWith } from "@/lib/shared/http";
import { nextFairId } from "@/lib/shared/server/fair-queue";
import { identityAlive, processIdentity } from "@/lib/shared/server/proc";
import { getDataset } from "@/lib/data/server/datasets";
import { currentPrincipal } from "@/lib/identity/server/context";
import type { RecipeSpec } from "@/lib/prepare/recipe-schema";
import type { RunBaseline, RunMetrics } from "../algorithms/algorithm";
import { ALGORITHM_IDS, type AlgorithmId, algorithmsFor, type RunDetails } from "../algorithms/registry";
import { type RunContext, runContextOf } from "../run-context";
import { resolveRunParams } from "../run-params";
import { DEFAULT_TRAIN_SAMPLE_ROWS, MAX_TRAIN_SAMPLE_ROWS, MIN_TRAIN_SAMPLE_ROWS } from "../sample-size";
import type { EpochLog } from "../types";
import { checkRunQuota } from "./quotas";

export interface Run {
  id: string;
  projectId: string;
  algorithm: string;
  params: Record<string, unknown>;
  status: RunRow["status"];
  location: RunRow["location"];
  backend: string | null;
  datasetId: string;
  recipeId: string;
  recipeVersion: number;
  seed: number;
  progress: { epoch: number; totalEpochs: number };
  history: EpochLog[];
  metrics: RunMetrics | null;
  baseline: RunBaseline | null;
  /** What the run's algorithm records besides its metrics (its own details type). */
  details: RunDetails | null;
  /** The most rows the run trains on (a larger version: a seeded sample of this many; details.sample says what it took). */
  sampleRows: number;
  error: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
}

/** A run as the API answers it; its JSON columns hold what the worker (or the browser) stored for its algorithm. */
export function presentRun(r: RunRow): Run {
  return {
    id: r.id,
    projectId: r.projectId,
    algorithm: r.algorithm,
    params: r.params,
    status: r.status,
    location: r.location,
    backend: r.backend,
    datasetId: r.datasetId,
    recipeId: r.recipeId,
    recipeVersion: r.recipeVersion,
    seed: r.seed,
    progress: { epoch: r.epoch, totalEpochs: r.totalEpochs },
    history: r.history as EpochLog[],
    metrics: (r.metrics as RunMetrics | null) ?? null,
    baseline: (r.baseline as RunBaseline | null) ?? null,
    details: (r.details as RunDetails | null) ?? null,
    sampleRows: r.sampleRows ?? DEFAULT_TRAIN_SAMPLE_ROWS,
    error: r.error,
    createdAt: r.createdAt.toISOString(),
    startedAt: r.startedAt?.toISOString() ?? null,
    finishedAt: r.finishedAt?.toISOString() ?? null,
    durationMs: r.startedAt && r.finishedAt ? r.finishedAt.getTime() - r.startedAt.getTime() : null,
  };
}

const createRunSchema = z
  .object({
    algorithm: z.enum(ALGORITHM_IDS, { message: `must be one of ${ALGORITHM_IDS.join(", ")}` }),
    params: z.record(z.string(), z.unknown()).optional(),
    /** The most rows to train on: a larger version trains on a seeded sample of this many. */
    sampleRows: z.number().int().min(MIN_TRAIN_SAMPLE_ROWS).max(MAX_TRAIN_SAMPLE_ROWS).optional(),
  })
  .strict();

/**
 * Queues a server-side training run of the project's latest recipe on its dataset version.
 * The worker process picks it up; this only validates and records it (with the person who asked,
 * within their and the project's caps on queued runs: a 429 past them).
 */
export function createRun(projectId: string, input: unknown): Run {
  const body = parseWith(createRunSchema, input);
  const row = { ...newRunRow(projectId, body.algorithm, body.params ?? {}), sampleRows: body.sampleRows ?? null };
  getDb().transaction((tx) => {
    checkRunQuota(tx, { projectId, userId: row.createdBy, adding: 1 });
    tx.insert(runs).values(row).run();
  });
  return presentRun(row);
}

/** Checks a project can train `algorithm` and resolves its params; the row (queued by the current person, if any) is not stored yet. */
export function newRunRow(projectId: string, algorithm: AlgorithmId, rawParams: Record<string, unknown>, sweepId: string | null = null): RunRow {
  const db = getDb();
  const project = db.select().from(projects).where(eq(projects.id, projectId)).get();
  if (!project) throw notFound("Project", projectId);
  const allowed = algorithmsFor(project.task).map((a) => a.id);
  if (!allowed.includes(algorithm)) {
    throw validation("algorithm", `${algorithm} does not fit a ${project.task} project; use ${allowed.join(" or ")}.`);
  }
  const recipe = db.select().from(recipes).where(eq(recipes.projectId, projectId)).orderBy(desc(recipes.version)).limit(1).get();
  if (!recipe) {
    throw new AppError("CONFLICT", "The project has no recipe yet: attach data and save a recipe (step 3) before training.", [
      { field: "recipe", message: "required" },
    ]);
  }
  const params = resolveRunParams(algorithm, rawParams, runContext(recipe.datasetId, recipe.spec as RecipeSpec));
  return {
    id: newId("run"),
    projectId,
    algorithm,
    params,
    status: "queued",
    location: "server",
    backend: null,
    datasetId: recipe.datasetId,
    recipeId: recipe.id,
    recipeVersion: recipe.version,
    seed: Number(params.seed ?? 42),
    epoch: 0,
    totalEpochs: Number(params.epochs ?? 0),
    history: [],
    metrics: null,
    baseline: null,
    details: null,
    error: null,
    cancelRequested: false,
    sweepId,
    createdBy: currentPrincipal()?.userId ?? null,
    createdAt: new Date(),
    startedAt: null,
    finishedAt: null,
    claimedBy: null,
    sampleRows: null,
  };
}

/** The recipe's raw columns and types on its dataset, which a forecaster's and a recommender's params are resolved against. */
export function runContext(datasetId: string, spec: RecipeSpec): RunContext {
  const dataset = getDataset(datasetId);
  return runContextOf(spec, dataset.columns, dataset.rowCount);
}

export function getRun(id: string): Run {
  const row = getDb().select().from(runs).where(eq(runs.id, id)).get();
  if (!row) throw notFound("Run", id);
  return presentRun(row);
}

export function listRuns(projectId: string): Run[] {
  const p = getDb().select({ id: projects.id }).from(projects).where(eq(projects.id, projectId)).get();
  if (!p) throw notFound("Project", projectId);
  return getDb().select().from(runs).where(eq(runs.projectId, projectId)).orderBy(desc(runs.createdAt)).all().map(presentRun);
}

/** Asks a run to stop: a queued run is cancelled at once, a running one at its next epoch. */
export function cancelRun(id: string): Run {
  const db = getDb();
  // One statement, not a read then a write: a worker claiming the run between the two made the
  // cancel of a queued run match nothing, and the run trained on as if no one had asked.
  const queued = sql`${runs.status} = 'queued'`;
  const cancelled = db
    .update(runs)
    .set({
      cancelRequested: true,
      status: sql`CASE WHEN ${queued} THEN 'cancelled' ELSE ${runs.status} END`,
      finishedAt: sql`CASE WHEN ${queued} THEN ${Date.now()} ELSE ${runs.finishedAt} END`,
    })
    .where(and(eq(runs.id, id), inArray(runs.status, ["queued", "running"])))
    .run();
  if (cancelled.changes === 0) {
    const row = db.select({ status: runs.status }).from(runs).where(eq(runs.id, id)).get();
    if (!row) throw notFound("Run", id);
    throw new AppError("CONFLICT", `The run has already ${row.status}; there is nothing to cancel.`, [{ field: "status", message: row.status }]);
  }
  return getRun(id);
}

/**
 * Claims a queued run for a training worker, atomically (in one write transaction: two workers
 * never take the same run): fairly between projects, the oldest of the project served least
 * recently (nextFairId), so one project's sweep does not hold every other project's runs back.
 * The run records which process took it (failInterruptedRuns).
 */
export function claimNextRun(): RunRow | undefined {
  const db = getDb();
  // A plain read first: the worker polls often, and an idle poll should not take the write lock.
  if (!db.select({ id: runs.id }).from(runs).where(eq(runs.status, "queued")).limit(1).get()) return undefined;
  return db.transaction((tx) => {
    const id = nextFairId(tx, sql`SELECT id, project_id AS grp, status, created_at, started_at FROM runs`);
    if (!id) return undefined;
    return tx
      .update(runs)
      .set({ status: "running", startedAt: new Date(), claimedBy: processIdentity() })
      .where(and(eq(runs.id, id), eq(runs.status, "queued")))
      .returning()
      .get();
  });
}

export const INTERRUPTED_RUN_ERROR = "interrupted: the worker stopped while this run was training; start it again";

/**
 * Runs a dead worker left "running" can never finish: say so instead of leaving them hanging. A
 * run whose worker still runs (another training worker on this data folder) is its worker's.
 */
export function failInterruptedRuns(): number {
  return getDb().transaction((tx) => {
    const running = tx.select({ id: runs.id, claimedBy: runs.claimedBy }).from(runs).where(eq(runs.status, "running")).all();
    const orphaned = running.filter((r) => !r.claimedBy || !identityAlive(r.claimedBy)).map((r) => r.id);
    if (orphaned.length === 0) return 0;
    return tx.update(runs).set({ status: "failed", error: INTERRUPTED_RUN_ERROR, finishedAt: new Date() }).where(inArray(runs.id, orphaned)).run().changes;
  });
}
