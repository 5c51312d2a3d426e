import type Database from "better-sqlite3";
import type { Row } from "@/lib/data/types";
import type { Task } from "@/lib/define/tasks";
import { quoteIdent } from "@/lib/shared/sql";
import { indexRowsByKeys, loggedPrediction, matchKeys, pairMetrics, performanceSeries, type Bucket, type Pair } from "../actuals";
import { parseJson } from "./window-read";

/**
 * The reads behind actuals that scan many rows, as plain functions of a connection: run on a
 * reader thread (lib/shared/server/read-pool.ts), so they import nothing that opens the database.
 */

/** Matched actuals of an endpoint whose prediction was made in a window (either end open). */
export interface ActualsWindow {
  name: string;
  sinceMs?: number;
  untilMs?: number;
}

function actualsWhere(w: ActualsWindow): { sql: string; params: (string | number)[] } {
  const params: (string | number)[] = [w.name];
  let sql = "endpoint_name = ?";
  if (w.sinceMs !== undefined) {
    sql += " AND predicted_at >= ?";
    params.push(w.sinceMs);
  }
  if (w.untilMs !== undefined) {
    sql += " AND predicted_at <= ?";
    params.push(w.untilMs);
  }
  return { sql, params };
}

/** Which actuals fall in the window: a later post for the same prediction replaces its actual and its receipt time. */
export function actualsSignature(db: Database.Database, w: ActualsWindow): string {
  const { sql, params } = actualsWhere(w);
  const r = db
    .prepare(
      `SELECT count(*) AS n, coalesce(sum(rowid), 0) AS s, coalesce(sum(received_at), 0) AS t, coalesce(max(received_at), 0) AS m FROM actuals WHERE ${sql}`,
    )
    .get(...params) as Record<string, number>;
  return `${r.n}:${r.s}:${r.t}:${r.m}`;
}

/** The task's metrics on the matched pairs of the window, overall and per day or week. */
export function readPerformance(db: Database.Database, w: ActualsWindow & { task: Task; bucket: Bucket }) {
  const { sql, params } = actualsWhere(w);
  const rows = db.prepare(`SELECT prediction, actual, predicted_at AS predictedAt FROM actuals WHERE ${sql} ORDER BY predicted_at`).all(...params) as {
    prediction: string | null;
    actual: string | null;
    predictedAt: number;
  }[];
  const pairs: Pair[] = rows.map((r) => ({ prediction: parseJson(r.prediction), actual: parseJson(r.actual), predictedAt: new Date(r.predictedAt) }));
  return { overall: pairMetrics(w.task, pairs), series: performanceSeries(w.task, pairs, w.bucket) };
}

/**
 * The output row of a batch job that each item's key values name, or why there is none: the whole
 * output table is read and indexed here, off the event loop, and only the matched rows go back.
 * Null when the table is gone (dropped by hand).
 */
export function matchBatchKeys(
  db: Database.Database,
  job: { outputTable: string },
  items: Record<string, unknown>[],
): ({ row: Record<string, unknown> } | { reason: string })[] | null {
  const quoted = quoteIdent(job.outputTable);
  let output: { columns: string[]; rows: Record<string, unknown>[] };
  try {
    const columns = (db.prepare(`PRAGMA table_info(${quoted})`).all() as { name: string }[]).map((c) => c.name);
    if (columns.length === 0) return null;
    output = { columns, rows: db.prepare(`SELECT * FROM ${quoted} ORDER BY "row"`).all() as Record<string, unknown>[] };
  } catch {
    return null;
  }
  const indexes = new Map<string, Map<string, Record<string, unknown>>>();
  const indexFor = (columns: string[]) => {
    const k = JSON.stringify(columns);
    let index = indexes.get(k);
    if (!index) indexes.set(k, (index = indexRowsByKeys(output.rows, columns)));
    return index;
  };
  return items.map((keys) => matchKeys(keys, output.columns, indexFor));
}

