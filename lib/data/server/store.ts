import fs from "node:fs";
import path from "node:path";
import type { DuckDBDataChunk, DuckDBValue } from "@duckdb/node-api";
import { env } from "@/lib/shared/env";
import { type ColumnBatch, type ColumnData, isTextType } from "../column-batch";
import type { ColumnInfo, ColumnType } from "../types";
import { openDuck, sqlString, withDuck } from "./duck";
import type { CheckedFilter } from "./rows-query";

/**
 * Where a dataset version's rows live and how they are read. A version is one Parquet file,
 * written once and never changed: every cell exactly as the file had it, as text (`c0`, `c1`, …
 * by position: names can differ only in case, which SQL identifiers cannot), so a type is a cast
 * applied as the version is read (the SQL macros of duck.ts, which are the row path's
 * coerceCell). An override changes the cast, never the file, and can always be undone.
 */

export const datasetsDir = () => path.join(env.dataDir, "datasets");
export const versionDir = (id: string) => path.join(datasetsDir(), id);
export const versionFile = (id: string) => path.join(versionDir(id), "data.parquet");
export const rawColumn = (i: number) => `c${i}`;

/** A column as its casts need it: the type to read, the one inferred (checked on every cell), and whether its cells have whitespace around them. */
export type CastColumn = Pick<ColumnInfo, "type" | "inferredType" | "padded">;

/** The cell's text trimmed as JavaScript trims it: itself when no cell of its column has whitespace around it. */
export const trimmedSql = (column: Pick<ColumnInfo, "padded">, raw: string) => (column.padded ? `wb_trim(${raw})` : raw);

/**
 * The SQL reading stored text as a column's type. A column read as the type inferred at ingest
 * (every non-missing cell was checked against it then) takes a plain cast; any other type, the
 * full coercion, which refuses (null) what does not fit.
 */
export function castSql(column: CastColumn, raw: string): string {
  const verified = column.type === column.inferredType;
  const t = trimmedSql(column, raw);
  switch (column.type) {
    case "number":
      return verified ? `wb_finite(TRY_CAST(${t} AS DOUBLE))` : `wb_number(${t})`;
    case "integer":
      return verified ? `wb_finite(TRY_CAST(${t} AS DOUBLE))` : `wb_integer(${t})`;
    case "boolean":
      return `wb_boolean(${t})`;
    case "datetime":
      return verified ? `wb_datetime_checked(${t})` : `wb_datetime(${t})`;
    case "category":
    case "text":
      return `wb_text(${raw}, ${t})`;
  }
}

/**
 * The version's file as a table: `__row` (its row number, from 0) and `c0…` typed by `columns`;
 * `only` keeps just the columns at those positions (the others are not cast).
 */
export function typedRelation(id: string, columns: readonly CastColumn[], only?: ReadonlySet<number>): string {
  const cols = columns.flatMap((c, i) => (only && !only.has(i) ? [] : [`${castSql(c, rawColumn(i))} AS ${rawColumn(i)}`]));
  return `(SELECT file_row_number AS __row${cols.length ? ", " : ""}${cols.join(", ")} FROM read_parquet(${sqlString(versionFile(id))}, file_row_number = true))`;
}

/** The version's file as stored: `__row` and the raw text of each column. */
export function rawRelation(id: string): string {
  return `(SELECT file_row_number AS __row, * EXCLUDE (file_row_number) FROM read_parquet(${sqlString(versionFile(id))}, file_row_number = true))`;
}

export function removeVersionFiles(id: string): void {
  fs.rmSync(versionDir(id), { recursive: true, force: true });
}

// ---------------------------------------------------------------------------------------------
// Reading into columns

/** A growable column being filled from DuckDB chunks. */
class ColumnFill {
  private numbers: Float64Array;
  private texts: (string | null)[] = [];
  length = 0;
  constructor(
    readonly type: ColumnType,
    capacity: number,
  ) {
    this.numbers = new Float64Array(isTextType(type) ? 0 : Math.max(capacity, 16));
  }

  add(chunk: DuckDBDataChunk, j: number): void {
    const vector = chunk.getColumnVector(j);
    const n = chunk.rowCount;
    if (isTextType(this.type)) {
      for (let k = 0; k < n; k++) this.texts.push(vector.getItem(k) as string | null);
    } else {
      if (this.length + n > this.numbers.length) {
        const bigger = new Float64Array(Math.max(this.numbers.length * 2, this.length + n));
        bigger.set(this.numbers.subarray(0, this.length));
        this.numbers = bigger;
      }
      for (let k = 0; k < n; k++) {
        const v = vector.getItem(k) as number | null;
        this.numbers[this.length + k] = v === null ? Number.NaN : v;
      }
    }
    this.length += n;
  }

  done(): ColumnData {
    if (isTextType(this.type)) return { type: this.type as "category" | "text", values: this.texts };
    return { type: this.type as Exclude<ColumnType, "category" | "text">, values: this.numbers.slice(0, this.length) };
  }
}

