import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { type DuckDBConnection, DuckDBInstance, type DuckDBValue } from "@duckdb/node-api";
import { env } from "@/lib/shared/env";

/**
 * This process's DuckDB: in memory, reading and writing the dataset versions' Parquet files in the
 * data folder. No process owns a database file, so any number of web servers and workers read the
 * same files. Each call takes its own connection (queries of one connection run one at a time);
 * the instance, its settings and its macros are shared.
 */

/**
 * Whitespace that JavaScript's String.prototype.trim removes (and so the row path's coercion):
 * DuckDB's trim() takes the characters to remove.
 */
const JS_WHITESPACE = " \t\n\v\f\r\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff";

/** lib/data/infer.ts's NUMBER_PATTERN. */
export const NUMBER_REGEX = "[+-]?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][+-]?\\d+)?";
/** lib/data/infer.ts's DATETIME_PATTERN without its back-reference (RE2 has none): one separator throughout, as there. */
const DATETIME_REGEX =
  "(\\d{4})(?:-(\\d{2})-(\\d{2})|/(\\d{2})/(\\d{2}))(?:[Tt ](\\d{2}):(\\d{2})(?::(\\d{2})(?:\\.(\\d{1,9}))?)?\\s*([Zz]|[+-]\\d{2}:?\\d{2})?)?";
const MAX_SAFE_INTEGER = "9007199254740991";

/** A SQL string literal. */
export const sqlString = (s: string) => `'${s.replaceAll("'", "''")}'`;

/**
 * The row path's cell coercion (lib/data/infer.ts coerceCell) and type inference tests as SQL
 * macros: every reader of a version casts its stored text with these (store.ts castSql), so a
 * column's type means the same in SQL as in JavaScript (a test holds them together cell by cell).
 * They take `t`, the cell's text already trimmed as JavaScript's trim() trims it — for a column
 * whose cells have no whitespace around them (the usual case, known at ingest: `padded`) that is
 * the cell itself, since trimming with DuckDB's trim() over this character set costs more than
 * the rest of a read. Numbers, integers, booleans (1/0) and datetimes (epoch ms, UTC) come out as
 * DOUBLE.
 */
const MACROS = [
  `wb_trim(r) AS trim(r, ${sqlString(JS_WHITESPACE)})`,
  // list_contains, not IN: DuckDB plans an IN list as a mark join, which keeps every column of typedRelation alive in any query of it.
  `wb_missing(t) AS t IS NULL OR (strlen(t) <= 4 AND list_contains(['', 'na', 'n/a', 'nan', 'null', 'none'], lower(t)))`,
  `wb_number_text(t) AS regexp_full_match(t, ${sqlString(NUMBER_REGEX)})`,
  `wb_integer_text(t) AS regexp_full_match(t, '[+-]?\\d+') AND abs(TRY_CAST(t AS DOUBLE)) <= ${MAX_SAFE_INTEGER}`,
  `wb_boolean_text(t) AS lower(t) IN ('true', 'false', 'yes', 'no')`,
  `wb_finite(x) AS CASE WHEN isfinite(x) THEN x END`,
  `wb_number(t) AS CASE WHEN wb_missing(t) THEN NULL WHEN wb_number_text(t) THEN wb_finite(TRY_CAST(t AS DOUBLE)) END`,
  `wb_integer(t) AS list_transform([wb_number(t)], x -> CASE WHEN x = trunc(x) AND abs(x) <= ${MAX_SAFE_INTEGER} THEN x END)[1]`,
  `wb_boolean_of(t) AS CASE WHEN wb_missing(t) THEN NULL WHEN t = '1' OR lower(t) IN ('true', 'yes') THEN 1.0::DOUBLE WHEN t = '0' OR lower(t) IN ('false', 'no') THEN 0.0::DOUBLE END`,
  // The usual spellings first, as they are: four times faster than the tests above.
  `wb_boolean(t) AS CASE t WHEN 'true' THEN 1.0::DOUBLE WHEN 'false' THEN 0.0::DOUBLE WHEN 'yes' THEN 1.0::DOUBLE WHEN 'no' THEN 0.0::DOUBLE
      WHEN '1' THEN 1.0::DOUBLE WHEN '0' THEN 0.0::DOUBLE ELSE wb_boolean_of(t) END`,
  `wb_text(r, t) AS CASE WHEN wb_missing(t) THEN NULL ELSE r END`,
  // A datetime's parts, then its epoch milliseconds when they name a real moment (as parseDatetimeMs).
  `wb_dt_offset(z) AS CASE WHEN z = '' OR lower(z) = 'z' THEN 0
      WHEN CAST(substr(replace(z, ':', ''), 2, 2) AS INTEGER) <= 23 AND CAST(substr(replace(z, ':', ''), 4, 2) AS INTEGER) <= 59
      THEN (CASE WHEN z[1] = '-' THEN -1 ELSE 1 END) * (CAST(substr(replace(z, ':', ''), 2, 2) AS INTEGER) * 60 + CAST(substr(replace(z, ':', ''), 4, 2) AS INTEGER)) END`,
  `wb_dt_ms(y, mo, d, hh, mi, ss, f, z) AS CASE
      WHEN mo BETWEEN 1 AND 12 AND d >= 1 AND d <= dayofmonth(last_day(make_date(y, mo, 1))) AND hh <= 23 AND mi <= 59 AND ss <= 59 AND wb_dt_offset(z) IS NOT NULL
      THEN (date_diff('day', DATE '1970-01-01', make_date(y, mo, d)) * 86400000 + hh * 3600000 + mi * 60000 + ss * 1000
        + (CASE WHEN f = '' THEN 0 ELSE CAST(rpad(left(f, 3), 3, '0') AS INTEGER) END) - wb_dt_offset(z) * 60000)::DOUBLE END`,
  `wb_dt_of(p) AS CASE WHEN p.y <> '' THEN wb_dt_ms(CAST(p.y AS INTEGER), CAST(p.m1 || p.m2 AS INTEGER), CAST(p.d1 || p.d2 AS INTEGER),
      CAST(coalesce(nullif(p.hh, ''), '0') AS INTEGER), CAST(coalesce(nullif(p.mi, ''), '0') AS INTEGER), CAST(coalesce(nullif(p.ss, ''), '0') AS INTEGER), p.f, p.z) END`,
  // The parts extracted once (a lambda binds them), not once per part.
  `wb_datetime(t) AS CASE WHEN wb_missing(t) THEN NULL ELSE list_transform([regexp_extract(t, ${sqlString(`^${DATETIME_REGEX}$`)}, ['y', 'm1', 'd1', 'm2', 'd2', 'hh', 'mi', 'ss', 'f', 'z'])], p -> wb_dt_of(p))[1] END`,
  // Whether a cell is a datetime (the inference's test): its plain forms by DuckDB's own cast, which checks the calendar as parseDatetimeMs does, any other through wb_datetime.
  `wb_datetime_ok(t) AS CASE WHEN regexp_full_match(t, '\\d{4}-\\d{2}-\\d{2}(?:[T ]\\d{2}:\\d{2}:\\d{2})?') AND substr(t, 1, 4) <> '0000'
      THEN TRY_CAST(t AS TIMESTAMP) IS NOT NULL AND (strlen(t) = 10 OR (substr(t, 12, 2) < '24' AND substr(t, 15, 2) < '60' AND substr(t, 18, 2) < '60'))
      ELSE wb_datetime(t) IS NOT NULL END`,
  // A datetime column whose every cell was checked at ingest: its plain forms through DuckDB's own cast (the same instant), any other through wb_datetime.
  `wb_datetime_checked(t) AS CASE WHEN (strlen(t) = 10 OR (strlen(t) = 19 AND substr(t, 11, 1) IN ('T', ' '))) AND substr(t, 5, 1) = '-' THEN epoch_ms(TRY_CAST(t AS TIMESTAMP))::DOUBLE ELSE wb_datetime(t) END`,
];

