import { sqliteTable, text, integer, uniqueIndex } from "drizzle-orm/sqlite-core";

/** A registered model version: an immutable bundle on disk, numbered per name. */
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
