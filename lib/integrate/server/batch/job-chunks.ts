import fs from "node:fs";
import { byteRecords, plainDecimal, scanRecords, type ByteRecords } from "@/lib/data/csv-bytes";
import { parseRecords } from "@/lib/data/csv-records";
import { openWindow, readMoreIfShort } from "@/lib/data/server/scan-file";
import type { ColumnType, RawCell, Row } from "@/lib/data/types";
import { csvCell, isFormulaLike } from "@/lib/shared/csv";
import { AppError } from "@/lib/shared/errors";
import { coerceRows, coerceValue } from "../../formats";
import type { Prediction, Predictor } from "../serving/predictors";

/**
 * A batch job's chunks, from input to output: each chunk becomes its CSV lines, its output-table
 * rows and its row errors. Two readers give the same output: rows (any source, any model), and
 * columns — a plain CSV file for a tabular model whose recipe works column by column, read from
 * its bytes into columns of numbers, with no object or string per row (see `ColumnarChunks`).
 */

/** The prediction columns a model adds to every row: `prediction`, plus `probability_<label>` per class. */
export function predictionColumns(p: Pick<Predictor, "kind" | "task" | "labels">): { name: string; sqlType: "REAL" | "TEXT" }[] {
  if (p.kind === "recommender") return [{ name: "prediction", sqlType: "TEXT" }];
  if (p.task === "classification")
    return [{ name: "prediction", sqlType: "TEXT" }, ...(p.labels ?? []).map((l) => ({ name: `probability_${l}`, sqlType: "REAL" as const }))];
  return [{ name: "prediction", sqlType: "REAL" }];
}

/** One prediction as the values of the prediction columns, written into `into` from `at` on; returns the index after them. */
export function putPredictionValues(p: Pick<Predictor, "kind" | "task" | "labels">, prediction: Prediction | null, into: unknown[], at: number): number {
  if (p.kind === "recommender") {
    into[at] = prediction === null ? null : (prediction as { itemId: string }[]).map((r) => r.itemId).join(" ");
    return at + 1;
  }
  if (p.task === "classification") {
    const c = prediction as { label: string; probabilities: Record<string, number> } | null;
    into[at++] = c?.label ?? null;
    for (const l of p.labels ?? []) into[at++] = c?.probabilities[l] ?? null;
    return at;
  }
  into[at] = prediction as number | null;
  return at + 1;
}

/** A chunk's rows scored: where a row cannot be coerced or predicted, its prediction is null and its error says why. */
export function scoreChunk(predictor: Predictor, rows: Row[]): { predictions: (Prediction | null)[]; errors: (string | null)[] } {
  const schema = predictor.kind === "recommender" ? [] : predictor.inputSchema;
  try {
    return { predictions: predictor.predict(coerceRows(rows, schema, { field: "rows", inPlace: true })), errors: rows.map(() => null) };
  } catch (e) {
    if (!(e instanceof AppError)) throw e;
  }
  // Something in the chunk is bad: score row by row to find which, keeping the rest.
  const predictions: (Prediction | null)[] = [];
  const errors: (string | null)[] = [];
  for (const row of rows) {
    try {
      predictions.push(predictor.predict(coerceRows([row], schema, { field: "row", inPlace: true }))[0]);
      errors.push(null);
    } catch (e) {
      if (!(e instanceof AppError)) throw e;
      predictions.push(null);
      // "row[0].Price: expected a number…" → "Price: expected a number…": the row is the output row's own.
      errors.push(e.message.replace(/^row\[0\]\.?/, "").replace(/^: /, ""));
    }
  }
  return { predictions, errors };
}

/** What the output of a job looks like: its input columns (the CSV header's), which of them the table types, and the predictor. */
export interface OutputLayout {
  predictor: Predictor;
  inputNames: string[];
  /** Per input column: whether the table holds it as the model's typed value (number, integer, boolean) rather than as text. */
  typed: boolean[];
  /** "row", the inputs, the prediction columns, "error". */
  recordWidth: number;
}

/** What a chunk adds to the output. */
export interface ChunkOutput {
  count: number;
  /** Its CSV lines, each ending in a line feed. */
  csv: string | Buffer;
  /** Per row: why it could not be scored, or null. */
  errors: (string | null)[];
  /** Calls `add` with each row's table values ("row" from `first` on, inputs, predictions, error), in one reused array. */
  tableRows(first: number, add: (values: readonly unknown[]) => void): void;
}

/** The CSV cells after the inputs (prediction columns, error) of a row whose values are in `values`. */
function tailCells(layout: OutputLayout, values: unknown[]): string {
  let line = "";
  for (let j = layout.inputNames.length + 1; j < layout.recordWidth; j++) line += (j === 1 ? "" : ",") + csvCell(values[j]);
  return line;
}

