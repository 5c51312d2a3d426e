import { sqliteTable, text, integer, index, uniqueIndex, primaryKey } from "drizzle-orm/sqlite-core";

/** One immutable version of a named dataset. `id` identifies the version. */
export const datasetVersions = sqliteTable(
  "dataset_versions",
  {
    id: text().primaryKey(),
    name: text().notNull(),
    version: integer().notNull(),
    /** "ingesting" while rows stream in; only "ready" versions are visible. */
    status: text({ enum: ["ingesting", "ready"] }).notNull(),
    sourceKind: text({ enum: ["upload", "url", "sample"] }).notNull(),
    /** File name of an upload, the URL of an import, the file of a sample. */
    source: text().notNull(),
    format: text({ enum: ["csv", "tsv", "json", "jsonl", "parquet"] }).notNull(),
    sizeBytes: integer().notNull().default(0),
    rowCount: integer().notNull().default(0),
    /** JSON array of ColumnInfo (name, type, inferredType, nullCount). */
    columns: text({ mode: "json" }).notNull().$type<unknown[]>(),
    contentHash: text().notNull().default(""),
    createdAt: integer({ mode: "timestamp_ms" }).notNull(),
  },
  (t) => [uniqueIndex("dataset_versions_name_version").on(t.name, t.version)],
);

/**
 * Raw cell values of a version, one JSON array per row, in file order. The code deletes a version's
 * rows first, in batches after a crash (lib/data/server/recover.ts), so the cascade finds none left.
 */
export const datasetRows = sqliteTable(
  "dataset_rows",
  {
    versionId: text()
      .notNull()
      .references(() => datasetVersions.id, { onDelete: "cascade" }),
    idx: integer().notNull(),
    data: text().notNull(),
  },
  (t) => [primaryKey({ columns: [t.versionId, t.idx] })],
);

/** A version's profile, computed once and cached (dropped when a column type is overridden). */
export const datasetProfiles = sqliteTable(
  "dataset_profiles",
  {
    versionId: text()
      .primaryKey()
      .references(() => datasetVersions.id, { onDelete: "cascade" }),
    profile: text({ mode: "json" }).notNull().$type<unknown>(),
    durationMs: integer().notNull(),
    computedAt: integer({ mode: "timestamp_ms" }).notNull(),
  },
  (t) => [index("dataset_profiles_computed").on(t.computedAt)],
);

export type DatasetVersionRow = typeof datasetVersions.$inferSelect;
