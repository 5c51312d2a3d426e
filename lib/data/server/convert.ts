import fs from "node:fs";
import { setImmediate as yieldToEventLoop } from "node:timers/promises";
import type { DuckDBConnection } from "@duckdb/node-api";
import { byteRecords, scanRecords } from "@/lib/data/csv-bytes";
import { parseRecords as parseCsvText } from "@/lib/data/csv-records";
import { AppError, isDiskFull, validation } from "@/lib/shared/errors";
import { createTypeInferrer } from "../infer";
import type { ColumnInfo, DatasetFormat } from "../types";
import { onOneThread, sqlString, withDuck } from "./duck";
import { openWindow, readMoreIfShort } from "./scan-file";
import { inferColumnsSql } from "./infer-sql";
import { checkColumnNames, parseRecords, type RecordBatch } from "./parse";
import { rawColumn } from "./store";

/**
 * From an uploaded file to a version's Parquet file of raw text cells (columns c0…), with its
 * column infos and row count. Three ways in:
 * - a plain CSV (UTF-8, one line ending, records RFC 4180 allows, as many fields as the header):
 *   DuckDB's reader, while a byte scan here checks the file is that plain (the JS parser's rules);
 * - Parquet: DuckDB reads it, and each value is kept as its text;
 * - anything else (TSV, JSON, JSON Lines, a CSV the scan finds odd, one DuckDB refuses): the
 *   streaming JS parser (parse.ts), whose problems are the ones users have always been given,
 *   writes a plain CSV that DuckDB then converts.
 */

export interface Converted {
  columns: ColumnInfo[];
  rowCount: number;
  /** Which way it came in: DuckDB's CSV reader, DuckDB's Parquet reader, or the JS parser. */
  via: "csv" | "parquet" | "parser";
}

const PARQUET_OPTIONS = "(FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 122880)";
const MAGIC = Buffer.from("PAR1");

/** Parquet by its magic bytes, whatever it is called. */
export const looksLikeParquet = (head: Buffer) => head.length >= 4 && head.subarray(0, 4).equals(MAGIC);

const copySql = (select: string, out: string) => `COPY (${select}) TO ${sqlString(out)} ${PARQUET_OPTIONS}`;
/** Inputs from this size on are converted on one DuckDB thread (onOneThread): the order-keeping COPY stays within memory. */
const ONE_THREAD_BYTES = 256 * 1024 * 1024;
const rowsWritten = async (c: DuckDBConnection, sql: string, inputBytes = 0) => {
  const run = async () => Number((await c.runAndReadAll(sql)).getRows()[0]?.[0] ?? 0);
  return inputBytes >= ONE_THREAD_BYTES ? onOneThread(run) : run();
};
const sizeOf = (file: string) => fs.statSync(file).size;

export async function convertUpload(file: string, format: DatasetFormat, out: string, scratch: string): Promise<Converted> {
  if (format === "parquet") return convertParquet(file, out);
  if (format === "csv") {
    const fast = await convertPlainCsv(file, out);
    if (fast) return fast;
    fs.rmSync(out, { force: true });
  }
  return convertWithParser(file, format, out, scratch);
}

// ---------------------------------------------------------------------------------------------
// Parquet

async function convertParquet(file: string, out: string): Promise<Converted> {
  const fd = fs.openSync(file, "r");
  try {
    const size = fs.fstatSync(fd).size;
    const front = Buffer.alloc(4);
    fs.readSync(fd, front, 0, 4, 0);
    if (!front.equals(MAGIC)) throw validation("file", "the file is not a Parquet file (it does not start with Parquet's magic bytes)");
    const tail = Buffer.alloc(4);
    if (size >= 12) fs.readSync(fd, tail, 0, 4, size - 4);
    if (size < 12 || !tail.equals(MAGIC)) throw validation("file", "the Parquet file is truncated (it does not end with Parquet's footer)");
  } finally {
    fs.closeSync(fd);
  }
  return withDuck(async (c) => {
    let described: { name: string; type: string }[];
    try {
      described = (await c.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet(${sqlString(file)})`))
        .getRows()
        .map((r) => ({ name: String(r[0]), type: String(r[1]) }));
    } catch (e) {
      throw validation("file", `the file is not a readable Parquet file (${firstLine(e)})`);
    }
    const names = checkColumnNames(described.map((d) => d.name));
    // Each value as its text: dates and times in the forms the type inference reads as datetimes.
    const asText = described.map((d, i) => {
      const col = `"${d.name.replaceAll('"', '""')}"`;
      const text = /^TIMESTAMP( WITH TIME ZONE|TZ)/.test(d.type)
        ? `strftime(timezone('UTC', ${col}), '%Y-%m-%dT%H:%M:%S.%gZ')`
        : /^TIMESTAMP/.test(d.type)
          ? `strftime(${col}, '%Y-%m-%dT%H:%M:%S.%g')`
          : `CAST(${col} AS VARCHAR)`;
      return `${text} AS ${rawColumn(i)}`;
    });
    let rowCount: number;
    try {
      rowCount = await rowsWritten(c, copySql(`SELECT ${asText.join(", ")} FROM read_parquet(${sqlString(file)})`, out), sizeOf(file));
    } catch (e) {
      if (isDiskFull(e)) throw e;
      throw validation("file", `the Parquet file could not be read (${firstLine(e)})`);
    }
    if (rowCount === 0) throw validation("file", "the file has no data rows");
    const relation = `read_parquet(${sqlString(out)})`;
    const columns = await inferColumnsSql(c, relation, names, rowCount, await paddedColumns(c, relation, names.length));
    return { columns, rowCount, via: "parquet" };
  });
}

