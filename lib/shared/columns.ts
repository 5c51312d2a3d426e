/**
 * What every step says about a table's columns and cells (browser-safe): the types a column can
 * have, a cell, a row, and a column as a dataset version describes it. Here rather than in the
 * "get data" step because the steps before it (define: a project's target column) name them too.
 */

export const COLUMN_TYPES = ["number", "integer", "boolean", "category", "datetime", "text"] as const;
export type ColumnType = (typeof COLUMN_TYPES)[number];

/** A raw cell as stored: strings from delimited text, JSON scalars from JSON files. */
export type RawCell = string | number | boolean | null;

/** A cell after coercion to its column's type: datetimes are ISO-8601 strings. */
export type Cell = string | number | boolean | null;

/** A row keyed by the exact column names of the file. */
export type Row = Record<string, Cell>;

export interface ColumnInfo {
  name: string;
  /** The type in force: the inferred one unless the user overrode it. */
  type: ColumnType;
  inferredType: ColumnType;
  nullCount: number;
  /** Some cell of the column has whitespace around it, which reading trims (the casts of lib/data/server/store.ts take the longer way then). */
  padded?: true;
}
