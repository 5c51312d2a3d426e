import fs from "node:fs";
import path from "node:path";
import { setImmediate as yieldToEventLoop } from "node:timers/promises";
import { and, asc, eq, exists } from "drizzle-orm";
import { getDb } from "@/db/client";
import { datasetRows, datasetVersions } from "@/db/schema";
import type { ColumnInfo, RawCell } from "../types";
import { paddedColumns, writeRawParquet } from "./convert";
import { duckRows, sqlString, withDuck } from "./duck";
import type { RecordBatch } from "./parse";
import { deleteVersionRows, processAlive } from "./recover";
import { versionDir, versionFile } from "./store";

/**
 * Versions stored before Parquet files kept their rows in the database (`dataset_rows`: one JSON
 * array of raw cells per row). The serving web server turns each such ready version into its file
 * as it starts (instrumentation.ts, beside the crash clean-up), then deletes the rows. A version
 * whose file is there is complete: the file is written under a temporary name and renamed once its
 * row count is checked, and the rows go only after that, so a start cut short resumes.
 */

/** Rows read from the database per page. */
const PAGE_ROWS = 5_000;
/** A progress line each time this many more rows are written. */
const PROGRESS_ROWS = 100_000;
/** Ends the temporary files' names, before the pid of the process writing them. */
const TEMP_MARK = ".migrating-";

export type Log = (line: string) => void;

interface RowVersion {
  id: string;
  name: string;
  version: number;
  rowCount: number;
  columns: ColumnInfo[];
}

/** Ready versions whose rows are still in the database, oldest first. */
function versionsInRows(): RowVersion[] {
  const db = getDb();
  const hasRows = db.select({ one: datasetRows.idx }).from(datasetRows).where(eq(datasetRows.versionId, datasetVersions.id));
  return db
    .select({
      id: datasetVersions.id,
      name: datasetVersions.name,
      version: datasetVersions.version,
      rowCount: datasetVersions.rowCount,
      columns: datasetVersions.columns,
    })
    .from(datasetVersions)
    .where(and(eq(datasetVersions.status, "ready"), exists(hasRows)))
    .orderBy(asc(datasetVersions.createdAt))
    .all()
    .map((v) => ({ ...v, columns: v.columns as ColumnInfo[] }));
}

/** A stored JSON cell as the text a file keeps: numbers and booleans as String() writes them, null as null. */
export const rawText = (cell: RawCell): string | null => (cell === null || cell === undefined ? null : String(cell));

/** The version's rows from the database in pages, in row order, as raw text; logs its progress. */
async function* rowPages(v: RowVersion, log: Log): AsyncGenerator<RecordBatch> {
  const page = getDb().$client.prepare("SELECT idx, data FROM dataset_rows WHERE version_id = ? AND idx >= ? ORDER BY idx LIMIT ?");
  const names = v.columns.map((c) => c.name);
  let next = 0;
  let done = 0;
  for (;;) {
    const rows = page.all(v.id, next, PAGE_ROWS) as { idx: number; data: string }[];
    if (rows.length === 0) break;
    // Cells past the columns were never read (coerceRow stops at the last column).
    yield { columns: names, rows: rows.map((r) => (JSON.parse(r.data) as RawCell[]).slice(0, names.length).map(rawText)) };
    const before = done;
    done += rows.length;
    if (Math.floor(done / PROGRESS_ROWS) > Math.floor(before / PROGRESS_ROWS)) log(`[migrate] dataset ${v.name} v${v.version}: ${done}/${v.rowCount} rows`);
    next = rows[rows.length - 1].idx + 1;
    await yieldToEventLoop();
  }
  if (done % PROGRESS_ROWS !== 0 || done === 0) log(`[migrate] dataset ${v.name} v${v.version}: ${done}/${v.rowCount} rows`);
}

/** Temporary files in `dir` that a process no longer running left (or this one's pid, reused: it writes none yet). */
function removeStaleTemps(dir: string): void {
  for (const name of fs.readdirSync(dir)) {
    const at = name.lastIndexOf(TEMP_MARK);
    if (at < 0) continue;
    const pid = Number(name.slice(at + TEMP_MARK.length));
    if (pid === process.pid || !processAlive(pid)) fs.rmSync(path.join(dir, name), { force: true });
  }
}

