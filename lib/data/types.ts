/** Browser-safe types of the "get data" step. */

export { COLUMN_TYPES, type ColumnType, type RawCell, type Cell, type Row, type ColumnInfo } from "@/lib/shared/columns";
import type { ColumnInfo } from "@/lib/shared/columns";

export const DATASET_FORMATS = ["csv", "tsv", "json", "jsonl", "parquet"] as const;
export type DatasetFormat = (typeof DATASET_FORMATS)[number];

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
