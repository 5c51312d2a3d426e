import { type ColumnBatch, type ColumnData, cellOf, isTextType } from "@/lib/data/column-batch";
import type { Cell, Row } from "@/lib/data/types";
import { cellToNumber, ownCell } from "@/lib/shared/cells";
import { AppError } from "@/lib/shared/errors";

/**
 * From the rows a fitted recipe produced to the dense numbers a model eats. Pure and
 * isomorphic. A model must never silently eat NaN, so every cell that is not a finite number
 * is an error naming its column and the recipe step that would fix it.
 */

/** A dense row-major matrix. Shape: [rows, cols]; cell (i, j) is `data[i * cols + j]`. */
export interface Matrix {
  data: Float32Array;
  rows: number;
  cols: number;
}

export const emptyMatrix = (cols: number): Matrix => ({ data: new Float32Array(0), rows: 0, cols });

function describeCell(cell: Cell | undefined): string {
  if (cell === null || cell === undefined) return "a missing value";
  if (typeof cell === "number") return Number.isNaN(cell) ? "NaN" : String(cell);
  return JSON.stringify(cell);
}

/** The VALIDATION error for a feature cell no model can use (missing, not finite in float32, not a number). */
export function badFeature(column: string, rowIndex: number, cell: Cell | undefined): AppError {
  const missing = cell === null || cell === undefined || (typeof cell === "number" && Number.isNaN(cell));
  const asNumber = typeof cell === "number" ? cell : typeof cell === "string" && cell.trim() !== "" ? Number(cell) : Number.NaN;
  const infinite = !Number.isNaN(asNumber) && !Number.isFinite(Math.fround(asNumber)); // ±Infinity, or beyond float32
  const fix = missing
    ? "impute it in the recipe (an impute step) or drop the column"
    : infinite
      ? "clip or log it in the recipe"
      : "encode it in the recipe (onehot for categories, datepart for dates) or drop the column";
  const message = `feature column "${column}" has ${describeCell(cell)} at row ${rowIndex + 1}, which a model cannot use: ${fix}`;
  return new AppError("VALIDATION", message, [{ field: `columns.${column}`, message }]);
}

/**
 * The feature matrix of some rows. Shape: [rows.length, featureNames.length], row-major.
 * Booleans become 0/1; null, NaN, ±Infinity and non-numeric text throw a VALIDATION error.
 */
export function toMatrix(rows: readonly Row[], featureNames: readonly string[]): Matrix {
  const cols = featureNames.length;
  const data = new Float32Array(rows.length * cols);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    for (let j = 0; j < cols; j++) {
      const cell = ownCell(row, featureNames[j]);
      const value = cellToNumber(cell);
      // fround catches numbers that are finite in float64 but overflow float32.
      if (value === null || !Number.isFinite(Math.fround(value))) throw badFeature(featureNames[j], i, cell);
      data[i * cols + j] = value;
    }
  }
  return { data, rows: rows.length, cols };
}

/** Rows filled at a time, column by column: the block of the matrix they write stays in cache. */
const BLOCK_ROWS = 1024;

/**
 * toMatrix of a column batch (the recipe's output columns): the same numbers, and for a cell no
 * model can use the same error, naming the first such cell in row order.
 */
export function matrixOfBatch(batch: ColumnBatch, featureNames: readonly string[]): Matrix {
  const rows = batch.length;
  const cols = featureNames.length;
  const data = new Float32Array(rows * cols);
  const columns = featureNames.map((name) => batch.columns.get(name));
  for (let start = 0; start < rows; start += BLOCK_ROWS) {
    let end = Math.min(rows, start + BLOCK_ROWS);
    let bad = -1;
    for (let j = 0; j < cols; j++) {
      const at = fillColumn(data, cols, j, columns[j], start, end);
      // A later column's bad cell comes first only in an earlier row.
      if (at >= 0) [bad, end] = [j, at];
    }
    if (bad >= 0) {
      const column = columns[bad];
      throw badFeature(featureNames[bad], end, column ? cellOf(column, end) : null);
    }
  }
  return { data, rows, cols };
}