/**
 * Rows in (coerced in place as they are scored), output out. `raw`: each row's cells as they came
 * (file inputs), written to the CSV as they are; `predictions`: made already (forecast mode).
 */
export function rowChunkOutput(layout: OutputLayout, rows: Row[], raw: RawCell[][], made?: (Prediction | null)[]): ChunkOutput & { lines: string[] } {
  const { predictor, inputNames, typed, recordWidth } = layout;
  const { predictions, errors } = made ? { predictions: made, errors: rows.map(() => null) } : scoreChunk(predictor, rows);
  const values: unknown[] = new Array(recordWidth);
  // The row's number, its inputs, the prediction columns, the error: the CSV line has the inputs
  // as they came; the table, the typed inputs as coerced.
  const fill = (i: number, first: number) => {
    values[0] = first + i;
    let k = 1;
    const row = rows[i];
    const cells = raw.length ? raw[i] : null;
    for (let j = 0; j < inputNames.length; j++) {
      const cell = cells ? (cells[j] ?? null) : (row[inputNames[j]] ?? null);
      values[k++] = typed[j] ? (row[inputNames[j]] ?? null) : cell;
    }
    k = putPredictionValues(predictor, predictions[i], values, k);
    values[k] = errors[i];
  };
  const lines = new Array<string>(rows.length);
  for (let i = 0; i < rows.length; i++) {
    fill(i, 0);
    const cells = raw.length ? raw[i] : null;
    let line = "";
    for (let j = 0; j < inputNames.length; j++) line += (j === 0 ? "" : ",") + csvCell(cells ? (cells[j] ?? null) : (rows[i][inputNames[j]] ?? null));
    lines[i] = line + tailCells(layout, values) + "\n";
  }
  return {
    count: rows.length,
    lines,
    csv: lines.join(""),
    errors,
    tableRows(first, add) {
      for (let i = 0; i < rows.length; i++) {
        fill(i, first);
        add(values);
      }
    },
  };
}

/** A file's data row as the row path reads it: cells by header name, a blank cell null. */
export function rowOfCells(inputNames: string[], cells: RawCell[]): Row {
  const row: Row = {};
  for (let j = 0; j < inputNames.length; j++) row[inputNames[j]] = cells[j] === undefined || cells[j] === "" ? null : cells[j];
  return row;
}

/** 1 for the bytes a formula-like cell starts with (see isFormulaLike): = + - @, tab, carriage return. */
const FORMULA_START_BYTE = new Uint8Array(256);
for (const c of "=+-@\t\r") FORMULA_START_BYTE[c.charCodeAt(0)] = 1;

/** Rows the columnar reader takes at a time (one chunk: one transaction). */
export const COLUMNAR_CHUNK_ROWS = 4096;
/** Bytes read from the input file at a time. */
const READ_BYTES = 4 << 20;

/**
 * A CSV file read as columns for a model with a columnar form (`predictor.columnar`): each plain
 * record's number cells are read from its bytes (`plainDecimal`, or the row path's own
 * `coerceValue` for any other text), the recipe runs per column, and the features go into one
 * float32 matrix for one batched forward pass. The CSV line of a plain record is its own bytes
 * followed by the prediction cells. A record that is not plain, that holds a value the model
 * cannot use, or a cell a spreadsheet would run as a formula (which csvCell escapes), goes
 * through the row path (`rowChunkOutput`), so its output and its error are the row path's exactly.
 */
export class ColumnarChunks {
  private readonly width: number;
  private readonly records: ByteRecords;
  private readonly types: (ColumnType | null)[];
  /** Per feature: the input column it reads. */
  private readonly featureColumn: number[];
  private readonly transforms: ((value: number) => number)[];
  private readonly numbers: Float64Array;
  private readonly texts: (string | null)[];
  private readonly x: Float32Array;
  /** Per output row of a chunk: its matrix row (≥ 0), or -1 - its index among the rows the row path takes. */
  private readonly slot: Int32Array;
  /** Per output row of a chunk: 1 when its CSV line starts with its record's own bytes (plain, no formula-like cell). */
  private readonly ownBytes: Uint8Array;
  private out = Buffer.allocUnsafe(1 << 20);

