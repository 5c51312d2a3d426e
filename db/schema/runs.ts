import { sqliteTable, text, integer, index } from "drizzle-orm/sqlite-core";
import { datasetVersions } from "./datasets";
import { projects } from "./projects";
import { recipes } from "./recipes";

/**
 * One training run: what was trained on what, how it went, and what it scored. It goes with its
 * project and recipe; its dataset version is its recipe's. `sweepId` and `createdBy` name rows that
 * are never deleted (sweeps, people), so no key is declared for them.
 */
export const runs = sqliteTable(
  "runs",
  {
    id: text().primaryKey(),
    projectId: text()
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    algorithm: text().notNull(),
    /** The params as resolved (defaults filled in), so a run can be repeated exactly. */
    params: text({ mode: "json" }).notNull().$type<Record<string, unknown>>(),
    status: text({ enum: ["queued", "running", "succeeded", "failed", "cancelled"] }).notNull(),
    location: text({ enum: ["server", "browser"] }).notNull(),
    backend: text(),
    datasetId: text()
      .notNull()
      .references(() => datasetVersions.id),
    recipeId: text()
      .notNull()
      .references(() => recipes.id, { onDelete: "cascade" }),
    recipeVersion: integer().notNull(),
    seed: integer().notNull(),
    epoch: integer().notNull().default(0),
    totalEpochs: integer().notNull().default(0),
    history: text({ mode: "json" }).notNull().$type<unknown[]>(),
    /** `{validation: {...}, test?: {...}}`, each keyed by the task's metric names (METRICS in lib/define/tasks.ts). */
    metrics: text({ mode: "json" }).$type<Record<string, unknown>>(),
    baseline: text({ mode: "json" }).$type<Record<string, unknown>>(),
    /** Task-specific extras: confusion matrix, per-horizon errors, stopped early, best epoch. */
    details: text({ mode: "json" }).$type<Record<string, unknown>>(),
    error: text(),
    cancelRequested: integer({ mode: "boolean" }).notNull().default(false),
    /** The sweep this run is a trial of, if any. */
    sweepId: text(),
    /** The person (user id) who queued it; null for runs made by the system (samples, retrain by a rule). */
    createdBy: text(),
    createdAt: integer({ mode: "timestamp_ms" }).notNull(),
    startedAt: integer({ mode: "timestamp_ms" }),
    finishedAt: integer({ mode: "timestamp_ms" }),
    /** The training worker that took it (lib/shared/server/proc.ts processIdentity): a worker that starts fails a running run only once its worker is gone. */
    claimedBy: text(),
    /**
     * The most rows the run trains on: a version with more trains on a seeded sample of this many
     * (lib/train/server/sample.ts); what it took is in details.sample. Null: the default.
     */
    sampleRows: integer(),
  },
  (t) => [index("runs_project").on(t.projectId, t.createdAt), index("runs_status").on(t.status, t.createdAt), index("runs_sweep").on(t.sweepId)],
);

/**
 * A hyperparameter search: N trials of one algorithm, run one after another by the worker.
 * `projectId` is not a declared reference: a sweep stays when its project is deleted.
 */
export const sweeps = sqliteTable("sweeps", {
  id: text().primaryKey(),
  projectId: text().notNull(),
  algorithm: text().notNull(),
  method: text({ enum: ["grid", "random"] }).notNull(),
  /** Param name → the values to try. */
  space: text({ mode: "json" }).notNull().$type<Record<string, unknown[]>>(),
  /** Params every trial shares. */
  baseParams: text({ mode: "json" }).notNull().$type<Record<string, unknown>>(),
  metric: text().notNull(),
  createdBy: text(),
  createdAt: integer({ mode: "timestamp_ms" }).notNull(),
});

export type SweepRow = typeof sweeps.$inferSelect;

export type RunRow = typeof runs.$inferSelect;