/** Rows of a Parquet file; -1 when it cannot be read. */
const rowsInFile = (file: string) =>
  duckRows(`SELECT count(*)::DOUBLE FROM read_parquet(${sqlString(file)})`).then(
    (r) => Number(r[0][0]),
    () => -1,
  );

function fsyncPath(p: string): void {
  const fd = fs.openSync(p, "r");
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Marks the version's columns that have a cell with whitespace around it in `file` (ColumnInfo's
 * `padded`), which the casts then trim as the reader of database rows did (coerceCell).
 */
async function markPadded(v: RowVersion, file: string): Promise<void> {
  const flags = await withDuck((c) => paddedColumns(c, `read_parquet(${sqlString(file)})`, v.columns.length));
  getDb().transaction((tx) => {
    const row = tx.select({ columns: datasetVersions.columns }).from(datasetVersions).where(eq(datasetVersions.id, v.id)).get();
    const columns = ((row?.columns ?? []) as ColumnInfo[]).map((c, j) => (flags[j] && !c.padded ? { ...c, padded: true as const } : c));
    if (columns.some((c, j) => c !== row?.columns[j])) tx.update(datasetVersions).set({ columns }).where(eq(datasetVersions.id, v.id)).run();
  });
}

/** Writes the version's file (unless a complete one is there) and marks its columns, then deletes its rows. */
async function migrateVersion(v: RowVersion, log: Log): Promise<void> {
  const dir = versionDir(v.id);
  const file = versionFile(v.id);
  fs.mkdirSync(dir, { recursive: true });
  removeStaleTemps(dir);
  if (fs.existsSync(file) && (await rowsInFile(file)) !== v.rowCount) fs.rmSync(file);
  if (fs.existsSync(file)) {
    // Renamed into place by a start cut short, after its columns were marked (again, for a backup's snapshot taken in between).
    await markPadded(v, file);
  } else {
    // Names of this process's own: another web server still stopping cannot write over them.
    const temp = path.join(dir, `data.parquet${TEMP_MARK}${process.pid}`);
    try {
      const { rowCount } = await writeRawParquet(rowPages(v, log), temp, path.join(dir, `rows.csv${TEMP_MARK}${process.pid}`));
      if (rowCount !== v.rowCount) throw new Error(`the database holds ${rowCount} of its ${v.rowCount} rows; its rows are left in the database`);
      // Before the rename: a file in place always has its columns marked.
      await markPadded(v, temp);
      fsyncPath(temp);
      fs.renameSync(temp, file);
      fsyncPath(dir);
    } finally {
      fs.rmSync(temp, { force: true });
    }
  }
  await deleteVersionRows(v.id);
}

/**
 * Turns every ready version still stored as database rows into its Parquet file (raw text columns
 * c0…, as ingest writes them; its hash, row count and columns unchanged but for the `padded` mark
 * reading needs), logging progress. A version that fails is logged and left as it was, for the
 * next start to try again.
 */
export async function migrateRowVersions(log: Log = console.log): Promise<{ versions: number; rows: number }> {
  let pending: RowVersion[];
  try {
    pending = versionsInRows();
  } catch (e) {
    console.error("[migrate] could not list the dataset versions stored as database rows", e);
    return { versions: 0, rows: 0 };
  }
  if (pending.length === 0) return { versions: 0, rows: 0 };
  log(`[migrate] ${pending.length} dataset version(s) stored as database rows: writing them as Parquet files`);
  let versions = 0;
  let rows = 0;
  for (const v of pending) {
    try {
      await migrateVersion(v, log);
      versions++;
      rows += v.rowCount;
    } catch (e) {
      console.error(`[migrate] could not convert dataset ${v.name} v${v.version} (${v.id}); the next start tries again`, e);
    }
  }
  log(`[migrate] ${versions} of ${pending.length} dataset version(s) written as Parquet files (${rows} rows)`);
  return { versions, rows };
}