/** Which of the text columns c0… of `relation` (`width` of them) have a cell with whitespace around it, as JavaScript's \s finds it (ColumnInfo's `padded`). */
export async function paddedColumns(c: DuckDBConnection, relation: string, width: number): Promise<boolean[]> {
  const ends = `'^[${SPACE_CLASS}]|[${SPACE_CLASS}]$'`;
  const any = Array.from({ length: width }, (_, i) => `coalesce(bool_or(regexp_matches(${rawColumn(i)}, ${ends})), false)`);
  const [flags] = (await c.runAndReadAll(`SELECT ${any.join(", ")} FROM ${relation}`)).getRows();
  return flags.map((f) => f === true);
}

/** JavaScript's \s as an RE2 character class. */
const SPACE_CLASS = "\\s\\x{0B}\\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}\\x{202F}\\x{205F}\\x{3000}\\x{FEFF}";

const firstLine = (e: unknown) =>
  String((e as Error).message ?? e)
    .split("\n")[0]
    .slice(0, 300);

// ---------------------------------------------------------------------------------------------
// Plain CSV: DuckDB reads it while a byte scan checks it is plain

const SCAN_BYTES = 4 << 20;
const SCAN_RECORDS = 8192;

interface CsvShape {
  names: string[];
  /** "\r\n" or "\n"; null when both occur (DuckDB takes one). */
  newline: "\r\n" | "\n" | null;
}

/** The header and line ending of a CSV from its head, or null when the head is not plain enough for DuckDB. */
function csvShape(head: Buffer): CsvShape | null {
  let text = head.toString("utf8");
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const lf = text.indexOf("\n");
  if (lf < 0) return null;
  const line = text.slice(0, lf);
  const header = line.endsWith("\r") ? line.slice(0, -1) : line;
  // A header with a quote the line does not close spans lines: the parser's way.
  if (strictFieldCount(header) < 1) return null;
  const { records } = parseCsvText(header, true);
  if (records.length !== 1) return null;
  return { names: records[0], newline: line.endsWith("\r") ? "\r\n" : "\n" };
}

/**
 * Fields of one record's text as the JS parser would split it, or -1 when the parser would refuse
 * or read it differently (a quote inside an unquoted field, text after a closing quote, a bare
 * carriage return: its own line break there).
 */
export function strictFieldCount(text: string): number {
  let i = 0;
  let fields = 0;
  const n = text.length;
  for (;;) {
    if (text.charCodeAt(i) === 34) {
      i++;
      for (;;) {
        const q = text.indexOf('"', i);
        if (q < 0) return -1;
        if (text.charCodeAt(q + 1) === 34) {
          i = q + 2;
          continue;
        }
        i = q + 1;
        break;
      }
      if (i < n && text.charCodeAt(i) !== 44) return -1;
    } else {
      const comma = text.indexOf(",", i);
      const end = comma < 0 ? n : comma;
      for (let k = i; k < end; k++) {
        const ch = text.charCodeAt(k);
        if (ch === 34 || ch === 13) return -1;
      }
      i = end;
    }
    fields++;
    if (i >= n) return fields;
    i++; // the comma
    if (i === n) return fields + 1;
  }
}

/** Whitespace at either end of a text (what JavaScript's trim() removes: its \s). */
const PADDED = /^\s|\s$/;
/** A byte that is, or may begin or end, a whitespace character: ASCII space and controls, any byte of a multi-byte character. */
const maybeSpace = (b: number) => b <= 0x20 || b >= 0x80;

