import { sqliteTable, text, real, integer } from "drizzle-orm/sqlite-core";
import { datasetVersions } from "./datasets";

export const projects = sqliteTable("projects", {
  id: text().primaryKey(),
  name: text().notNull(),
  description: text().notNull().default(""),
  task: text({ enum: ["regression", "classification", "forecasting", "recommendation"] }).notNull(),
  target: text(),
  successMetric: text(),
  successThreshold: real(),
  delivery: text({ enum: ["realtime", "batch"] })
    .notNull()
    .default("realtime"),
  /** The dataset version attached to the project (its data for steps 3 and 4); it cannot be deleted while attached. */
  datasetId: text().references(() => datasetVersions.id),
  /** Set for the bundled samples, so they are seeded once. */
  sampleKey: text().unique(),
  createdAt: integer({ mode: "timestamp_ms" }).notNull(),
  updatedAt: integer({ mode: "timestamp_ms" }).notNull(),
});

export type ProjectRow = typeof projects.$inferSelect;
