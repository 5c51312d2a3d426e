import { asc, desc, eq } from "drizzle-orm";
import { z } from "zod";
import { getDb } from "@/db/client";
import { projects, runs, sweeps, type SweepRow } from "@/db/schema";
import { metricInfo } from "@/lib/define/tasks";
import { mulberry32 } from "@/lib/prepare/split";
import { AppError, notFound } from "@/lib/shared/errors";
import { newId } from "@/lib/shared/ids";
import { parseWith } from "@/lib/shared/http";
import { MAX_SWEEP_TRIALS } from "../sweep-space";
import { ALGORITHMS } from "../types";
import { newRunRow, presentRun, type Run } from "./runs";

export { MAX_SWEEP_TRIALS };
const DEFAULT_METRIC = { regression: "r2", classification: "accuracy", forecasting: "wape", recommendation: "hitRate" } as const;

const sweepSchema = z
  .object({
    algorithm: z.enum(ALGORITHMS),
    method: z.enum(["grid", "random"]).default("grid"),
    space: z.record(z.string(), z.array(z.unknown()).min(1, "list at least one value").max(20)).refine((s) => Object.keys(s).length > 0, "name at least one param to search"),
    trials: z.number().int().min(1).max(MAX_SWEEP_TRIALS).optional(),
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
  const all = grid(space);
  const seen = new Set<string>();
  const out: Record<string, unknown>[] = [];
  for (let attempt = 0; out.length < trials && attempt < trials * 20; attempt++) {
    const draw = Object.fromEntries(Object.entries(space).map(([k, vs]) => [k, vs[Math.floor(rand() * vs.length)]]));
    const key = JSON.stringify(draw);
    if (seen.has(key) && seen.size < all.length) continue;
    seen.add(key);
    out.push(draw);
  }
  return out;
}

/** Queues a sweep's trials as runs, all validated before any is stored. */
export function createSweep(projectId: string, input: unknown): Sweep {
  const body = parseWith(sweepSchema, input);
  const project = getDb().select().from(projects).where(eq(projects.id, projectId)).get();
  if (!project) throw notFound("Project", projectId);
  const combos = body.method === "grid" ? grid(body.space) : randomDraws(body.space, body.trials ?? 10, body.seed ?? 42);
  if (combos.length > MAX_SWEEP_TRIALS) {
    throw new AppError("VALIDATION", `The grid has ${combos.length} combinations; at most ${MAX_SWEEP_TRIALS} are run. Narrow it or use method "random".`, [
      { field: "space", message: `${combos.length} combinations` },
    ]);
  }
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
    createdAt: new Date(),
  };
  const db = getDb();
  db.transaction((tx) => {
    tx.insert(sweeps).values(row).run();
    // Staggered creation times keep the worker's oldest-first order equal to the trial order.
    rows.forEach((r, i) => tx.insert(runs).values({ ...r, createdAt: new Date(r.createdAt.getTime() + i) }).run());
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
  return getDb().select({ id: sweeps.id }).from(sweeps).where(eq(sweeps.projectId, projectId)).orderBy(desc(sweeps.createdAt)).all().map((s) => getSweep(s.id));
}
