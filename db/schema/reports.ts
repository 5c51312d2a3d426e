import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * A report joins a history dataset (its newest version) with the newest succeeded batch output of
 * an endpoint: one value over time per series, history beside forecast.
 */
export const reports = sqliteTable("reports", {
  id: text().primaryKey(),
  name: text().notNull(),
  endpointName: text().notNull(),
  /** A dataset NAME: the report reads its newest ready version. */
  historyDataset: text().notNull(),
  timeColumn: text().notNull(),
  valueColumn: text().notNull(),
  /** The columns that name a series (store, brand), in order; empty for a single series. */
  seriesColumns: text({ mode: "json" }).notNull().$type<string[]>(),
  createdAt: integer({ mode: "timestamp_ms" }).notNull(),
  updatedAt: integer({ mode: "timestamp_ms" }).notNull(),
});

export type ReportRow = typeof reports.$inferSelect;