  constructor(
    private readonly layout: OutputLayout,
    private readonly capacity = COLUMNAR_CHUNK_ROWS,
    private readonly readBytes = READ_BYTES,
  ) {
    const columnar = layout.predictor.columnar;
    if (!columnar) throw new Error("ColumnarChunks: the predictor has no columnar form");
    this.width = layout.inputNames.length;
    this.records = byteRecords(this.width, capacity);
    const types = new Map(layout.predictor.inputSchema.map((c) => [c.name, c.type]));
    this.types = layout.inputNames.map((n) => types.get(n) ?? null);
    this.featureColumn = columnar.features.map((f) => layout.inputNames.indexOf(f.input));
    if (this.featureColumn.some((j) => j < 0)) throw new Error("ColumnarChunks: a feature's column is not in the input");
    this.transforms = columnar.features.map((f) => f.transform);
    this.numbers = new Float64Array(capacity * this.width);
    this.texts = new Array(capacity * this.width).fill(null);
    this.x = new Float32Array(capacity * columnar.features.length);
    this.slot = new Int32Array(capacity);
    this.ownBytes = new Uint8Array(capacity);
  }

  /**
   * The chunks of `file` (a header line, then data) from data row `start` on. Each is yielded
   * before the next is read: the buffer it was read from is reused.
   */
  async *chunks(file: string, start: number): AsyncGenerator<ChunkOutput> {
    const w = openWindow(file, this.readBytes);
    try {
      let header = true;
      let skip = start;
      for (;;) {
        const next = scanRecords(w.buf, w.pos, w.have, w.eof, this.records);
        const found = this.records.count;
        // A short chunk at the buffer's end: read more first (the scan is redone; once per read).
        if (readMoreIfShort(w, found, this.capacity)) continue;
        if (found === 0) return;
        w.pos = next;
        const buf = w.buf;
        let first = 0;
        if (header) {
          // The first record is the header (a leading BOM with it): the caller has its names.
          header = false;
          first = 1;
        }
        // Rows already committed (a resumed job): past them, counting rows as the output does.
        while (skip > 0 && first < found) {
          if (this.isRow(buf, first)) skip--;
          first++;
        }
        if (first === found) continue;
        yield this.output(buf, first, found);
      }
    } finally {
      fs.closeSync(w.fd);
    }
  }

  /** Whether record i is a row (a record that is not plain may decode to nothing: a lone "\r"). */
  private isRow(buf: Buffer, i: number): boolean {
    return this.records.plain[i] === 1 || this.decode(buf, i) !== null;
  }

  private decode(buf: Buffer, i: number): RawCell[] | null {
    const r = this.records;
    return parseRecords(buf.toString("utf8", r.start[i], r.end[i]), true).records[0] ?? null;
  }

