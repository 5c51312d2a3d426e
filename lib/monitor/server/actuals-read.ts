import type Database from "better-sqlite3";
import type { Row } from "@/lib/data/types";
import type { Task } from "@/lib/define/tasks";
import { quoteIdent } from "@/lib/shared/sql";
import { indexRowsByKeys, matchKeys, pairMetrics, performanceSeries, type Bucket, type Pair } from "../actuals";
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
  if (w.sinceMs !== undefined) (sql += " AND predicted_at >= ?"), params.push(w.sinceMs);
  if (w.untilMs !== undefined) (sql += " AND predicted_at <= ?"), params.push(w.untilMs);
  return { sql, params };
}

/** Which actuals fall in the window: a later post for the same prediction replaces its actual and its receipt time. */
export function actualsSignature(db: Database.Database, w: ActualsWindow): string {
  const { sql, params } = actualsWhere(w);
  const r = db.prepare(`SELECT count(*) AS n, coalesce(sum(rowid), 0) AS s, coalesce(sum(received_at), 0) AS t, coalesce(max(received_at), 0) AS m FROM actuals WHERE ${sql}`).get(...params) as Record<string, number>;
  return `${r.n}:${r.s}:${r.t}:${r.m}`;
}

/** The task's metrics on the matched pairs of the window, overall and per day or week. */
export function readPerformance(db: Database.Database, w: ActualsWindow & { task: Task; bucket: Bucket }) {
  const { sql, params } = actualsWhere(w);
  const rows = db.prepare(`SELECT prediction, actual, predicted_at AS predictedAt FROM actuals WHERE ${sql} ORDER BY predicted_at`).all(...params) as { prediction: string | null; actual: string | null; predictedAt: number }[];
  const pairs: Pair[] = rows.map((r) => ({ prediction: parseJson(r.prediction), actual: parseJson(r.actual), predictedAt: new Date(r.predictedAt) }));
  return { overall: pairMetrics(w.task, pairs), series: performanceSeries(w.task, pairs, w.bucket) };
}

/** An item of a post that names its prediction by the batch output's key values. */
export interface KeyedItem {
  index: number;
  keys: Record<string, unknown>;
}

/**
 * The output row of a batch job each item's keys name, or why there is none: the whole output
 * table is read and indexed here, off the event loop, and only the matched rows go back. Null
 * when the table is gone (dropped by hand).
 */
export function matchBatchKeys(db: Database.Database, job: { outputTable: string }, items: KeyedItem[]): ({ index: number; row: Record<string, unknown> } | { index: number; reason: string })[] | null {
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
  return items.map((item) => ({ index: item.index, ...matchKeys(item.keys, output.columns, indexFor) }));
}

/** Ids looked up in one query (well under SQLite's limit on bound values). */
const LOOKUP_CHUNK = 500;

/** Each matched actual predicted since `sinceMs` with the input row its prediction was made from (a logged request's row or a batch output row). */
export function readActualInputs(db: Database.Database, w: { name: string; sinceMs: number }): { input: Row; actual: unknown }[] {
  const pairs = db.prepare("SELECT request_id AS requestId, job_id AS jobId, row, actual FROM actuals WHERE endpoint_name = ? AND predicted_at >= ?").all(w.name, w.sinceMs) as {
    requestId: string | null;
    jobId: string | null;
    row: number;
    actual: string | null;
  }[];
  const inChunks = <T>(ids: string[], sql: (marks: string) => string): T[] => {
    const found: T[] = [];
    for (let i = 0; i < ids.length; i += LOOKUP_CHUNK) {
      const chunk = ids.slice(i, i + LOOKUP_CHUNK);
      found.push(...(db.prepare(sql(chunk.map(() => "?").join(", "))).all(...chunk) as T[]));
    }
    return found;
  };
  const requestIds = [...new Set(pairs.flatMap((p) => (p.requestId ? [p.requestId] : [])))];
  const logs = new Map(inChunks<{ id: string; inputs: string | null }>(requestIds, (m) => `SELECT id, inputs FROM request_logs WHERE id IN (${m})`).map((l) => [l.id, parseJson<Row[]>(l.inputs) ?? []]));
  const jobIds = [...new Set(pairs.flatMap((p) => (p.jobId ? [p.jobId] : [])))];
  const outputs = new Map<string, Map<number, Row>>();
  for (const job of inChunks<{ id: string; table: string }>(jobIds, (m) => `SELECT id, output_table AS "table" FROM jobs WHERE id IN (${m})`)) {
    try {
      const rows = db.prepare(`SELECT * FROM ${quoteIdent(job.table)}`).all() as Record<string, unknown>[];
      outputs.set(job.id, new Map(rows.map((r) => [Number(r.row), Object.fromEntries(Object.entries(r).filter(([c]) => c !== "row" && c !== "error" && c !== "prediction" && !c.startsWith("probability_"))) as Row])));
    } catch {
      // an output table dropped by hand: its actuals cannot be scored again
    }
  }
  return pairs.flatMap((p) => {
    const input = p.requestId ? logs.get(p.requestId)?.[p.row] : p.jobId ? outputs.get(p.jobId)?.get(p.row) : undefined;
    return input ? [{ input, actual: parseJson(p.actual) }] : [];
  });
}