/** Scans a CSV's records: whether each is one the JS parser reads as `width` fields, and how many rows there are. */
async function scanPlainCsv(file: string, width: number, newline: "\r\n" | "\n"): Promise<{ plain: boolean; rows: number; padded: boolean[] }> {
  const padded = new Array<boolean>(width).fill(false);
  const w = openWindow(file, SCAN_BYTES);
  const records = byteRecords(width, SCAN_RECORDS);
  let count = 0;
  let sawLf = false;
  let sawCrLf = false;
  try {
    for (;;) {
      const next = scanRecords(w.buf, w.pos, w.have, w.eof, records);
      if (readMoreIfShort(w, records.count, SCAN_RECORDS)) continue;
      const { buf, have } = w;
      for (let k = 0; k < records.count; k++) {
        const end = records.end[k];
        // How the record's line ended: CRLF or LF (the last one may have none).
        if (end < have) {
          if (buf[end] === 13) sawCrLf = true;
          else if (buf[end] === 10 && (end === 0 || buf[end - 1] !== 13)) sawLf = true;
        }
        if (count === 0 && k === 0) continue; // the header: its names are no cells
        if (records.plain[k] === 1) {
          // Whitespace, or a character that may be, at either end of a field: its column is trimmed on reading.
          for (let j = 0; j < width; j++) {
            const s = records.fieldStart[k * width + j];
            const e = records.fieldEnd[k * width + j];
            if (s < e && !padded[j] && (maybeSpace(buf[s]) || maybeSpace(buf[e - 1]))) padded[j] = true;
          }
          continue;
        }
        let text = buf.toString("utf8", records.start[k], end);
        if (text.endsWith("\r")) {
          text = text.slice(0, -1);
          sawCrLf = true;
        }
        if (strictFieldCount(text) !== width) return { plain: false, rows: 0, padded };
        parseCsvText(text, true).records[0]?.forEach((cell, j) => {
          if (PADDED.test(cell)) padded[j] = true;
        });
      }
      count += records.count;
      w.pos = next;
      if (records.count === 0 && w.eof) break;
      await yieldToEventLoop();
    }
  } finally {
    fs.closeSync(w.fd);
  }
  if ((sawLf && sawCrLf) || (newline === "\r\n" && sawLf) || (newline === "\n" && sawCrLf)) return { plain: false, rows: 0, padded };
  return { plain: true, rows: count - 1, padded };
}

/** The head of a CSV file as DuckDB will read it: its header and the read_csv call of its text cells (c0…), or null when the head is not plain. */
function plainCsvRead(file: string): { names: string[]; newline: "\r\n" | "\n"; read: string } | null {
  const head = Buffer.alloc(64 * 1024);
  const fd = fs.openSync(file, "r");
  const got = fs.readSync(fd, head, 0, head.length, 0);
  fs.closeSync(fd);
  // A NUL byte: a binary file, which the parser names as such.
  if (head.subarray(0, got).includes(0)) return null;
  const shape = csvShape(head.subarray(0, got));
  if (!shape || shape.newline === null) return null;
  try {
    checkColumnNames(shape.names);
  } catch {
    return null;
  }
  const columns = `{${shape.names.map((_, i) => `'${rawColumn(i)}': 'VARCHAR'`).join(", ")}}`;
  const read = `read_csv(${sqlString(file)}, columns = ${columns}, header = true, delim = ',', quote = '"', escape = '"', new_line = ${sqlString(shape.newline === "\r\n" ? "\\r\\n" : "\\n")}, auto_detect = false, comment = '', max_line_size = 8388608)`;
  return { names: shape.names, newline: shape.newline, read };
}

/**
 * A SELECT of a CSV file's cells as text (c0…, header names dropped), when the whole file is plain
 * (read by DuckDB as the JS parser would read it); else null.
 */
export async function plainCsvSelect(file: string): Promise<{ names: string[]; sql: string } | null> {
  const plain = plainCsvRead(file);
  if (!plain) return null;
  const scan = await scanPlainCsv(file, plain.names.length, plain.newline);
  return scan.plain ? { names: plain.names, sql: `SELECT * FROM ${plain.read}` } : null;
}

