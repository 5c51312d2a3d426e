/** Browser-safe types of the "get data" step. */

export const COLUMN_TYPES = ["number", "integer", "boolean", "category", "datetime", "text"] as const;
export type ColumnType = (typeof COLUMN_TYPES)[number];

export const DATASET_FORMATS = ["csv", "tsv", "json", "jsonl"] as const;
export type DatasetFormat = (typeof DATASET_FORMATS)[number];

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
}

export interface DatasetVersion {
  id: string;
  name: string;
  version: number;
  sourceKind: "upload" | "url" | "sample";
  source: string;
  format: DatasetFormat;
  sizeBytes: number;
  rowCount: number;
  columns: ColumnInfo[];
  contentHash: string;
  createdAt: string;
}
