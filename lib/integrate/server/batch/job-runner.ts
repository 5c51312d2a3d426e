import fs from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { and, eq, inArray, sql } from "drizzle-orm";
import { getDb } from "@/db/client";
import { datasetVersions, jobs, type JobRow } from "@/db/schema";
import { rowsOfBatch } from "@/lib/data/column-batch";
import { plainCsvSelect } from "@/lib/data/server/convert";
import { sqlString } from "@/lib/data/server/duck";
import { rawColumn, streamBatches, versionFile } from "@/lib/data/server/store";
import type { ColumnInfo, ColumnType, RawCell, Row } from "@/lib/data/types";
import { csvRecordBatches } from "@/lib/data/csv-records";
import { csvCell } from "@/lib/shared/csv";
import { AppError, isDiskFull } from "@/lib/shared/errors";
import { quoteIdent } from "@/lib/shared/sql";
import { nextFairId } from "@/lib/shared/server/fair-queue";
import { identityAlive, processIdentity } from "@/lib/shared/server/proc";
import { coerceRows } from "../../formats";
import { predictorFor } from "../serving/runtime";
import { startCommitter } from "./job-commit";
import { canScoreColumns, columnChunkOutput, rawChunks } from "./job-columns";
import { ColumnarChunks, predictionColumns, rowChunkOutput, rowOfCells, type ChunkOutput, type OutputLayout } from "./job-chunks";
import { realtimeLoad } from "../serving/realtime-beat";
import { jobDir, jobInputFile, jobOutputFile, releaseJobOutput } from "./jobs";
import type { Prediction, Predictor } from "../serving/predictors";

/** A job beside a saturated web server pauses this many times as long as each chunk took (a third of its speed); less as the web server is less busy. */
const YIELD_FACTOR = 2;
/** The longest pause between chunks given to real-time traffic. */
const MAX_YIELD_MS = 1000;

/** Rows scored, written and committed together. */
export const JOB_CHUNK_ROWS = 1024;

interface Chunk {
  rows: Row[];
  /** Each row's cells as they came, for the CSV (file inputs). */
  raw: RawCell[][];
  /** Predictions made already (forecast mode); otherwise the chunk is scored as it comes. */
  predictions?: (Prediction | null)[];
}

interface Source {
  columns: string[];
  /** Chunks of rows from row `start` on. */
  chunks(start: number): AsyncGenerator<Chunk>;
}

/** Rows a forecast-mode job reads in full (history of every series). */
const MAX_FORECAST_INPUT_ROWS = 2_000_000;

/**
 * Forecast mode: a forecaster's job whose input carries the target is history. The output is the
 * next `horizon` periods of every series in it — after the newest history the input brings, using
 * the known-ahead values (price, advert) of input rows without a target — not one row per input row.
 */
async function forecastSource(source: Source, predictor: Predictor): Promise<Source> {
  const rows: Row[] = [];
  for await (const chunk of source.chunks(0)) {
    for (const r of chunk.rows) rows.push(r);
    if (rows.length > MAX_FORECAST_INPUT_ROWS)
      throw new AppError("TOO_LARGE", `A forecast job reads at most ${MAX_FORECAST_INPUT_ROWS} history rows.`, [{ field: "file", message: "too many rows" }]);
  }
  const schema = [...predictor.inputSchema, { name: predictor.target!, type: "number" as const }];
  const out = predictor.forecastAhead!(coerceRows(rows, schema, { field: "rows" }));
  const columns = [...predictor.inputSchema.map((c) => c.name)];
  return {
    columns,
    async *chunks(start) {
      for (let i = start; i < out.length; i += JOB_CHUNK_ROWS) {
        const part = out.slice(i, i + JOB_CHUNK_ROWS);
        yield { rows: part, raw: [], predictions: part.map((r) => (r.prediction as number | null) ?? null) };
      }
    },
  };
}

function datasetSource(datasetId: string): Source {
  const version = getDb().select().from(datasetVersions).where(eq(datasetVersions.id, datasetId)).get();
  if (!version) throw new AppError("VALIDATION", `The job's dataset version ${datasetId} no longer exists.`, [{ field: "datasetId", message: "deleted" }]);
  const columns = version.columns as ColumnInfo[];
  return {
    columns: columns.map((c) => c.name),
    async *chunks(start) {
      // DuckDB reads the version's file: each row typed as the version says, and its cells as stored (for the CSV).
      for await (const { batch, raw } of streamBatches(datasetId, columns, { from: start, size: JOB_CHUNK_ROWS, raw: true })) {
        const cells: RawCell[][] = [];
        for (let i = 0; i < batch.length; i++) cells.push(raw!.map((column) => column[i]));
        yield { rows: rowsOfBatch(batch), raw: cells };
      }
    },
  };
}

