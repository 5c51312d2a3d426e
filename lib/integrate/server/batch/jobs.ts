import fs from "node:fs";
import path from "node:path";
import { once } from "node:events";
import { Readable } from "node:stream";
import { finished, pipeline } from "node:stream/promises";
import busboy from "busboy";
import { and, asc, count, eq, inArray, isNull } from "drizzle-orm";
import { z } from "zod";
import { getDb } from "@/db/client";
import { datasetVersions, jobRowErrors, jobs, type JobRow } from "@/db/schema";
import { getDataset } from "@/lib/data/server/datasets";
import { currentPrincipal } from "@/lib/identity/server/context";
import { getSettings } from "@/lib/identity/server/settings";
import { AppError, diskFull, isDiskFull, notFound } from "@/lib/shared/errors";
import { env } from "@/lib/shared/env";
import { checkDeclaredLength, consumeLimited, isJsonContentType, parseWith } from "@/lib/shared/http";
import type { RequestLike } from "@/lib/shared/server/request";
import { newId } from "@/lib/shared/ids";
import { quoteIdent } from "@/lib/shared/sql";
import { ACTIVE_STATUSES, quotaExceeded } from "@/lib/train/server/quotas";
import { authenticate, servingEndpoint } from "../serving/runtime";

/**
 * Batch scoring jobs: `POST /api/endpoints/{name}/jobs` queues one (key-authenticated, like
 * scoring) over a dataset version or an uploaded CSV; the worker process runs it in chunks
 * (lib/integrate/server/batch/job-runner.ts), so real-time scoring in the web server keeps its latency.
 */

export const jobDir = (id: string) => path.join(env.dataDir, "jobs", id);
export const jobInputFile = (id: string) => path.join(jobDir(id), "input.csv");
export const jobOutputFile = (id: string) => path.join(jobDir(id), "output.csv");
/** The output table of a job: a real SQLite table that reports and SQL read. */
export const outputTableName = (id: string) => `job_output_${id.replace(/[^A-Za-z0-9_]/g, "_")}`;

const jobBodySchema = z
  .object({
    datasetId: z.string().min(1),
    /** Failed rows tolerated before the job fails; -1 (default) tolerates any number. */
    errorThreshold: z.number().int().min(-1).optional(),
  })
  .strict();

export interface Job {
  id: string;
  endpoint: string;
  model: { id: string; version: number };
  status: JobRow["status"];
  source: { kind: JobRow["sourceKind"]; datasetId: string | null; name: string };
  rowsTotal: number | null;
  rowsDone: number;
  rowsFailed: number;
  errorThreshold: number;
  /** Rows per second since the job started, and the seconds left at that rate (null when unknown). */
  rate: number | null;
  etaSeconds: number | null;
  outputTable: string;
  outputUrl: string | null;
  error: string | null;
  scheduleId: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export function presentJob(j: JobRow): Job {
  const end = j.finishedAt?.getTime() ?? Date.now();
  const seconds = j.startedAt ? Math.max(0.001, (end - j.startedAt.getTime()) / 1000) : null;
  const rate = seconds && j.rowsDone > 0 ? j.rowsDone / seconds : null;
  return {
    id: j.id,
    endpoint: j.endpointName,
    model: { id: j.modelId, version: j.modelVersion },
    status: j.status,
    source: { kind: j.sourceKind, datasetId: j.datasetId, name: j.sourceName },
    rowsTotal: j.rowsTotal,
    rowsDone: j.rowsDone,
    rowsFailed: j.rowsFailed,
    errorThreshold: j.errorThreshold,
    rate,
    etaSeconds: j.status === "running" && rate && j.rowsTotal !== null ? Math.max(0, (j.rowsTotal - j.rowsDone) / rate) : null,
    outputTable: j.outputTable,
    outputUrl: j.status === "succeeded" ? `/api/jobs/${j.id}/output.csv` : null,
    error: j.error,
    scheduleId: j.scheduleId,
    createdAt: j.createdAt.toISOString(),
    startedAt: j.startedAt?.toISOString() ?? null,
    finishedAt: j.finishedAt?.toISOString() ?? null,
  };
}

/** The columns a file or dataset must bring for a model: its input schema (a recommender's item id aside). */
function checkColumns(required: { name: string }[], present: string[], field: string): void {
  const have = new Set(present);
  const missing = required.map((c) => c.name).filter((n) => !have.has(n));
  if (missing.length) {
    throw new AppError(
      "VALIDATION",
      `The input lacks the column${missing.length > 1 ? "s" : ""} ${missing.map((m) => `"${m}"`).join(", ")} the model needs.`,
      missing.map((m) => ({ field: `${field}.${m}`, message: "required column is missing" })),
    );
  }
}

/** Counts the data lines of a CSV (not its header) chunk by chunk: the job's rowsTotal before it starts. */
function csvRowCounter() {
  let lines = 0;
  let last = 10;
  return {
    add(chunk: Buffer) {
      for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) lines++;
      if (chunk.length) last = chunk[chunk.length - 1];
    },
    rows: () => Math.max(0, lines + (last !== 10 ? 1 : 0) - 1),
  };
}