  /** Records [from, to) of the last scan as output. */
  private output(buf: Buffer, from: number, to: number): ChunkOutput {
    const { layout, records: r, width, types, numbers, texts, x, slot, ownBytes, transforms, featureColumn } = this;
    const features = transforms.length;
    const fallbackRows: Row[] = [];
    const fallbackRaw: RawCell[][] = [];
    /** Record index of each output row. */
    const recordOf: number[] = [];
    let m = 0;
    for (let i = from; i < to; i++) {
      const row = recordOf.length;
      let usable = r.plain[i] === 1;
      let formula = false;
      if (usable) {
        const at = i * width;
        for (let j = 0; j < width; j++) {
          const s = r.fieldStart[at + j];
          const e = r.fieldEnd[at + j];
          const type = types[j];
          // A cell a spreadsheet would run as a formula is written escaped (csvCell), not as its
          // bytes: its record takes the row path. Numeric text ("-5") is no formula.
          const formulaStart = s < e && FORMULA_START_BYTE[buf[s]] === 1;
          if (type === null) {
            if (formulaStart && Number.isNaN(plainDecimal(buf, s, e)) && isFormulaLike(buf.toString("utf8", s, e))) {
              usable = false;
              formula = true;
              break;
            }
            texts[row * width + j] = buf.toString("utf8", s, e);
            continue;
          }
          let v = plainDecimal(buf, s, e);
          if (Number.isNaN(v) && s < e) {
            if (formulaStart && isFormulaLike(buf.toString("utf8", s, e))) {
              usable = false;
              formula = true;
              break;
            }
            const cell = coerceValue(buf.toString("utf8", s, e), type);
            if (cell === undefined) {
              usable = false;
              break;
            }
            v = cell === null ? NaN : Number(cell);
          }
          numbers[row * width + j] = v;
        }
        if (usable) {
          for (let f = 0; f < features; f++) {
            const v = transforms[f](numbers[row * width + featureColumn[f]]);
            if (!Number.isFinite(Math.fround(v))) {
              usable = false;
              break;
            }
            x[m * features + f] = v;
          }
        }
      }
      if (usable) {
        slot[row] = m++;
      } else {
        // The row path's own reading of the record: its cells, decoded.
        const cells = r.plain[i] === 1 ? this.plainCells(buf, i) : this.decode(buf, i);
        if (cells === null) continue; // not a row
        slot[row] = -1 - fallbackRows.length;
        fallbackRows.push(rowOfCells(layout.inputNames, cells));
        fallbackRaw.push(cells);
        // Refused before all its cells were read (a row error): a formula-like cell may come later.
        if (r.plain[i] === 1 && !formula) formula = this.hasFormulaCell(buf, i);
      }
      ownBytes[row] = r.plain[i] === 1 && !formula ? 1 : 0;
      recordOf.push(i);
    }
    const predictions = m > 0 ? layout.predictor.columnar!.predictMatrix(x, m) : [];
    const fallback = fallbackRows.length ? rowChunkOutput(layout, fallbackRows, fallbackRaw) : null;
    const count = recordOf.length;
    const errors: (string | null)[] = new Array(count).fill(null);
    for (let k = 0; k < count; k++) if (slot[k] < 0) errors[k] = fallback!.errors[-1 - slot[k]];

    // The CSV: a plain record's own bytes, then its prediction cells; any other (or one with a
    // formula-like cell, which csvCell escapes), the row path's line.
    const fallbackLines = fallback?.lines ?? [];
    const values: unknown[] = new Array(layout.recordWidth);
    const regression = layout.predictor.kind === "tabular" && layout.predictor.task === "regression" && layout.recordWidth === width + 3;
    let pos = 0;
    for (let k = 0; k < count; k++) {
      const i = recordOf[k];
      const s = slot[k];
      if (ownBytes[k] === 1) {
        const from = r.start[i];
        const length = r.end[i] - from;
        // The record's bytes, then ",<prediction>,<no error>" for a regression's scored row (its
        // cells as csvCell writes them: String(number), then empty), any other row's cells as text.
        this.reserve(pos + length + 64);
        const out = this.out;
        if (length < 256) for (let b = 0; b < length; b++) out[pos + b] = buf[from + b];
        else buf.copy(out, pos, from, r.end[i]);
        pos += length;
        const prediction = s >= 0 ? predictions[s] : null;
        if (regression && typeof prediction === "number") {
          const text = String(prediction);
          out[pos++] = 44;
          for (let c = 0; c < text.length; c++) out[pos++] = text.charCodeAt(c);
          out[pos++] = 44;
          out[pos++] = 10;
          continue;
        }
        putPredictionValues(layout.predictor, prediction, values, width + 1);
        values[layout.recordWidth - 1] = errors[k];
        pos = this.write(tailCells(layout, values) + "\n", pos);
      } else {
        pos = this.write(fallbackLines[-1 - s], pos);
      }
    }
    const csv = this.out.subarray(0, pos);

    return {
      count,
      csv,
      errors,
      tableRows: (first, add) => {
        // The row path's values of its rows (few: copied), each renumbered as the chunk's row it is.
        const fallbackValues: unknown[][] = [];
        fallback?.tableRows(0, (v) => fallbackValues.push([...v]));
        for (let k = 0; k < count; k++) {
          const s = slot[k];
          if (s < 0) {
            const v = fallbackValues[-1 - s];
            v[0] = first + k;
            add(v);
            continue;
          }
          values[0] = first + k;
          for (let j = 0; j < width; j++) {
            const v = numbers[k * width + j];
            values[1 + j] = types[j] === null ? texts[k * width + j] : Number.isNaN(v) ? null : v;
          }
          const at = putPredictionValues(layout.predictor, predictions[s], values, width + 1);
          values[at] = null;
          add(values);
        }
      },
    };
  }

  /** Whether plain record i has a cell a spreadsheet would run as a formula (numeric text like "-5" is none). */
  private hasFormulaCell(buf: Buffer, i: number): boolean {
    const r = this.records;
    for (let j = 0; j < this.width; j++) {
      const s = r.fieldStart[i * this.width + j];
      const e = r.fieldEnd[i * this.width + j];
      if (s < e && FORMULA_START_BYTE[buf[s]] === 1 && Number.isNaN(plainDecimal(buf, s, e)) && isFormulaLike(buf.toString("utf8", s, e))) return true;
    }
    return false;
  }

  private plainCells(buf: Buffer, i: number): string[] {
    const r = this.records;
    const cells: string[] = [];
    for (let j = 0; j < this.width; j++) cells.push(buf.toString("utf8", r.fieldStart[i * this.width + j], r.fieldEnd[i * this.width + j]));
    return cells;
  }

  private reserve(bytes: number): void {
    if (bytes <= this.out.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(bytes, this.out.length * 2));
    this.out.copy(bigger);
    this.out = bigger;
  }

  /** `text` at `pos`; returns the position after it. */
  private write(text: string, pos: number): number {
    this.reserve(pos + text.length * 3);
    return pos + this.out.write(text, pos, "utf8");
  }
}
