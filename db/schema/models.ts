import { sqliteTable, text, integer, uniqueIndex } from "drizzle-orm/sqlite-core";

/**
 * A registered model version: an immutable bundle on disk, numbered per name. Never deleted; it
 * stays when its run and project are (an endpoint may serve it), so `runId` and `projectId` are
 * not declared references.
 */
export const models = sqliteTable(
  "models",
  {
    id: text().primaryKey(),
    name: text().notNull(),
    version: integer().notNull(),
    /** The run it came from; null for a bundle imported from elsewhere. */
    runId: text(),
    projectId: text(),
    manifest: text({ mode: "json" }).notNull().$type<Record<string, unknown>>(),
    createdAt: integer({ mode: "timestamp_ms" }).notNull(),
  },
  (t) => [uniqueIndex("models_name_version").on(t.name, t.version)],
);

export type ModelRow = typeof models.$inferSelect;