/** Bytes read from an input file at a time. */
const READ_CHUNK_BYTES = 1 << 20;

async function fileSource(file: string): Promise<Source> {
  const open = () => csvRecordBatches(fs.createReadStream(file, { highWaterMark: READ_CHUNK_BYTES }));
  let columns: string[] = [];
  for await (const batch of open()) {
    columns = batch[0].map((s) => s.trim());
    break;
  }
  return {
    columns,
    async *chunks(start) {
      let index = -1;
      let rows: Row[] = [];
      let raw: RawCell[][] = [];
      for await (const batch of open()) {
        for (const cells of batch) {
          if (index++ < start) continue; // the header, then the rows already committed
          rows.push(rowOfCells(columns, cells));
          raw.push(cells);
          if (rows.length === JOB_CHUNK_ROWS) {
            yield { rows, raw };
            rows = [];
            raw = [];
          }
        }
      }
      if (rows.length) yield { rows, raw };
    },
  };
}

/**
 * The SELECT of a job's input cells as text for DuckDB, in the input's column order: a dataset
 * version whose types are the model's (a version typed otherwise is read the row way, which
 * coerces its typed cells once more), or an uploaded CSV that is plain throughout.
 */
async function duckInput(job: JobRow, schema: { name: string; type: ColumnType }[]): Promise<string | null> {
  if (job.sourceKind === "file") return (await plainCsvSelect(jobInputFile(job.id)))?.sql ?? null;
  const version = getDb().select().from(datasetVersions).where(eq(datasetVersions.id, job.datasetId!)).get();
  if (!version) return null;
  const columns = version.columns as ColumnInfo[];
  const numeric = (t: ColumnType) => t === "number" || t === "integer";
  const agrees = schema.every((s) => {
    const c = columns.find((x) => x.name === s.name);
    return !!c && (c.type === s.type || (c.type === c.inferredType && numeric(c.type) && numeric(s.type)));
  });
  return agrees ? `SELECT ${columns.map((_, i) => rawColumn(i)).join(", ")} FROM read_parquet(${sqlString(versionFile(version.id))})` : null;
}

async function* duckChunks(sql: string, width: number, layout: OutputLayout, start: number): AsyncGenerator<ChunkOutput> {
  for await (const { raw, count } of rawChunks(sql, width, start)) yield columnChunkOutput(layout, raw, count);
}

async function* rowChunks(source: Source, layout: OutputLayout, start: number): AsyncGenerator<ChunkOutput> {
  for await (const chunk of source.chunks(start)) yield rowChunkOutput(layout, chunk.rows, chunk.raw, chunk.predictions);
}

const finish = (id: string, set: Partial<JobRow>) =>
  getDb()
    .update(jobs)
    .set({ ...set, finishedAt: new Date(), updatedAt: new Date() })
    .where(eq(jobs.id, id))
    .run();

/**
 * Removes a job's partial output (`ended`: only once it is failed or cancelled); a failure is
 * logged, and the next start removes what is left (recover.ts).
 */
function release(job: JobRow, ended = false): void {
  try {
    const status = ended ? getDb().select({ s: jobs.status }).from(jobs).where(eq(jobs.id, job.id)).get()?.s : null;
    if (!ended || status === "failed" || status === "cancelled") releaseJobOutput(job);
  } catch (e) {
    console.error(`[worker] could not remove the partial output of job ${job.id}; the next start will`, e);
  }
}

/**
 * Runs a claimed job from its last committed chunk to the end. Each chunk is read, coerced and
 * scored in one batched pass here (as columns or as rows, see job-chunks.ts), then committed on
 * the committer's thread (job-commit.ts): one transaction inserts its rows into the output table
 * with its row errors, writes its lines to output.csv at the committed offset and moves rowsDone
 * and outputBytes on. A process that dies mid-commit leaves bytes past outputBytes, which the
 * resume truncates.
 */
