import { asc, desc, eq } from "drizzle-orm";
import { z } from "zod";
import { getDb } from "@/db/client";
import { projects, runs, sweeps, type SweepRow } from "@/db/schema";
import { metricInfo } from "@/lib/define/tasks";
import { currentPrincipal } from "@/lib/identity/server/context";
import { getSettings } from "@/lib/identity/server/settings";
import { AppError, invalidFields, notFound } from "@/lib/shared/errors";
import { parseWith } from "@/lib/shared/http";
import { newId } from "@/lib/shared/ids";
import { mulberry32 } from "@/lib/shared/random";
import { ALGORITHM_IDS, getAlgorithm } from "../algorithms/registry";
import { spaceViolations } from "../param-bounds";
import { gridSize } from "../sweep-space";
import { checkRunQuota } from "./quotas";
import { newRunRow, presentRun, type Run } from "./runs";

/** Trials a random sweep draws unless told otherwise. */
const DEFAULT_RANDOM_TRIALS = 10;
const DEFAULT_METRIC = { regression: "r2", classification: "accuracy", forecasting: "wape", recommendation: "hitRate" } as const;

const sweepSchema = z
  .object({
    algorithm: z.enum(ALGORITHM_IDS),
    method: z.enum(["grid", "random"]).default("grid"),
    space: z
      .record(z.string(), z.array(z.unknown()).min(1, "list at least one value").max(20))
      .refine((s) => Object.keys(s).length > 0, "name at least one param to search"),
    trials: z.number().int().min(1).optional(),
    params: z.record(z.string(), z.unknown()).optional(),
    seed: z.number().int().min(0).optional(),
  })
  .strict();

export interface Sweep {
  id: string;
  projectId: string;
  algorithm: string;
  method: "grid" | "random";
  space: Record<string, unknown[]>;
  metric: string;
  status: "running" | "done";
  best: string | null;
  trials: Run[];
  createdAt: string;
}

/** Every combination of the space's values, in a stable order. */
function grid(space: Record<string, unknown[]>): Record<string, unknown>[] {
  return Object.entries(space).reduce<Record<string, unknown>[]>(
    (acc, [key, values]) => acc.flatMap((combo) => values.map((v) => ({ ...combo, [key]: v }))),
    [{}],
  );
}

/** `trials` seeded draws, each param's value picked uniformly from its list; repeats are skipped when possible. */
function randomDraws(space: Record<string, unknown[]>, trials: number, seed: number): Record<string, unknown>[] {
  const rand = mulberry32(seed);
  const combinations = gridSize(space);
  const seen = new Set<string>();
  const out: Record<string, unknown>[] = [];
  for (let attempt = 0; out.length < trials && attempt < trials * 20; attempt++) {
    const draw = Object.fromEntries(Object.entries(space).map(([k, vs]) => [k, vs[Math.floor(rand() * vs.length)]]));
    const key = JSON.stringify(draw);
    if (seen.has(key) && seen.size < combinations) continue;
    seen.add(key);
    out.push(draw);
  }
  return out;
}

/**
 * The most trials a sweep may queue: the administrators' `maxSweepTrials`, and for a person no
 * more than their and a project's caps on queued runs (a larger sweep could never be queued).
 */
export function sweepTrialCap(forPerson: boolean): { cap: number; why: string } {
  const q = getSettings().quotas;
  const caps = [{ cap: q.maxSweepTrials, why: "the most trials a sweep may queue" }];
  if (forPerson) {
    caps.push({ cap: q.maxQueuedRunsPerUser, why: "the most runs a person may have queued or running" });
    caps.push({ cap: q.maxQueuedRunsPerProject, why: "the most runs a project may have queued or running" });
  }
  return caps.reduce((a, b) => (b.cap < a.cap ? b : a));
}

/**
 * Queues a sweep's trials as runs, all validated before any is stored: every value of the space
 * within its param's bounds, at most `sweepTrialCap` trials (422 naming space or trials), and
 * within the queue caps as a whole (429: a sweep is queued whole or not at all).
 */