export interface BatchQuery {
  /** Only these columns (by name), in this order; default every column. */
  columns?: string[];
  /** Rows from this row number on. */
  from?: number;
  /** At most this many rows. */
  limit?: number;
  /** A seeded sample of at most this many rows, kept in file order. */
  sample?: { rows: number; seed: number };
}

function selectedColumns(columns: readonly ColumnInfo[], names?: string[]): { info: ColumnInfo; index: number }[] {
  const all = columns.map((info, index) => ({ info, index }));
  if (!names) return all;
  return names.map((n) => {
    const found = all.find((c) => c.info.name === n);
    if (!found) throw new Error(`no column ${JSON.stringify(n)} in the version`);
    return found;
  });
}

/** The SQL of a batch query: the typed columns asked for (`c<position>`), then `__row`. */
export function batchSql(id: string, columns: readonly ColumnInfo[], q: BatchQuery = {}): string {
  const picked = selectedColumns(columns, q.columns);
  const select = [...picked.map((c) => rawColumn(c.index)), "__row::DOUBLE"].join(", ");
  const where = q.from ? `WHERE __row >= ${Math.floor(q.from)}` : "";
  const limit = q.limit !== undefined ? `LIMIT ${Math.floor(q.limit)}` : "";
  const relation = typedRelation(id, columns);
  if (q.sample) {
    // The rows whose seeded hash is smallest: the same rows every time, whatever the thread count.
    return `SELECT ${select} FROM (SELECT * FROM ${relation} ${where} ORDER BY hash(__row, ${Math.floor(q.sample.seed)}), __row LIMIT ${Math.floor(q.sample.rows)}) ORDER BY __row ${limit}`;
  }
  return `SELECT ${select} FROM ${relation} ${where} ORDER BY __row ${limit}`;
}

/** Typed columns of a version (or of its sample) as one batch, with each row's number. */
export async function readBatch(
  id: string,
  columns: readonly ColumnInfo[],
  q: BatchQuery = {},
  expectedRows = 0,
): Promise<{ batch: ColumnBatch; rows: Float64Array }> {
  const picked = selectedColumns(columns, q.columns);
  return withDuck(async (c) => {
    const result = await c.stream(batchSql(id, columns, q));
    const fills = picked.map((p) => new ColumnFill(p.info.type, expectedRows));
    const rowNumbers = new ColumnFill("number", expectedRows);
    for (;;) {
      const chunk = await result.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      fills.forEach((f, j) => f.add(chunk, j));
      rowNumbers.add(chunk, picked.length);
    }
    const map = new Map<string, ColumnData>();
    picked.forEach((p, j) => map.set(p.info.name, fills[j].done()));
    return { batch: { length: rowNumbers.length, columns: map }, rows: rowNumbers.done().values as Float64Array };
  });
}

/**
 * A version's rows in chunks of `size` from row `from` on, as typed columns and — for output that
 * repeats its input as it came — each column's stored text.
 */
export async function* streamBatches(
  id: string,
  columns: readonly ColumnInfo[],
  opts: { from?: number; size: number; raw?: boolean },
): AsyncGenerator<{ batch: ColumnBatch; raw: (string | null)[][] | null; first: number }> {
  const typed = typedRelation(id, columns);
  const rawCols = columns.map((_, i) => `r.${rawColumn(i)} AS r${i}`);
  const sql = opts.raw
    ? `SELECT ${columns.map((_, i) => `t.${rawColumn(i)}`).join(", ")}${columns.length ? ", " : ""}${rawCols.join(", ")}, t.__row FROM ${typed} t POSITIONAL JOIN ${rawRelation(id)} r WHERE t.__row >= ${Math.floor(opts.from ?? 0)} ORDER BY t.__row`
    : `SELECT ${columns.map((_, i) => rawColumn(i)).join(", ")}${columns.length ? ", " : ""}__row FROM ${typed} WHERE __row >= ${Math.floor(opts.from ?? 0)} ORDER BY __row`;
  const c = await openDuck();
  try {
    const result = await c.stream(sql);
    let fills = columns.map((col) => new ColumnFill(col.type, opts.size));
    let raws: (string | null)[][] = columns.map(() => []);
    let first = opts.from ?? 0;
    let count = 0;
    const flush = () => {
      const map = new Map<string, ColumnData>();
      columns.forEach((col, j) => map.set(col.name, fills[j].done()));
      const out = { batch: { length: count, columns: map }, raw: opts.raw ? raws : null, first };
      first += count;
      count = 0;
      fills = columns.map((col) => new ColumnFill(col.type, opts.size));
      raws = columns.map(() => []);
      return out;
    };
    for (;;) {
      const chunk = await result.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      // DuckDB's chunks (2,048 rows) are gathered into chunks of `size`.
      let at = 0;
      while (at < chunk.rowCount) {
        const take = Math.min(chunk.rowCount - at, opts.size - count);
        const part = take === chunk.rowCount && at === 0 ? chunk : sliceChunk(chunk, at, take);
        fills.forEach((f, j) => f.add(part, j));
        if (opts.raw) for (let j = 0; j < columns.length; j++) pushTexts(raws[j], part, columns.length + j);
        count += take;
        at += take;
        if (count === opts.size) yield flush();
      }
    }
    if (count > 0) yield flush();
  } finally {
    c.closeSync();
  }
}

