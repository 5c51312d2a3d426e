import { setCell, toTimestamp } from "@/lib/shared/cells";
import type { Cell, ColumnType, Row } from "./types";

/**
 * A table held as columns rather than rows (browser-safe): what DuckDB hands back when a dataset
 * version is read, and what the columnar recipe, training and batch scoring work on. Numbers,
 * integers, booleans (1/0) and datetimes (epoch milliseconds, UTC) are a Float64Array with NaN
 * for a missing value; categories and texts an array of strings with null for a missing value.
 */
export type ColumnData = { type: Exclude<ColumnType, "category" | "text">; values: Float64Array } | { type: "category" | "text"; values: (string | null)[] };

export interface ColumnBatch {
  length: number;
  /** By exact column name, in the version's column order. */
  columns: Map<string, ColumnData>;
}

export const isTextType = (type: ColumnType): type is "category" | "text" => type === "category" || type === "text";

/** An empty column of a type, of `length` missing values. */
export function emptyColumn(type: ColumnType, length: number): ColumnData {
  return isTextType(type) ? { type, values: new Array<string | null>(length).fill(null) } : { type, values: new Float64Array(length).fill(Number.NaN) };
}

/** A cell of a column as a row holds it: a datetime as its ISO text, a boolean as true/false. */
export function cellOf(column: ColumnData, i: number): Cell {
  if (isTextType(column.type)) return (column.values as (string | null)[])[i];
  const v = (column.values as Float64Array)[i];
  if (Number.isNaN(v)) return null;
  if (column.type === "datetime") return new Date(v).toISOString();
  if (column.type === "boolean") return v === 1;
  return v;
}

/**
 * toTimestamp of a cell (null when missing or unreadable) without making a datetime's ISO text:
 * the time a time split or a lag orders rows by.
 */
export function timeOfCell(column: ColumnData, i: number): number | null {
  if (isTextType(column.type)) return toTimestamp((column.values as (string | null)[])[i]);
  const v = (column.values as Float64Array)[i];
  // A boolean's cell is true/false, which has no time; a datetime's ISO text holds whole milliseconds.
  if (column.type === "boolean" || !Number.isFinite(v)) return null;
  return column.type === "datetime" ? wholeMilliseconds(v) : v;
}

/** Epoch milliseconds as a Date keeps them (and its ISO text reads back): truncated, never -0. */
export const wholeMilliseconds = (ms: number) => Math.trunc(ms) + 0;

/** The value a row's cell has in a column of a type (the inverse of cellOf). */
export function numberOfCell(cell: Cell | undefined, type: ColumnType): number {
  if (cell === null || cell === undefined) return Number.NaN;
  if (type === "datetime") return typeof cell === "string" ? Date.parse(cell) : Number.NaN;
  if (type === "boolean") return typeof cell === "boolean" ? (cell ? 1 : 0) : Number.NaN;
  return typeof cell === "number" ? cell : Number.NaN;
}

/** A batch as rows keyed by column name (the row path's input). */
export function rowsOfBatch(batch: ColumnBatch, from = 0, to = batch.length): Row[] {
  const rows: Row[] = [];
  const entries = [...batch.columns];
  for (let i = from; i < to; i++) {
    const row: Row = {};
    for (const [name, column] of entries) setCell(row, name, cellOf(column, i));
    rows.push(row);
  }
  return rows;
}

/** Rows `indices` of a batch, in that order (a split's part, a sample). */
export function takeBatchRows(batch: ColumnBatch, indices: ArrayLike<number>): ColumnBatch {
  const out = new Map<string, ColumnData>();
  for (const [name, column] of batch.columns) {
    const taken = emptyColumn(column.type, indices.length);
    for (let i = 0; i < indices.length; i++) taken.values[i] = column.values[indices[i]];
    out.set(name, taken);
  }
  return { length: indices.length, columns: out };
}