let instance: Promise<DuckDBInstance> | null = null;

/** Where each process's DuckDB spills what does not fit its memory: a folder per pid, so a start can tell a dead process's (recover.ts). */
export const spillRoot = () => path.join(env.dataDir, "tmp", "duckdb");

async function createInstance(): Promise<DuckDBInstance> {
  const spill = path.join(spillRoot(), String(process.pid));
  fs.mkdirSync(spill, { recursive: true });
  const db = await DuckDBInstance.create(":memory:", {
    threads: String(defaultThreads()),
    memory_limit: env.WORKBENCH_DUCKDB_MEMORY,
    temp_directory: spill,
    // Nothing is fetched at run time: the extensions used (parquet, json, icu) are built in.
    autoinstall_known_extensions: "false",
    autoload_known_extensions: "false",
  });
  const setup = await db.connect();
  try {
    for (const macro of MACROS) await setup.run(`CREATE OR REPLACE MACRO ${macro}`);
  } finally {
    setup.closeSync();
  }
  return db;
}

function getInstance(): Promise<DuckDBInstance> {
  instance ??= createInstance().catch((e) => {
    instance = null;
    throw e;
  });
  return instance;
}

/** A connection of its own, for a caller that holds it across awaits (a streamed result): close it with closeSync. */
export async function openDuck(): Promise<DuckDBConnection> {
  return (await getInstance()).connect();
}

/** Runs `fn` on a connection of its own, closed after. */
export async function withDuck<T>(fn: (c: DuckDBConnection) => Promise<T>): Promise<T> {
  const c = await (await getInstance()).connect();
  try {
    return await fn(c);
  } finally {
    c.closeSync();
  }
}

/** DuckDB's threads when nothing holds it to one. */
const defaultThreads = () => env.WORKBENCH_DUCKDB_THREADS ?? Math.max(1, os.availableParallelism());
let singleThreadHolds = 0;

/**
 * Runs `fn` with this process's DuckDB on one thread. An order-keeping COPY of a large file on
 * several threads buffers the row groups that are ready before their turn, and past a few
 * million rows that outgrows the memory limit ("Out of Memory Error"); on one thread the rows
 * stream through in order, in bounded memory. The setting is the instance's: other queries run
 * on one thread meanwhile, slower but right.
 */
export async function onOneThread<T>(fn: () => Promise<T>): Promise<T> {
  if (singleThreadHolds++ === 0) await duckRun("SET threads = 1");
  try {
    return await fn();
  } finally {
    if (--singleThreadHolds === 0) await duckRun(`SET threads = ${defaultThreads()}`);
  }
}

/** Every row of a query, as arrays of JS values (BIGINT as bigint: cast in SQL where a number is wanted). */
export function duckRows(sql: string, params?: DuckDBValue[]): Promise<DuckDBValue[][]> {
  return withDuck(async (c) => (await c.runAndReadAll(sql, params)).getRows());
}

/** Runs statements that return nothing of interest. */
export function duckRun(sql: string, params?: DuckDBValue[]): Promise<void> {
  return withDuck(async (c) => {
    await c.run(sql, params);
  });
}
