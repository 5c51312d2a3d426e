import type Database from "better-sqlite3";

/**
 * The request log's side of an endpoint's traffic, as plain functions of a connection: run on a
 * reader thread (lib/shared/server/read-pool.ts), so they import nothing that opens the database.
 */

/** Points of the series: the window is cut into this many equal buckets at most. */
const MAX_BUCKETS = 60;

export interface TrafficPoint {
  start: string;
  requests: number;
  errors: number;
  p50: number | null;
  p95: number | null;
}

export interface Traffic {
  since: string;
  until: string;
  requests: number;
  errors: number;
  rows: number;
  latencyMs: { p50: number | null; p95: number | null; p99: number | null };
  byVersion: { modelId: string | null; version: number | null; requests: number }[];
  series: TrafficPoint[];
}

/** A window of one endpoint's log, in epoch ms (both ends included). */
export interface LogWindow {
  name: string;
  sinceMs: number;
  untilMs: number;
}

function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

/** The series' bucket: a whole number of minutes, at most MAX_BUCKETS of them over the window. */
export function trafficBucketMs(sinceMs: number, untilMs: number): number {
  const span = Math.max(1, untilMs - sinceMs);
  return Math.max(60_000, Math.ceil(span / MAX_BUCKETS / 60_000) * 60_000);
}

/**
 * Which log rows fall in the window, in one cheap query over the (endpoint, time) index: their
 * count and the sum and largest of their rowids. Rows are only ever added, so the same
 * signature means the same rows.
 */
export function logSignature(db: Database.Database, w: LogWindow): string {
  const r = db
    .prepare("SELECT count(*) AS n, coalesce(sum(rowid), 0) AS s, coalesce(max(rowid), 0) AS m FROM request_logs WHERE endpoint_name = ? AND created_at >= ? AND created_at <= ?")
    .get(w.name, w.sinceMs, w.untilMs) as { n: number; s: number; m: number };
  return `${r.n}:${r.s}:${r.m}`;
}

interface LogRow {
  status: number;
  latencyMs: number;
  rows: number;
  createdAt: number;
  modelId: string | null;
  version: number | null;
}

/** Requests, errors and server-side latency percentiles of an endpoint over a window, with a series over time. */
export function readTraffic(db: Database.Database, w: LogWindow): Traffic {
  const logs = db
    .prepare(
      "SELECT status, latency_ms AS latencyMs, rows, created_at AS createdAt, model_id AS modelId, model_version AS version FROM request_logs WHERE endpoint_name = ? AND created_at >= ? AND created_at <= ? ORDER BY created_at",
    )
    .all(w.name, w.sinceMs, w.untilMs) as LogRow[];
  const ok = logs.filter((l) => l.status < 400);
  const latencies = ok.map((l) => l.latencyMs).sort((a, b) => a - b);
  const bucketMs = trafficBucketMs(w.sinceMs, w.untilMs);
  const buckets = new Map<number, { requests: number; errors: number; latencies: number[] }>();
  for (const l of logs) {
    const start = Math.floor(l.createdAt / bucketMs) * bucketMs;
    const b = buckets.get(start) ?? { requests: 0, errors: 0, latencies: [] };
    b.requests++;
    if (l.status >= 400) b.errors++;
    else b.latencies.push(l.latencyMs);
    buckets.set(start, b);
  }
  const versions = new Map<string, { modelId: string | null; version: number | null; requests: number }>();
  for (const l of ok) {
    const key = `${l.modelId}@${l.version}`;
    const v = versions.get(key) ?? { modelId: l.modelId, version: l.version, requests: 0 };
    v.requests++;
    versions.set(key, v);
  }
  return {
    since: new Date(w.sinceMs).toISOString(),
    until: new Date(w.untilMs).toISOString(),
    requests: logs.length,
    errors: logs.length - ok.length,
    rows: ok.reduce((sum, l) => sum + l.rows, 0),
    latencyMs: { p50: percentile(latencies, 50), p95: percentile(latencies, 95), p99: percentile(latencies, 99) },
    byVersion: [...versions.values()],
    series: [...buckets.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([start, b]) => {
        const sorted = b.latencies.sort((x, y) => x - y);
        return { start: new Date(start).toISOString(), requests: b.requests, errors: b.errors, p50: percentile(sorted, 50), p95: percentile(sorted, 95) };
      }),
  };
}
