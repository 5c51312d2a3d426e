import { sqliteTable, text, integer, uniqueIndex } from "drizzle-orm/sqlite-core";

/** A saved preparation recipe of a project; every save is a new, immutable version. */
export const recipes = sqliteTable(
  "recipes",
  {
    id: text().primaryKey(),
    projectId: text().notNull(),
    version: integer().notNull(),
    datasetId: text().notNull(),
    /** The RecipeSpec: target, features, steps, split. */
    spec: text({ mode: "json" }).notNull().$type<unknown>(),
    createdAt: integer({ mode: "timestamp_ms" }).notNull(),
  },
  (t) => [uniqueIndex("recipes_project_version").on(t.projectId, t.version)],
);

export type RecipeRow = typeof recipes.$inferSelect;