export async function executeJob(job: JobRow, signal?: AbortSignal): Promise<void> {
  const db = getDb();
  const started = Date.now();
  try {
    const predictor = await predictorFor(job.modelId);
    let source = job.sourceKind === "dataset" ? datasetSource(job.datasetId!) : await fileSource(jobInputFile(job.id));
    const forecastMode = predictor.kind === "forecaster" && !!predictor.target && source.columns.includes(predictor.target);
    if (forecastMode) {
      source = await forecastSource(source, predictor);
      let total = 0;
      for await (const c of source.chunks(0)) total += c.rows.length;
      db.update(jobs).set({ rowsTotal: total, updatedAt: new Date() }).where(eq(jobs.id, job.id)).run();
    }
    const outputs = predictionColumns(predictor);
    const inputNames = source.columns;
    const tableName = quoteIdent(job.outputTable);
    // The table holds the model's number, integer and boolean inputs as numbers (SQL can compute on
    // them, and they bind faster), every other column as it came; the CSV has every cell as it came.
    const inputTypes = new Map((predictor.kind === "recommender" ? [] : predictor.inputSchema).map((c) => [c.name, c.type]));
    const sqlTypeOf = (name: string) => ({ number: "REAL", integer: "INTEGER", boolean: "INTEGER" })[inputTypes.get(name) as string] ?? "";
    const typed = inputNames.map((n) => sqlTypeOf(n) !== "");
    const allColumns = [...inputNames.map((n) => ({ name: n, sqlType: sqlTypeOf(n) })), ...outputs, { name: "error", sqlType: "TEXT" }];
    db.$client.exec(
      `CREATE TABLE IF NOT EXISTS ${tableName} ("row" INTEGER PRIMARY KEY, ${allColumns.map((c) => `${quoteIdent(c.name)} ${c.sqlType}`.trim()).join(", ")})`,
    );
    const recordWidth = allColumns.length + 1; // "row", then every column
    const layout: OutputLayout = { predictor, inputNames, typed, recordWidth };

    fs.mkdirSync(jobDir(job.id), { recursive: true });
    const out = jobOutputFile(job.id);
    let bytes = job.outputBytes;
    let done = job.rowsDone;
    let failed = job.rowsFailed;
    if (bytes === 0) {
      const header = allColumns.map((c) => csvCell(c.name)).join(",") + "\n";
      fs.writeFileSync(out, header);
      bytes = Buffer.byteLength(header);
      db.update(jobs).set({ outputBytes: bytes, updatedAt: new Date() }).where(eq(jobs.id, job.id)).run();
    } else {
      // Resume: drop whatever a dead process wrote after the last committed chunk.
      fs.truncateSync(out, bytes);
      db.$client.prepare(`DELETE FROM ${tableName} WHERE "row" >= ?`).run(done);
      console.log(`[worker] job ${job.id} resumes at row ${done}`);
    }
    // Chunk N commits on the committer's thread while chunk N + 1 is read and scored here; at most one waits.
    const committer = startCommitter({ jobId: job.id, table: tableName, width: recordWidth, outFile: out });
    let committing: Promise<number> | null = null;
    const settle = async () => {
      if (committing) await committing;
      committing = null;
    };
    let chunkStarted = performance.now();
    try {
      // A plain CSV file for a model whose recipe works per number column: read from its bytes as
      // columns of numbers; any other recipe, a dataset version or a plain CSV: DuckDB reads the
      // cells as columns and the recipe runs per column; anything else, as rows.
      const columnar = job.sourceKind !== "dataset" && !forecastMode && predictor.columnar ? new ColumnarChunks(layout) : null;
      const duckSql = columnar || forecastMode || !canScoreColumns(layout) ? null : await duckInput(job, predictor.inputSchema);
      const chunks: AsyncIterable<ChunkOutput> = columnar
        ? columnar.chunks(jobInputFile(job.id), done)
        : duckSql
          ? duckChunks(duckSql, inputNames.length, layout, done)
          : rowChunks(source, layout, done);
      console.log(
        `[worker] job ${job.id} reads its input ${columnar ? "as columns (a plain CSV file, a per-column recipe)" : duckSql ? "as columns through DuckDB (any recipe)" : "as rows"}`,
      );
      for await (const chunk of chunks) {
        if (signal?.aborted) {
          // A stop of the worker: the chunks written so far are committed; queued again, the job resumes after them on the next start.
          await settle();
          db.update(jobs).set({ status: "queued", updatedAt: new Date() }).where(eq(jobs.id, job.id)).run();
          console.log(`[worker] job ${job.id} stopped after row ${done}; it resumes there on the next start`);
          return;
        }
        const cancelled = db.select({ c: jobs.cancelRequested }).from(jobs).where(eq(jobs.id, job.id)).get()?.c;
        if (cancelled) {
          await settle();
          finish(job.id, { status: "cancelled", error: `cancelled after ${done} rows; the output is incomplete` });
          return;
        }
        let firstError: string | null = null;
        let chunkFailed = 0;
        for (const e of chunk.errors) {
          if (e === null) continue;
          firstError ??= e;
          chunkFailed++;
        }
        const progress = { first: done, at: bytes, rowsDone: done + chunk.count, rowsFailed: failed + chunkFailed };
        const bytesOut = typeof chunk.csv === "string" ? Buffer.byteLength(chunk.csv) : chunk.csv.length;
        // One transaction per chunk, on the committer's thread: its rows into the table and, before
        // the commit, its lines into the file at the committed offset, then the job's progress.
        await settle();
        committing = committer.commit(chunk, progress);
        // Handled now (a failure must not be an unhandled rejection while the next chunk is read); settle() rethrows it.
        committing.catch(() => undefined);
        done += chunk.count;
        failed += chunkFailed;
        bytes += bytesOut;
        if (job.errorThreshold >= 0 && failed > job.errorThreshold) {
          await settle();
          finish(job.id, {
            status: "failed",
            error: `${failed} rows could not be scored, more than the error threshold of ${job.errorThreshold}; first: ${firstError ?? "see the row errors"}`,
          });
          return;
        }
        // Let a cancel request or a shutdown signal in between chunks; while real-time requests keep
        // the web server busy, wait for the commit too (nothing runs beside the web server but one
        // chunk's work) and pause in proportion (up to YIELD_FACTOR × the chunk's time).
        const load = realtimeLoad();
        if (load > 0) {
          await settle();
          await sleep(Math.min((performance.now() - chunkStarted) * YIELD_FACTOR * load, MAX_YIELD_MS));
        } else await new Promise((r) => setImmediate(r));
        chunkStarted = performance.now();
      }
      await settle();
    } finally {
      // A commit still running when the job stops with an error: let it end before the thread does.
      await Promise.resolve(committing).catch(() => undefined);
      await committer.close();
    }
    finish(job.id, { status: "succeeded", rowsTotal: done });
  } catch (e) {
    // On a full disk, what the job took is freed first: marking it failed needs some space too.
    if (isDiskFull(e)) release(job);
    const message = isDiskFull(e)
      ? `no space left on device: the job's output could not be written (${(e as Error).message}); its partial output was removed, so free some space and run it again`
      : e instanceof AppError
        ? e.message
        : `the job failed: ${(e as Error).message}`;
    if (!(e instanceof AppError)) console.error(`[worker] job ${job.id} failed`, e);
    finish(job.id, { status: "failed", error: message });
  } finally {
    // Failed or cancelled, it will not resume: nothing half-written stays, and its disk space is released.
    release(job, true);
    console.log(`[worker] job ${job.id} ended in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
}

/**
 * Claims a queued job for a batch worker, atomically (in one write transaction: two workers never
 * take the same job): fairly between projects — a job is its endpoint's project's (an endpoint
 * without a project is a group of its own) — the oldest of the project served least recently.
 * The job records which process took it (requeueInterruptedJobs).
 */
export function claimNextJob(): JobRow | undefined {
  // A plain read first: the worker polls often, and an idle poll should not take the write lock.
  if (!getDb().select({ id: jobs.id }).from(jobs).where(eq(jobs.status, "queued")).limit(1).get()) return undefined;
  return getDb().transaction((tx) => {
    const id = nextFairId(
      tx,
      sql`SELECT j.id, coalesce(e.project_id, 'endpoint:' || j.endpoint_name) AS grp, j.status, j.created_at, j.started_at
        FROM jobs j LEFT JOIN endpoints e ON e.name = j.endpoint_name`,
    );
    if (!id) return undefined;
    const next = tx.select({ startedAt: jobs.startedAt }).from(jobs).where(eq(jobs.id, id)).get();
    // A resumed job keeps when it first started.
    return tx
      .update(jobs)
      .set({ status: "running", startedAt: next?.startedAt ?? new Date(), updatedAt: new Date(), claimedBy: processIdentity() })
      .where(and(eq(jobs.id, id), eq(jobs.status, "queued")))
      .returning()
      .get();
  });
}

/**
 * Jobs a dead worker left running go back to the queue: the next claim resumes them from their
 * last committed chunk. A job whose worker still runs (another batch worker on this data folder)
 * is its worker's: taken again, it would be run twice at once.
 */
export function requeueInterruptedJobs(): number {
  return getDb().transaction((tx) => {
    const running = tx.select({ id: jobs.id, claimedBy: jobs.claimedBy }).from(jobs).where(eq(jobs.status, "running")).all();
    const orphaned = running.filter((j) => !j.claimedBy || !identityAlive(j.claimedBy)).map((j) => j.id);
    if (orphaned.length === 0) return 0;
    return tx.update(jobs).set({ status: "queued", updatedAt: new Date() }).where(inArray(jobs.id, orphaned)).run().changes;
  });
}

/**
 * Batch jobs as a kind of work for the workers, which lib/worker/kinds.ts registers on the batch
 * lane: claimed fairly between projects, scored chunk by chunk; a stop commits the chunk in hand
 * and queues the job again.
 */
export const jobWork = {
  noun: "job",
  /** Jobs a dead batch worker left running resume (another live worker's stay its). */
  recover(): string | undefined {
    const resumed = requeueInterruptedJobs();
    return resumed ? `${resumed} interrupted batch job(s) will resume from their last committed chunk` : undefined;
  },
  claim: claimNextJob,
  run: executeJob,
};