/** Null when the file is not plain (or DuckDB reads it otherwise): the parser's way then. */
async function convertPlainCsv(file: string, out: string): Promise<Converted | null> {
  const shape = plainCsvRead(file);
  if (!shape) return null;
  const width = shape.names.length;
  const read = shape.read;
  return withDuck(async (c) => {
    const [duck, scan] = await Promise.allSettled([
      rowsWritten(c, copySql(`SELECT * FROM ${read}`, out), sizeOf(file)),
      scanPlainCsv(file, width, shape.newline),
    ]);
    if (scan.status === "rejected") throw scan.reason;
    if (duck.status === "rejected") {
      if (isDiskFull(duck.reason)) throw duck.reason;
      return null;
    }
    if (!scan.value.plain || scan.value.rows !== duck.value) return null;
    if (duck.value === 0) throw validation("file", "the file has no data rows");
    return {
      columns: await inferColumnsSql(c, `read_parquet(${sqlString(out)})`, shape.names, duck.value, scan.value.padded),
      rowCount: duck.value,
      via: "csv",
    };
  });
}

// ---------------------------------------------------------------------------------------------
// Any format: the JS parser, then DuckDB from a plain CSV it writes

/** A cell of the plain CSV: always quoted (so no record is an empty line), null as "" (which DuckDB reads as null). */
const plainCell = (cell: unknown) => (cell === null || cell === undefined ? '""' : `"${String(cell).replaceAll('"', '""')}"`);

/**
 * Writes batches of raw cells as a version's Parquet file of text columns c0… (as many as the last
 * batch names; shorter rows are padded with null): each cell as its text (a JSON number or boolean
 * as String() gives it), through a plain CSV at `scratch`, removed after, that DuckDB converts.
 * Says which columns have a cell with whitespace around it (ColumnInfo's `padded`). The JS
 * parser's way in, and the migration of versions stored as database rows (migrate-rows.ts). With
 * no rows nothing is written.
 */
export async function writeRawParquet(
  batches: AsyncIterable<RecordBatch>,
  out: string,
  scratch: string,
): Promise<{ columns: string[]; rowCount: number; padded: boolean[] }> {
  let columns: string[] = [];
  let rowCount = 0;
  const padded: boolean[] = [];
  let narrowest = Number.POSITIVE_INFINITY;
  let multiline = false;
  try {
    const plain = fs.openSync(scratch, "w");
    try {
      for await (const batch of batches) {
        columns = batch.columns;
        let text = "";
        for (const row of batch.rows) {
          for (let j = 0; j < row.length; j++) if (typeof row[j] === "string" && PADDED.test(row[j] as string)) padded[j] = true;
          const line = row.map(plainCell).join(",");
          narrowest = Math.min(narrowest, row.length);
          multiline ||= line.includes("\n") || line.includes("\r");
          text += `${line}\n`;
        }
        fs.writeSync(plain, text);
        rowCount += batch.rows.length;
      }
    } finally {
      fs.closeSync(plain);
    }
    const flags = columns.map((_, j) => padded[j] === true);
    if (rowCount === 0) return { columns, rowCount, padded: flags };
    const spec = `{${columns.map((_, i) => `'${rawColumn(i)}': 'VARCHAR'`).join(", ")}}`;
    // Rows of a JSON file written before a key first appeared are shorter: null_padding fills them,
    // which DuckDB's parallel reader refuses beside cells spanning lines.
    const padding = narrowest < columns.length ? `, null_padding = true${multiline ? ", parallel = false" : ""}` : "";
    const read = `read_csv(${sqlString(scratch)}, columns = ${spec}, header = false, delim = ',', quote = '"', escape = '"', new_line = '\\n', auto_detect = false, comment = ''${padding}, max_line_size = 20000000)`;
    const written = await withDuck((c) => rowsWritten(c, copySql(`SELECT * FROM ${read}`, out), sizeOf(scratch)));
    if (written !== rowCount) throw new AppError("INTERNAL", `the converted file has ${written} rows, not ${rowCount}`);
    return { columns, rowCount, padded: flags };
  } finally {
    fs.rmSync(scratch, { force: true });
  }
}

async function convertWithParser(file: string, format: DatasetFormat, out: string, scratch: string): Promise<Converted> {
  const inferrer = createTypeInferrer();
  async function* inferred(): AsyncGenerator<RecordBatch> {
    for await (const batch of parseRecords(fs.createReadStream(file, { highWaterMark: 1 << 20 }), format)) {
      for (const row of batch.rows) inferrer.add(batch.columns, row);
      yield batch;
    }
  }
  const { columns, rowCount, padded } = await writeRawParquet(inferred(), out, scratch);
  if (rowCount === 0) throw validation("file", "the file has no data rows");
  const infos = inferrer.finish(columns, rowCount).map((info, j) => (padded[j] ? { ...info, padded: true as const } : info));
  return { columns: infos, rowCount, via: "parser" };
}
