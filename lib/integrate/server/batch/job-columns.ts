import type { DuckDBDataChunk } from "@duckdb/node-api";
import { type ColumnBatch, type ColumnData, isTextType } from "@/lib/data/column-batch";
import type { ColumnType, RawCell } from "@/lib/data/types";
import { openDuck } from "@/lib/data/server/duck";
import { toTimestamp } from "@/lib/shared/cells";
import { csvCell } from "@/lib/shared/csv";
import { coerceValue } from "../../formats";
import { type ChunkOutput, type OutputLayout, putPredictionValues, rowChunkOutput, rowOfCells } from "./job-chunks";

/**
 * A batch job's input read by DuckDB (a dataset version's Parquet file, or a plain CSV file) as
 * columns of cells, scored through the model's columnar form (`scoreColumns`: the recipe per
 * column, any recipe), with no object per row. Each cell is converted to the model's input type
 * by the row path's own `coerceValue`, so a row that the row path would refuse (a cell that does
 * not fit its type) or could not score (a feature left missing) goes through the row path
 * (`rowChunkOutput`), and its output and its error are the row path's exactly.
 */

/** Rows scored and committed together on this path. */
export const DUCK_CHUNK_ROWS = 8192;

/** Reads text cells of a DuckDB chunk's column into `into` from `at` on. */
function readTexts(chunk: DuckDBDataChunk, j: number, into: (string | null)[], at: number): void {
  const v = chunk.getColumnVector(j);
  for (let k = 0; k < chunk.rowCount; k++) into[at + k] = v.getItem(k) as string | null;
}

/**
 * Chunks of raw text columns from a DuckDB query (every column VARCHAR, in input order), rows
 * from `start` on, `size` at a time. The query's result streams: memory holds one chunk.
 */
export async function* rawChunks(
  sql: string,
  width: number,
  start: number,
  size = DUCK_CHUNK_ROWS,
): AsyncGenerator<{ raw: (string | null)[][]; count: number }> {
  const c = await openDuck();
  try {
    const result = await c.stream(`${sql} OFFSET ${Math.floor(start)}`);
    let raw = Array.from({ length: width }, () => new Array<string | null>(size));
    let count = 0;
    for (;;) {
      const chunk = await result.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      let at = 0;
      while (at < chunk.rowCount) {
        const take = Math.min(chunk.rowCount - at, size - count);
        const part = take === chunk.rowCount ? chunk : null;
        for (let j = 0; j < width; j++) {
          if (part) readTexts(part, j, raw[j], count);
          else {
            const v = chunk.getColumnVector(j);
            for (let k = 0; k < take; k++) raw[j][count + k] = v.getItem(at + k) as string | null;
          }
        }
        count += take;
        at += take;
        if (count === size) {
          yield { raw, count };
          raw = Array.from({ length: width }, () => new Array<string | null>(size));
          count = 0;
        }
      }
    }
    if (count > 0) yield { raw: raw.map((col) => col.slice(0, count)), count };
  } finally {
    c.closeSync();
  }
}

/** Per input column: where the model's input schema types it, and as what (null: not a model input). */
function schemaTypes(layout: OutputLayout): (ColumnType | null)[] {
  const types = new Map(layout.predictor.inputSchema.map((c) => [c.name, c.type]));
  return layout.inputNames.map((n) => types.get(n) ?? null);
}

/** Whether the columnar path can score this layout: a model with a columnar form whose every input is a column of the input. */
export function canScoreColumns(layout: OutputLayout): boolean {
  const names = new Set(layout.inputNames);
  return !!layout.predictor.scoreColumns && layout.predictor.inputSchema.every((c) => names.has(c.name));
}

/** A chunk of raw text columns as output: coerced, scored by columns, odd rows the row way. */
export function columnChunkOutput(layout: OutputLayout, raw: (string | null)[][], count: number): ChunkOutput {
  const { predictor, inputNames, recordWidth } = layout;
  const types = schemaTypes(layout);
  const width = inputNames.length;
  // Per row: 1 when every model input fits its type (else the row path says why).
  const fits = new Uint8Array(count).fill(1);
  const columns = new Map<string, ColumnData>();
  /** Per input column: the coerced values the table keeps (numbers and booleans), else null. */
  const typedValues: (unknown[] | null)[] = new Array(width).fill(null);
  for (let j = 0; j < width; j++) {
    const type = types[j];
    if (type === null) continue;
    const cells = raw[j];
    if (isTextType(type)) {
      const values = new Array<string | null>(count);
      for (let i = 0; i < count; i++) {
        const v = coerceValue(cells[i], type);
        if (v === undefined) fits[i] = 0;
        values[i] = v === undefined || v === null ? null : String(v);
      }
      columns.set(inputNames[j], { type, values });
      continue;
    }
    const values = new Float64Array(count);
    const kept: unknown[] = new Array(count);
    for (let i = 0; i < count; i++) {
      const v = coerceValue(cells[i], type);
      if (v === undefined) fits[i] = 0;
      kept[i] = v ?? null;
      values[i] =
        v === undefined || v === null ? Number.NaN : type === "datetime" ? (toTimestamp(v) ?? Number.NaN) : typeof v === "boolean" ? (v ? 1 : 0) : Number(v);
    }
    columns.set(inputNames[j], { type, values } as ColumnData);
    if (type !== "datetime") typedValues[j] = kept;
  }
  const batch: ColumnBatch = { length: count, columns };
  const { predictions, usable } = predictor.scoreColumns!(batch);

  // Rows the row path takes: their own output and error, exactly.
  const fallback: number[] = [];
  for (let i = 0; i < count; i++) if (fits[i] === 0 || usable[i] === 0) fallback.push(i);
  const cellsOf = (i: number): RawCell[] => raw.map((col) => col[i]);
  const rowOut = fallback.length
    ? rowChunkOutput(
        layout,
        fallback.map((i) => rowOfCells(inputNames, cellsOf(i))),
        fallback.map(cellsOf),
      )
    : null;
  const slot = new Int32Array(count).fill(-1);
  fallback.forEach((i, k) => (slot[i] = k));

  const errors: (string | null)[] = new Array(count).fill(null);
  const tail: unknown[] = new Array(recordWidth);
  let csv = "";
  for (let i = 0; i < count; i++) {
    if (slot[i] >= 0) {
      errors[i] = rowOut!.errors[slot[i]];
      csv += rowOut!.lines[slot[i]];
      continue;
    }
    let line = "";
    for (let j = 0; j < width; j++) line += (j === 0 ? "" : ",") + csvCell(raw[j][i]);
    const at = putPredictionValues(predictor, predictions[i], tail, width + 1);
    tail[at] = null;
    for (let k = width + 1; k < recordWidth; k++) line += `,${csvCell(tail[k])}`;
    csv += `${line}\n`;
  }

  return {
    count,
    csv,
    errors,
    tableRows(first, add) {
      const fallbackValues: unknown[][] = [];
      rowOut?.tableRows(0, (v) => fallbackValues.push([...v]));
      const values: unknown[] = new Array(recordWidth);
      for (let i = 0; i < count; i++) {
        if (slot[i] >= 0) {
          const v = fallbackValues[slot[i]];
          v[0] = first + i;
          add(v);
          continue;
        }
        values[0] = first + i;
        for (let j = 0; j < width; j++) {
          const typed = layout.typed[j] ? typedValues[j] : null;
          values[1 + j] = typed ? typed[i] : raw[j][i];
        }
        const at = putPredictionValues(predictor, predictions[i], values, width + 1);
        values[at] = null;
        add(values);
      }
    },
  };
}