/** The first `bytes` of a file, as text. */
function headOf(file: string, bytes: number): string {
  const fd = fs.openSync(file, "r");
  try {
    const buf = Buffer.alloc(bytes);
    return buf.toString("utf8", 0, fs.readSync(fd, buf, 0, bytes, 0));
  } finally {
    fs.closeSync(fd);
  }
}

/** The header of a job's CSV: a file csv-parse cannot read (JSON sent as text/plain, say) is a 422 naming `file`. */
async function readCsvHeader(file: string): Promise<string[]> {
  const { parse } = await import("csv-parse");
  const input = fs.createReadStream(file);
  const parser = input.pipe(parse({ bom: true, to_line: 1, relax_column_count: true }));
  try {
    for await (const record of parser) return (record as string[]).map((s) => s.trim());
  } catch (e) {
    const { toFileError } = await import("@/lib/data/server/parse");
    const problem = toFileError(e, undefined);
    if (problem instanceof AppError && /^\s*[[{]/.test(headOf(file, 64))) {
      throw new AppError("VALIDATION", `${problem.message}; the body looks like JSON: send {"datasetId"} as application/json, or a CSV file.`, problem.errors);
    }
    throw problem;
  } finally {
    // pipe() leaves the file open when the parser stops (after the header, or on an error).
    input.destroy();
  }
  return [];
}

/**
 * Streams a raw body to `dest` (never whole in memory), counting its rows as it goes, at most
 * `limit` bytes: past it, a 413 naming file and no file (consumeLimited reads on, so the client
 * sees the answer, not a reset).
 */
async function saveBody(req: RequestLike, dest: string, limit: number): Promise<{ rows: number }> {
  checkDeclaredLength(req.header("content-length"), limit, () => tooLargeUpload(limit));
  const body = req.stream();
  const out = fs.createWriteStream(dest);
  // A disk error is reported by the awaited drain or finish below, never as an uncaught 'error'.
  out.on("error", () => undefined);
  const counter = csvRowCounter();
  try {
    if (body) {
      await consumeLimited(
        body,
        limit,
        async (chunk) => {
          counter.add(chunk as Buffer);
          if (!out.write(chunk)) await once(out, "drain");
        },
        () => tooLargeUpload(limit),
      );
    }
    out.end();
    await finished(out);
  } catch (e) {
    out.destroy();
    fs.rmSync(dest, { force: true });
    throw e;
  }
  return { rows: counter.rows() };
}

const tooLargeUpload = (limit: number) => new AppError("TOO_LARGE", `Job files are limited to ${limit} bytes.`, [{ field: "file", message: "too large" }]);

/** Saves a multipart `file` part (or a raw text/csv body) to `dest`, counting its rows as it streams; returns them and the other form fields. */
async function saveUpload(req: RequestLike, dest: string): Promise<{ fileName: string; fields: Record<string, string>; rows: number }> {
  const contentType = req.header("content-type") ?? "";
  fs.mkdirSync(path.dirname(dest), { recursive: true });
  if (/^text\/(csv|plain)/i.test(contentType)) {
    const { rows } = await saveBody(req, dest, env.MAX_UPLOAD_BYTES);
    return { fileName: "body.csv", fields: {}, rows };
  }
  const body = req.stream();
  if (!body) throw new AppError("VALIDATION", 'The form has no file part named "file".', [{ field: "file", message: "required" }]);
  return new Promise((resolve, reject) => {
    const fields: Record<string, string> = {};
    let saving: Promise<void> | null = null;
    let fileName = "";
    const counter = csvRowCounter();
    let bb: busboy.Busboy;
    try {
      bb = busboy({
        headers: { "content-type": contentType },
        defParamCharset: "utf8",
        limits: { files: 1, fields: 10, fieldSize: 4096, fileSize: env.MAX_UPLOAD_BYTES },
      });
    } catch {
      return reject(new AppError("BAD_REQUEST", "Malformed multipart/form-data request.", [{ field: "content-type", message: "no boundary" }]));
    }
    bb.on("field", (key, value) => (fields[key] = value));
    bb.on("file", (key, file, info) => {
      if (key !== "file" || saving) return void file.resume();
      fileName = info.filename || "upload.csv";
      file.on("data", (chunk: Buffer) => counter.add(chunk));
      saving = pipeline(file, fs.createWriteStream(dest));
      file.on("limit", () => reject(tooLargeUpload(env.MAX_UPLOAD_BYTES)));
    });
    bb.on("error", (e) => reject(new AppError("BAD_REQUEST", `Malformed multipart body: ${(e as Error).message}`, [{ field: "file", message: "malformed" }])));
    bb.on("close", () => {
      if (!saving) return reject(new AppError("VALIDATION", 'The form has no file part named "file".', [{ field: "file", message: "required" }]));
      saving.then(() => resolve({ fileName, fields, rows: counter.rows() }), reject);
    });
    body.pipe(bb);
  });
}

/** Whom a job counts against: the person who queued it, else (a job sent with an endpoint key) the endpoint; null is not capped. */
export type JobQuotaScope = { userId: string } | { endpoint: string } | null;

/**
 * 429 when the scope already has `maxQueuedJobsPerUser` jobs queued or running: a person's own
 * jobs, or the jobs an endpoint's keys queued (no person). The scheduler and the command line are
 * not capped. Inside the inserting transaction, parallel requests cannot all pass it.
 */
export function checkJobQuota(db: Pick<ReturnType<typeof getDb>, "select">, scope: JobQuotaScope): void {
  if (!scope) return;
  const max = getSettings().quotas.maxQueuedJobsPerUser;
  const whose = "userId" in scope ? eq(jobs.createdBy, scope.userId) : and(eq(jobs.endpointName, scope.endpoint), isNull(jobs.createdBy));
  const active =
    db
      .select({ n: count() })
      .from(jobs)
      .where(and(inArray(jobs.status, [...ACTIVE_STATUSES]), whose))
      .get()?.n ?? 0;
  if (active < max) return;
  throw quotaExceeded(
    "userId" in scope
      ? `You have ${active} batch jobs queued or running, and may have at most ${max}.`
      : `The endpoint has ${active} batch jobs from its keys queued or running, and may have at most ${max}.`,
  );
}

/**
 * Queues a batch job on an endpoint: `{datasetId, errorThreshold?}` as JSON, or a CSV as a
 * multipart `file` (with an optional `errorThreshold` field) or a `text/csv` body. The input is
 * checked against the model's input schema first: a missing column is a 422 naming it. Past the
 * cap on queued jobs (checkJobQuota), a 429 with Retry-After.
 */
export async function createJob(req: RequestLike, name: string, opts: { scheduleId?: string; skipAuth?: boolean } = {}): Promise<Job> {
  const s = servingEndpoint(name);
  if (!opts.skipAuth) authenticate(s, req.header("authorization"));
  const createdBy = currentPrincipal()?.userId ?? null;
  const quotaScope: JobQuotaScope = createdBy !== null ? { userId: createdBy } : opts.skipAuth ? null : { endpoint: name };
  // Before an upload is read: a refused job should not cost its bytes first.
  checkJobQuota(getDb(), quotaScope);
  const { predictorFor } = await import("../serving/runtime");
  const predictor = await predictorFor(s.row.modelId);
  const required = predictor.kind === "recommender" ? [] : predictor.inputSchema;
  const id = newId("job");
  const contentType = (req.header("content-type") ?? "").toLowerCase();
  let source: Pick<JobRow, "sourceKind" | "datasetId" | "sourceName" | "rowsTotal">;
  let errorThreshold = -1;
  try {
    if (isJsonContentType(contentType)) {
      const text = await req.text(64 * 1024);
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (e) {
        throw new AppError("VALIDATION", `The body is not valid JSON: ${(e as Error).message}`, [{ field: "body", message: "invalid JSON" }]);
      }
      const body = parseWith(jobBodySchema, value);
      const ds = getDatasetOr422(body.datasetId);
      checkColumns(
        required,
        ds.columns.map((c) => c.name),
        "columns",
      );
      source = { sourceKind: "dataset", datasetId: ds.id, sourceName: `${ds.name} v${ds.version}`, rowsTotal: ds.rowCount };
      errorThreshold = body.errorThreshold ?? -1;
    } else if (contentType.startsWith("multipart/form-data") || /^text\/(csv|plain)/.test(contentType)) {
      const { fileName, fields, rows } = await saveUpload(req, jobInputFile(id));
      if (fields.errorThreshold !== undefined) {
        const n = Number(fields.errorThreshold);
        if (!Number.isInteger(n) || n < -1)
          throw new AppError("VALIDATION", "errorThreshold must be an integer of -1 or more.", [{ field: "errorThreshold", message: "not an integer ≥ -1" }]);
        errorThreshold = n;
      }
      const header = await readCsvHeader(jobInputFile(id));
      if (header.length === 0) throw new AppError("VALIDATION", "The file is empty.", [{ field: "file", message: "empty" }]);
      checkColumns(required, header, "columns");
      source = { sourceKind: "file", datasetId: null, sourceName: fileName, rowsTotal: rows };
    } else {
      throw new AppError("UNSUPPORTED_MEDIA_TYPE", "Send JSON {datasetId}, a multipart form with a CSV `file`, or a text/csv body.", [
        { field: "content-type", message: "unsupported" },
      ]);
    }
  } catch (e) {
    fs.rmSync(jobDir(id), { recursive: true, force: true });
    throw isDiskFull(e) ? diskFull("file", "the job's file") : e;
  }
  const now = new Date();
  const row: JobRow = {
    id,
    endpointName: name,
    modelId: predictor.modelId,
    modelVersion: predictor.version,
    status: "queued",
    ...source,
    rowsDone: 0,
    rowsFailed: 0,
    errorThreshold,
    outputTable: outputTableName(id),
    outputBytes: 0,
    error: null,
    cancelRequested: false,
    scheduleId: opts.scheduleId ?? null,
    createdBy,
    createdAt: now,
    startedAt: null,
    finishedAt: null,
    updatedAt: now,
    claimedBy: null,
  };
  try {
    getDb().transaction((tx) => {
      checkJobQuota(tx, quotaScope);
      tx.insert(jobs).values(row).run();
    });
  } catch (e) {
    fs.rmSync(jobDir(id), { recursive: true, force: true });
    throw isDiskFull(e) ? diskFull("file", "the job") : e;
  }
  return presentJob(row);
}

function getDatasetOr422(id: string) {
  const exists = getDb().select({ id: datasetVersions.id }).from(datasetVersions).where(eq(datasetVersions.id, id)).get();
  if (!exists) throw new AppError("VALIDATION", `Dataset version "${id}" does not exist.`, [{ field: "datasetId", message: "unknown dataset version" }]);
  return getDataset(id);
}

export function getJobRow(id: string): JobRow {
  const row = getDb().select().from(jobs).where(eq(jobs.id, id)).get();
  if (!row) throw notFound("Job", id);
  return row;
}

export const getJob = (id: string): Job => presentJob(getJobRow(id));

export function listJobs(opts: { endpoint?: string; scheduleId?: string } = {}): Job[] {
  return getDb()
    .select()
    .from(jobs)
    .where(and(opts.endpoint ? eq(jobs.endpointName, opts.endpoint) : undefined, opts.scheduleId ? eq(jobs.scheduleId, opts.scheduleId) : undefined))
    .orderBy(asc(jobs.createdAt))
    .all()
    .map(presentJob)
    .reverse();
}

/** Row-level failures of a job, in row order. */
export function jobErrors(id: string, limit = 1000): { row: number; message: string }[] {
  getJobRow(id);
  return getDb()
    .select({ row: jobRowErrors.row, message: jobRowErrors.message })
    .from(jobRowErrors)
    .where(eq(jobRowErrors.jobId, id))
    .orderBy(asc(jobRowErrors.row))
    .limit(limit)
    .all();
}

/** A queued job is cancelled at once; a running one after its current chunk. Its output is never marked complete. */
export function cancelJob(id: string): Job {
  const row = getJobRow(id);
  const db = getDb();
  // Only while still queued: a worker that claims it meanwhile sees cancelRequested after its chunk (the running case below).
  const cancelledQueued =
    row.status === "queued" &&
    db
      .update(jobs)
      .set({ status: "cancelled", cancelRequested: true, finishedAt: new Date(), updatedAt: new Date() })
      .where(and(eq(jobs.id, id), eq(jobs.status, "queued")))
      .run().changes > 0;
  if (cancelledQueued) releaseJobOutput(row);
  else if (row.status === "queued" || row.status === "running")
    db.update(jobs).set({ cancelRequested: true, updatedAt: new Date() }).where(eq(jobs.id, id)).run();
  else throw new AppError("CONFLICT", `The job has already ${row.status}; there is nothing to cancel.`, [{ field: "status", message: row.status }]);
  return getJob(id);
}

/**
 * Removes what a job that ended failed or cancelled wrote: it will never resume, and its output is
 * never offered (jobOutputStream; reports, monitoring and actuals read succeeded jobs only). Its
 * folder (input and partial output.csv) and its output table go, and the disk space with them;
 * its row errors stay, to say why it failed.
 */
export function releaseJobOutput(job: Pick<JobRow, "id" | "outputTable">): void {
  fs.rmSync(jobDir(job.id), { recursive: true, force: true });
  getDb().$client.exec(`DROP TABLE IF EXISTS ${quoteIdent(job.outputTable)}`);
}

/** The output CSV of a succeeded job, as a stream of its committed bytes. */
export function jobOutputStream(id: string): { stream: ReadableStream<Uint8Array>; bytes: number; fileName: string } {
  const row = getJobRow(id);
  if (row.status !== "succeeded") {
    throw new AppError("CONFLICT", `The job is ${row.status}; its output is complete only once it has succeeded.`, [{ field: "status", message: row.status }]);
  }
  const file = jobOutputFile(id);
  const stream = Readable.toWeb(fs.createReadStream(file, { start: 0, end: Math.max(0, row.outputBytes - 1) })) as ReadableStream<Uint8Array>;
  return { stream, bytes: row.outputBytes, fileName: `${row.endpointName}-${id}.csv` };
}
