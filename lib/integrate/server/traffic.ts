import { and, asc, eq, gte, lte } from "drizzle-orm";
import { getDb } from "@/db/client";
import { requestLogs } from "@/db/schema";
import { getEndpoint } from "./endpoints";
import { flushRequestLog } from "./request-log";

/** The window a traffic query covers unless it says otherwise. */
const DEFAULT_WINDOW_MS = 60 * 60 * 1000;
/** Points of the series: the window is cut into this many equal buckets at most. */
const MAX_BUCKETS = 60;

function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

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

/** Requests, errors and server-side latency percentiles of an endpoint over a window, with a series over time. */
export function endpointTraffic(name: string, opts: { since?: Date; until?: Date } = {}): Traffic {
  getEndpoint(name);
  flushRequestLog();
  const until = opts.until ?? new Date();
  const since = opts.since ?? new Date(until.getTime() - DEFAULT_WINDOW_MS);
  const logs = getDb()
    .select({ status: requestLogs.status, latencyMs: requestLogs.latencyMs, rows: requestLogs.rows, createdAt: requestLogs.createdAt, modelId: requestLogs.modelId, version: requestLogs.modelVersion })
    .from(requestLogs)
    .where(and(eq(requestLogs.endpointName, name), gte(requestLogs.createdAt, since), lte(requestLogs.createdAt, until)))
    .orderBy(asc(requestLogs.createdAt))
    .all();
  const ok = logs.filter((l) => l.status < 400);
  const latencies = ok.map((l) => l.latencyMs).sort((a, b) => a - b);
  const span = Math.max(1, until.getTime() - since.getTime());
  const bucketMs = Math.max(60_000, Math.ceil(span / MAX_BUCKETS / 60_000) * 60_000);
  const buckets = new Map<number, { requests: number; errors: number; latencies: number[] }>();
  for (const l of logs) {
    const start = Math.floor(l.createdAt.getTime() / bucketMs) * bucketMs;
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
    since: since.toISOString(),
    until: until.toISOString(),
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
