import { sqliteTable, text, integer, uniqueIndex } from "drizzle-orm/sqlite-core";
import { datasetVersions } from "./datasets";
import { projects } from "./projects";

/**
 * A saved preparation recipe of a project; every save is a new, immutable version. It goes with its
 * project, and keeps the dataset version it was built on from being deleted (so it can be reproduced).
 */
export const recipes = sqliteTable(
  "recipes",
  {
    id: text().primaryKey(),
    projectId: text()
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    version: integer().notNull(),
    datasetId: text()
      .notNull()
      .references(() => datasetVersions.id),
    /** The RecipeSpec: target, features, steps, split. */
    spec: text({ mode: "json" }).notNull().$type<unknown>(),
    createdAt: integer({ mode: "timestamp_ms" }).notNull(),
  },
  (t) => [uniqueIndex("recipes_project_version").on(t.projectId, t.version)],
);

export type RecipeRow = typeof recipes.$inferSelect;