/** Each matched actual predicted since `sinceMs` with the input row its prediction was made from (a logged request's row or a batch output row). */
export function readActualInputs(db: Database.Database, w: { name: string; sinceMs: number }): { input: Row; actual: unknown }[] {
  const pairs = db
    .prepare("SELECT request_id AS requestId, job_id AS jobId, row, actual FROM actuals WHERE endpoint_name = ? AND predicted_at >= ?")
    .all(w.name, w.sinceMs) as {
    requestId: string | null;
    jobId: string | null;
    row: number;
    actual: string | null;
  }[];
  const requestIds = [...new Set(pairs.flatMap((p) => (p.requestId ? [p.requestId] : [])))];
  const logs = new Map(
    inChunks<{ id: string; inputs: string | null }>(db, requestIds, (m) => `SELECT id, inputs FROM request_logs WHERE id IN (${m})`).map((l) => [
      l.id,
      parseJson<Row[]>(l.inputs) ?? [],
    ]),
  );
  const jobIds = [...new Set(pairs.flatMap((p) => (p.jobId ? [p.jobId] : [])))];
  const outputs = new Map<string, Map<number, Row>>();
  for (const job of inChunks<{ id: string; table: string }>(db, jobIds, (m) => `SELECT id, output_table AS "table" FROM jobs WHERE id IN (${m})`)) {
    try {
      const rows = db.prepare(`SELECT * FROM ${quoteIdent(job.table)}`).all() as Record<string, unknown>[];
      outputs.set(
        job.id,
        new Map(
          rows.map((r) => [
            Number(r.row),
            Object.fromEntries(Object.entries(r).filter(([c]) => c !== "row" && c !== "error" && c !== "prediction" && !c.startsWith("probability_"))) as Row,
          ]),
        ),
      );
    } catch {
      // an output table dropped by hand: its actuals cannot be scored again
    }
  }
  return pairs.flatMap((p) => {
    const input = p.requestId ? logs.get(p.requestId)?.[p.row] : p.jobId ? outputs.get(p.jobId)?.get(p.row) : undefined;
    return input ? [{ input, actual: parseJson(p.actual) }] : [];
  });
}

/** Ids looked up in one query (well under SQLite's limit on bound values). */
const LOOKUP_CHUNK = 500;

/** The rows of `sql(marks)` for ids, looked up LOOKUP_CHUNK at a time (`marks` is that many `?`, bound after `leading`). */
function inChunks<T>(db: Database.Database, ids: readonly string[], sql: (marks: string) => string, leading: unknown[] = []): T[] {
  const found: T[] = [];
  for (let i = 0; i < ids.length; i += LOOKUP_CHUNK) {
    const chunk = ids.slice(i, i + LOOKUP_CHUNK);
    found.push(...(db.prepare(sql(chunk.map(() => "?").join(", "))).all(...leading, ...chunk) as T[]));
  }
  return found;
}

/** The prediction each item names (row `row` of the endpoint's logged request `requestId`), or why there is none, with what the request was logged with. */
export function loggedPredictions(
  db: Database.Database,
  name: string,
  items: { requestId: string; row: number }[],
): (({ prediction: unknown } | { reason: string }) & { log?: { modelId: string | null; modelVersion: number | null; createdAtMs: number } })[] {
  const ids = [...new Set(items.map((i) => i.requestId))];
  const rows = inChunks<{ id: string; status: number; outputs: string | null; modelId: string | null; modelVersion: number | null; createdAt: number }>(
    db,
    ids,
    (m) =>
      `SELECT id, status, outputs, model_id AS modelId, model_version AS modelVersion, created_at AS createdAt FROM request_logs WHERE endpoint_name = ? AND id IN (${m})`,
    [name],
  );
  const logs = new Map(rows.map((l) => [l.id, l]));
  const outputs = new Map<string, unknown[] | null>();
  return items.map((item) => {
    const l = logs.get(item.requestId);
    if (l && !outputs.has(l.id)) outputs.set(l.id, parseJson<unknown[]>(l.outputs));
    const found = loggedPrediction(l && { status: l.status, outputs: outputs.get(l.id) ?? null }, item.row);
    return l ? { ...found, log: { modelId: l.modelId, modelVersion: l.modelVersion, createdAtMs: l.createdAt } } : found;
  });
}