/** Writes rows [start, end) of column j; the first row whose cell no model can use, or -1. */
function fillColumn(data: Float32Array, cols: number, j: number, column: ColumnData | undefined, start: number, end: number): number {
  // A datetime's cell is ISO text, which is no number; numbers (and booleans as 1/0) are as they are.
  if (column?.values instanceof Float64Array && column.type !== "datetime") {
    const values = column.values;
    for (let i = start; i < end; i++) {
      // fround catches numbers that are finite in float64 but overflow float32 (and NaN, a missing value).
      if (!Number.isFinite(Math.fround(values[i]))) return i;
      data[i * cols + j] = values[i];
    }
    return -1;
  }
  for (let i = start; i < end; i++) {
    const value = column && isTextType(column.type) ? cellToNumber(column.values[i]) : null;
    if (value === null || !Number.isFinite(Math.fround(value))) return i;
    data[i * cols + j] = value;
  }
  return -1;
}

/** The rows `indices` of a matrix, in that order. Shape: [indices.length, m.cols]. */
export function takeRows(m: Matrix, indices: ArrayLike<number>): Matrix {
  const data = new Float32Array(indices.length * m.cols);
  for (let i = 0; i < indices.length; i++) {
    const from = indices[i] * m.cols;
    data.set(m.data.subarray(from, from + m.cols), i * m.cols);
  }
  return { data, rows: indices.length, cols: m.cols };
}

function targetError(rowIndex: number, cell: Cell | undefined, what: string, fix: string): AppError {
  const message = `the target has ${describeCell(cell)} at row ${rowIndex + 1}, ${what}: ${fix}`;
  return new AppError("VALIDATION", message, [{ field: "target", message }]);
}

/**
 * The target of some rows: finite numbers for regression, labels (text) for classification.
 * A missing target, or one that is not a number for regression, throws a VALIDATION error on `target`.
 */
export function targetVector(rows: readonly Row[], target: string, task: "regression"): number[];
export function targetVector(rows: readonly Row[], target: string, task: "classification"): string[];
export function targetVector(rows: readonly Row[], target: string, task: "regression" | "classification"): number[] | string[];
export function targetVector(rows: readonly Row[], target: string, task: "regression" | "classification"): number[] | string[] {
  return targetOf(rows.length, (i) => ownCell(rows[i], target), task);
}

/** targetVector of a column batch. */
export function targetOfBatch(batch: ColumnBatch, target: string, task: "regression"): number[];
export function targetOfBatch(batch: ColumnBatch, target: string, task: "classification"): string[];
export function targetOfBatch(batch: ColumnBatch, target: string, task: "regression" | "classification"): number[] | string[];
export function targetOfBatch(batch: ColumnBatch, target: string, task: "regression" | "classification"): number[] | string[] {
  const column = batch.columns.get(target);
  return targetOf(batch.length, (i) => (column ? cellOf(column, i) : undefined), task);
}

/** The target of `length` rows from each row's cell (undefined when the row lacks the column). */
function targetOf(length: number, cellAt: (i: number) => Cell | undefined, task: "regression" | "classification"): number[] | string[] {
  if (task === "regression") {
    return Array.from({ length }, (_, i) => {
      const cell = cellAt(i);
      const value = cellToNumber(cell);
      if (value === null) {
        const missing = cell === null || cell === undefined || (typeof cell === "number" && Number.isNaN(cell));
        throw missing
          ? targetError(i, cell, "which cannot be learnt from", "drop such rows with a filter step (notnull)")
          : targetError(i, cell, "which is not a number", "regression needs a numeric target; use classification for labels");
      }
      return value;
    });
  }
  return Array.from({ length }, (_, i) => {
    const cell = cellAt(i);
    if (cell === null || cell === undefined || (typeof cell === "number" && Number.isNaN(cell))) {
      throw targetError(i, cell, "which cannot be learnt from", "drop such rows with a filter step (notnull)");
    }
    return String(cell);
  });
}

/** Labels in a stable order: numerically when all are numbers ("2" before "10"), else by code point. */
export function sortLabels(labels: Iterable<string>): string[] {
  const unique = [...new Set(labels)];
  const numeric = unique.every((label) => label.trim() !== "" && Number.isFinite(Number(label)));
  return numeric ? unique.sort((a, b) => Number(a) - Number(b) || (a < b ? -1 : a > b ? 1 : 0)) : unique.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * Class indices of labels. Without `labels` the classes are the distinct values in a stable
 * order (sortLabels); with them, a value outside the list gets index -1.
 */
export function encodeLabels(y: readonly string[], labels?: readonly string[]): { labels: string[]; indices: Int32Array } {
  const classes = labels ? [...labels] : sortLabels(y);
  const index = new Map(classes.map((label, i) => [label, i]));
  const indices = new Int32Array(y.length);
  for (let i = 0; i < y.length; i++) indices[i] = index.get(y[i]) ?? -1;
  return { labels: classes, indices };
}
