import { describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { newId } from "@/lib/shared/ids";
import { readOffThread } from "@/lib/shared/server/read-pool";
import { EVERY_ROW, priorityOf } from "./log-sample";
import { readTraffic, syncTraffic, trafficBucketMs, trafficStoreState, type LogWindow } from "./traffic-read";

const MODULE = "lib/monitor/server/traffic-read.ts";
const T0 = Date.UTC(2026, 0, 6, 9);
const MIN = 60_000;

const insertLog = (name: string, status: number, createdAt: number, latencyMs: number, version: number | null) =>
  getDb()
    .$client.prepare(
      "INSERT INTO request_logs (id, endpoint_name, model_id, model_version, status, latency_ms, rows, format, inputs, outputs, error, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'rows', NULL, NULL, NULL, ?)",
    )
    .run(newId("req"), name, version === null ? null : "mdl_t", version, status, latencyMs, (createdAt % 3) + 1, createdAt);

const pct = (sorted: number[], p: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] : null;

/** The traffic as it was computed before the requests were kept in columns: every request of the window read anew. */
function trafficBefore(w: LogWindow, threshold = EVERY_ROW) {
  const logs = getDb()
    .$client.prepare(
      "SELECT rowid AS r, status, latency_ms AS latencyMs, rows, created_at AS createdAt, model_id AS modelId, model_version AS version FROM request_logs WHERE endpoint_name = ? AND created_at >= ? AND created_at <= ? ORDER BY created_at",
    )
    .all(w.name, w.sinceMs, w.untilMs) as {
    r: number;
    status: number;
    latencyMs: number;
    rows: number;
    createdAt: number;
    modelId: string | null;
    version: number | null;
  }[];
  const ok = logs.filter((l) => l.status < 400);
  // Percentiles over the sampled requests; counts over all.
  const latencies = ok
    .filter((l) => priorityOf(l.r) < threshold)
    .map((l) => l.latencyMs)
    .sort((a, b) => a - b);
  const bucketMs = trafficBucketMs(w.sinceMs, w.untilMs);
  const buckets = new Map<number, { requests: number; errors: number; latencies: number[] }>();
  for (const l of logs) {
    const start = Math.floor(l.createdAt / bucketMs) * bucketMs;
    const b = buckets.get(start) ?? { requests: 0, errors: 0, latencies: [] };
    b.requests++;
    if (l.status >= 400) b.errors++;
    else if (priorityOf(l.r) < threshold) b.latencies.push(l.latencyMs);
    buckets.set(start, b);
  }
  const versions = new Map<string, { modelId: string | null; version: number | null; requests: number }>();
  for (const l of ok) {
    const v = versions.get(`${l.modelId}@${l.version}`) ?? { modelId: l.modelId, version: l.version, requests: 0 };
    v.requests++;
    versions.set(`${l.modelId}@${l.version}`, v);
  }
  return {
    since: new Date(w.sinceMs).toISOString(),
    until: new Date(w.untilMs).toISOString(),
    requests: logs.length,
    errors: logs.length - ok.length,
    rows: ok.reduce((sum, l) => sum + l.rows, 0),
    latencyMs: { p50: pct(latencies, 50), p95: pct(latencies, 95), p99: pct(latencies, 99) },
    byVersion: [...versions.values()],
    series: [...buckets.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([start, b]) => {
        const sorted = b.latencies.sort((x, y) => x - y);
        return { start: new Date(start).toISOString(), requests: b.requests, errors: b.errors, p50: pct(sorted, 50), p95: pct(sorted, 95) };
      }),
  };
}

describe("traffic kept in columns between reads", () => {
  it("answers as the requests read anew would, after new requests, a late-written one and a moving window", async () => {
    const name = `unit-traffic-${newId("x").slice(2)}`;
    const read = (w: LogWindow) => readOffThread({ module: MODULE, fn: "readTraffic", local: readTraffic, args: [w] });
    let n = 0;
    const logSome = (count: number, at: (i: number) => number) => {
      for (let i = 0; i < count; i++, n++)
        insertLog(name, n % 7 === 0 ? 500 : n % 11 === 0 ? 422 : 200, at(i), ((n * 37) % 101) / 4, n % 13 === 0 ? null : 1 + (n % 3));
    };
    logSome(200, (i) => T0 + i * 7_000);
    const w = { name, sinceMs: T0 - MIN, untilMs: T0 + 30 * MIN };
    expect(await read(w)).toEqual(trafficBefore(w));
    expect(readTraffic(getDb().$client, w)).toEqual(trafficBefore(w));

    // New requests, and one written late: a larger rowid, an older created_at, a version not seen yet.
    logSome(50, (i) => T0 + 24 * MIN + i * 1000);
    insertLog(name, 200, T0 - 30_000, 0.5, 9);
    const later = { name, sinceMs: T0 - MIN, untilMs: T0 + 31 * MIN };
    expect(await read(later)).toEqual(trafficBefore(later));

    // The window moves on, then starts before every request kept.
    const moved = { name, sinceMs: T0 + 10 * MIN, untilMs: T0 + 40 * MIN };
    expect(await read(moved)).toEqual(trafficBefore(moved));
    logSome(5, (i) => T0 + 39 * MIN + i);
    expect(await read(moved)).toEqual(trafficBefore(moved));
    expect(await read(later)).toEqual(trafficBefore(later));
    const empty = { name, sinceMs: T0 + 60 * MIN, untilMs: T0 + 70 * MIN };
    expect(await read(empty)).toEqual(trafficBefore(empty));
  });

  it("counts every request exactly and takes the percentiles from the sampled ones when they outgrow the budget", async () => {
    const name = `unit-traffic-sampled-${newId("x").slice(2)}`;
    for (let n = 0; n < 300; n++) insertLog(name, n % 7 === 0 ? 500 : 200, T0 + n * 900, ((n * 37) % 101) / 4, 1 + (n % 2));
    for (const w of [
      { name, sinceMs: T0 - MIN, untilMs: T0 + 10 * MIN, sampleBudget: 40 },
      { name, sinceMs: T0 + 20_300, untilMs: T0 + 200_450, sampleBudget: 40 }, // cut seconds at both ends
    ]) {
      const got = readTraffic(getDb().$client, w);
      const all = trafficBefore(w);
      expect({ ...got, latencyMs: null, series: got.series.map((p) => ({ ...p, p50: null, p95: null })) }).toEqual({
        ...all,
        latencyMs: null,
        series: all.series.map((p) => ({ ...p, p50: null, p95: null })),
      });
      // Some power-of-two threshold below every row gives exactly these percentiles.
      const matching = Array.from({ length: 32 }, (_, k) => trafficBefore(w, EVERY_ROW / 2 ** (k + 1))).find((t) => JSON.stringify(t) === JSON.stringify(got));
      expect(matching).toBeDefined();
    }
  });

  it("reads the log again when its newest rows were deleted by hand, so that rowids are used again", async () => {
    const name = `unit-traffic-reuse-${newId("x").slice(2)}`;
    const w = { name, sinceMs: T0 - MIN, untilMs: T0 + 30 * MIN };
    for (let i = 0; i < 5; i++) insertLog(name, 200, T0 + i * 1000, i, 1);
    expect(readTraffic(getDb().$client, w)).toEqual(trafficBefore(w));
    const db = getDb().$client;
    db.prepare("DELETE FROM request_logs WHERE rowid IN (SELECT rowid FROM request_logs WHERE endpoint_name = ? ORDER BY rowid DESC LIMIT 3)").run(name);
    for (let i = 0; i < 4; i++) insertLog(name, 500, T0 + 9000 + i, 1, 1);
    expect(readTraffic(db, w)).toEqual(trafficBefore(w));
  });
});

describe("syncTraffic (the monitor warmer)", () => {
  it("brings the store to the log's end from its own floor, and the next read answers as the requests read anew would", () => {
    const name = `unit-sync-${newId("x").slice(2)}`;
    const db = getDb().$client;
    const top = () => (db.prepare("SELECT max(rowid) AS r FROM request_logs").get() as { r: number }).r;
    for (let i = 0; i < 10; i++) insertLog(name, i === 3 ? 500 : 200, T0 + i * 1000, i, 1);
    const w = { name, sinceMs: T0 - MIN, untilMs: T0 + 60 * MIN };
    expect(trafficStoreState(db, name)).toBeNull();
    syncTraffic(db, w);
    expect(trafficStoreState(db, name)).toEqual({ floor: w.sinceMs, lastRowid: top(), sampled: 9 });
    for (let i = 10; i < 15; i++) insertLog(name, 200, T0 + i * 1000, i, 2);
    // A later window: synced from the store's floor (nothing dropped, nothing read again).
    syncTraffic(db, { name, sinceMs: T0 + 30 * MIN, untilMs: T0 + 90 * MIN });
    expect(trafficStoreState(db, name)).toEqual({ floor: w.sinceMs, lastRowid: top(), sampled: 14 });
    expect(readTraffic(db, w)).toEqual(trafficBefore(w));
  });
});