function pushTexts(into: (string | null)[], chunk: DuckDBDataChunk, j: number): void {
  const v = chunk.getColumnVector(j);
  for (let k = 0; k < chunk.rowCount; k++) into.push(v.getItem(k) as string | null);
}

/** Rows [at, at + n) of a chunk as a chunk-like view (only what ColumnFill and pushTexts read). */
function sliceChunk(chunk: DuckDBDataChunk, at: number, n: number): DuckDBDataChunk {
  return {
    rowCount: n,
    getColumnVector: (j: number) => chunk.getColumnVector(j).slice(at, n),
  } as Pick<DuckDBDataChunk, "rowCount" | "getColumnVector"> as DuckDBDataChunk;
}

// ---------------------------------------------------------------------------------------------
// Pages of rows

export interface PageQuery {
  offset: number;
  limit: number;
  /** The column (by position) to sort by: missing values last either way, ties in file order. */
  sort?: { column: number; descending: boolean };
  /** Conditions every row must meet, checked against the columns (rows-query.ts). */
  filters?: readonly CheckedFilter[];
}

/** The SQL type a filter's value is bound as: the type the column's cast gives. */
const valueSql = (value: string | number | null) => (typeof value === "number" ? "DOUBLE" : "VARCHAR");

/** A filter's condition on its typed column, its value bound as a parameter. */
function filterSql(f: CheckedFilter, params: DuckDBValue[]): string {
  const ref = rawColumn(f.column);
  if (f.op === "isnull") return `${ref} IS NULL`;
  if (f.op === "notnull") return `${ref} IS NOT NULL`;
  params.push(f.value);
  const value = `$${params.length}::${valueSql(f.value)}`;
  if (f.op === "contains") return `contains(lower(${ref}), lower(${value}))`;
  // A missing value is not equal to any: != keeps it (as pandas' != does), where SQL's <> would drop it.
  const op = f.op === "==" ? "=" : f.op === "!=" ? "IS DISTINCT FROM" : f.op;
  return `${ref} ${op} ${value}`;
}

/**
 * A page of a version's rows, sorted and filtered in SQL, with the number of rows that pass the
 * filters (null without filters). In two steps, so that only the page's rows are cast in full:
 * the page's row numbers from the sort and filter columns alone, then those rows. Casting every
 * column of every row to sort them took seconds per million rows, for each page.
 */
export async function readPage(
  id: string,
  columns: readonly ColumnInfo[],
  q: PageQuery,
): Promise<{ rows: { row: number; cells: DuckDBValue[] }[]; matched: number | null }> {
  const offset = Math.floor(q.offset);
  const limit = Math.floor(q.limit);
  const filters = q.filters ?? [];
  const params: DuckDBValue[] = [];
  const where = filters.length ? `WHERE ${filters.map((f) => filterSql(f, params)).join(" AND ")}` : "";
  const used = new Set([...filters.map((f) => f.column), ...(q.sort ? [q.sort.column] : [])]);
  const narrow = typedRelation(id, columns, used);
  const select = [...columns.map((_, i) => rawColumn(i)), "__row"].join(", ");
  return withDuck(async (c) => {
    const matched = where ? Number((await c.runAndReadAll(`SELECT count(*)::DOUBLE FROM ${narrow} ${where}`, params)).getRows()[0][0]) : null;
    if (!where && !q.sort) {
      // File order without filters: the page is a range of row numbers.
      const page = await c.runAndReadAll(
        `SELECT ${select} FROM ${typedRelation(id, columns)} WHERE __row >= ${offset} AND __row < ${offset + limit} ORDER BY __row`,
      );
      return { rows: page.getRows().map((r) => pageRow(r, columns.length)), matched };
    }
    const order = q.sort ? `${rawColumn(q.sort.column)} ${q.sort.descending ? "DESC" : "ASC"} NULLS LAST, __row` : "__row";
    const picked = (await c.runAndReadAll(`SELECT __row FROM ${narrow} ${where} ORDER BY ${order} LIMIT ${limit} OFFSET ${offset}`, params))
      .getRows()
      .map((r) => Number(r[0]));
    if (picked.length === 0) return { rows: [], matched };
    const page = await c.runAndReadAll(`SELECT ${select} FROM ${typedRelation(id, columns)} WHERE __row IN (${picked.join(", ")})`);
    const byRow = new Map(page.getRows().map((r) => [Number(r[columns.length]), pageRow(r, columns.length)]));
    return { rows: picked.flatMap((n) => byRow.get(n) ?? []), matched };
  });
}

const pageRow = (r: DuckDBValue[], width: number) => ({ row: Number(r[width]), cells: r.slice(0, width) });