export function createSweep(projectId: string, input: unknown): Sweep {
  const body = parseWith(sweepSchema, input);
  const project = getDb().select().from(projects).where(eq(projects.id, projectId)).get();
  if (!project) throw notFound("Project", projectId);
  const bad = spaceViolations(getAlgorithm(body.algorithm), body.space);
  if (bad.length > 0) throw invalidFields(bad);
  const createdBy = currentPrincipal()?.userId ?? null;
  const { cap, why } = sweepTrialCap(createdBy !== null);
  // Counted before any combination is built: 20 values of 8 params would be 2.5e10 of them.
  const combinations = gridSize(body.space);
  if (body.method === "grid" && combinations > cap) {
    throw new AppError("VALIDATION", `The grid has ${combinations} combinations; at most ${cap} are run (${why}). Narrow it or use method "random".`, [
      { field: "space", message: `${combinations} combinations; at most ${cap}` },
    ]);
  }
  const trials = body.trials ?? Math.min(DEFAULT_RANDOM_TRIALS, cap);
  if (body.method === "random" && trials > cap) {
    throw new AppError("VALIDATION", `A sweep runs at most ${cap} trials (${why}); ${trials} were asked.`, [{ field: "trials", message: `at most ${cap}` }]);
  }
  const combos = body.method === "grid" ? grid(body.space) : randomDraws(body.space, trials, body.seed ?? 42);
  const sweepId = newId("swp");
  const rows = combos.map((combo, i) => {
    try {
      return newRunRow(projectId, body.algorithm, { ...(body.params ?? {}), ...combo }, sweepId);
    } catch (e) {
      // Point the error at the space entry that produced the bad value.
      if (e instanceof AppError && e.code === "VALIDATION") {
        const errors = e.errors.map((x) => ({ ...x, field: x.field.replace(/^params\.(\w+)/, (m, k: string) => (k in body.space ? `space.${k}` : m)) }));
        throw new AppError("VALIDATION", `trial ${i + 1}: ${e.message}`, errors);
      }
      throw e;
    }
  });
  const metric = project.successMetric && metricInfo(project.task, project.successMetric) ? project.successMetric : DEFAULT_METRIC[project.task];
  const row: SweepRow = {
    id: sweepId,
    projectId,
    algorithm: body.algorithm,
    method: body.method,
    space: body.space,
    baseParams: body.params ?? {},
    metric,
    createdBy,
    createdAt: new Date(),
  };
  const db = getDb();
  db.transaction((tx) => {
    checkRunQuota(tx, { projectId, userId: createdBy, adding: rows.length });
    tx.insert(sweeps).values(row).run();
    // Staggered creation times keep the worker's oldest-first order equal to the trial order.
    rows.forEach((r, i) =>
      tx
        .insert(runs)
        .values({ ...r, createdAt: new Date(r.createdAt.getTime() + i) })
        .run(),
    );
  });
  return getSweep(sweepId);
}

export function getSweep(id: string): Sweep {
  const db = getDb();
  const row = db.select().from(sweeps).where(eq(sweeps.id, id)).get();
  if (!row) throw notFound("Sweep", id);
  const project = db.select({ task: projects.task }).from(projects).where(eq(projects.id, row.projectId)).get();
  const trials = db.select().from(runs).where(eq(runs.sweepId, id)).orderBy(asc(runs.createdAt)).all().map(presentRun);
  const higher = project ? (metricInfo(project.task, row.metric)?.higherIsBetter ?? true) : true;
  let best: Run | null = null;
  let bestValue = 0;
  for (const t of trials) {
    const v = (t.metrics?.validation as Record<string, number> | undefined)?.[row.metric];
    if (t.status !== "succeeded" || typeof v !== "number" || !Number.isFinite(v)) continue;
    if (!best || (higher ? v > bestValue : v < bestValue)) {
      best = t;
      bestValue = v;
    }
  }
  const done = trials.every((t) => t.status !== "queued" && t.status !== "running");
  return {
    id: row.id,
    projectId: row.projectId,
    algorithm: row.algorithm,
    method: row.method,
    space: row.space,
    metric: row.metric,
    status: done ? "done" : "running",
    best: best?.id ?? null,
    trials,
    createdAt: row.createdAt.toISOString(),
  };
}

export function listSweeps(projectId: string): Sweep[] {
  const p = getDb().select({ id: projects.id }).from(projects).where(eq(projects.id, projectId)).get();
  if (!p) throw notFound("Project", projectId);
  return getDb()
    .select({ id: sweeps.id })
    .from(sweeps)
    .where(eq(sweeps.projectId, projectId))
    .orderBy(desc(sweeps.createdAt))
    .all()
    .map((s) => getSweep(s.id));
}
