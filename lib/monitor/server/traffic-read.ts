import type Database from "better-sqlite3";
import { nearestRankPercentile } from "@/lib/shared/stats";
import { edgeRows, priorityOf, SecondCounts, splitWindow, thresholdFor, logRequests } from "./log-sample";

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
  /** Sampled rows a reader thread keeps for the endpoint (tests set it small; see log-sample.ts). */
  sampleBudget?: number;
}

/** The series' bucket: a whole number of minutes, at most MAX_BUCKETS of them over the window. */
export function trafficBucketMs(sinceMs: number, untilMs: number): number {
  const span = Math.max(1, untilMs - sinceMs);
  return Math.max(60_000, Math.ceil(span / MAX_BUCKETS / 60_000) * 60_000);
}

/**
 * Where a reader thread's copy of an endpoint's log stands: it holds the rows with a created_at
 * from `floor` on, up to rowid `lastRowid`; `asked` are the windows' starts read lately.
 */
export interface LogTail {
  floor: number;
  lastRowid: number;
  /** The id of the row at lastRowid: if it is gone, rowids past it may have been used again. */
  lastId: string | null;
  asked: { sinceMs: number; at: number }[];
}

/** How long a window's start keeps its rows in a reader thread's copy after it was last asked. */
export const ASKED_FOR_MS = 10 * 60_000;

export const newLogTail = (sinceMs: number): LogTail => ({ floor: sinceMs, lastRowid: -1, lastId: null, asked: [] });

/** Notes a read of the window from `sinceMs`; the created_at below which no window asked lately looks. */
export function askLogTail(tail: LogTail, sinceMs: number): number {
  const now = Date.now();
  tail.asked = tail.asked.filter((a) => a.at > now - ASKED_FOR_MS);
  tail.asked.push({ sinceMs, at: now });
  return Math.min(...tail.asked.map((a) => a.sinceMs));
}

/**
 * Visits the endpoint's log rows past the tail (every row from its floor on when it is new) in
 * rowid order, and moves the tail to the log's end, in one snapshot; then runs `after` in the same
 * snapshot (reads that must agree with the rows visited). Rowids grow as rows are inserted, so the
 * new rows are the ones past the last seen; a row written late has an older created_at than rows
 * before it (readers filter on created_at, never assume the order), and one older than the floor
 * is left out. `cols` must select created_at AS createdAt; `params` fill the `?`s of `cols` (`where`
 * has none). False when the row last seen is gone (the log's newest rows were
 * deleted by hand, so rowids may have been used again): the caller starts over from the floor.
 * (Nothing deletes log rows otherwise.)
 */
export function readLogTail<R extends { createdAt: number }>(
  db: Database.Database,
  name: string,
  tail: LogTail,
  read: { cols: string; where?: string; params?: unknown[]; visit: (row: R) => void; after?: (upto: number) => void },
): boolean {
  return db.transaction(() => {
    if (tail.lastRowid > 0 && (db.prepare("SELECT id FROM request_logs WHERE rowid = ?").get(tail.lastRowid) as { id: string } | undefined)?.id !== tail.lastId)
      return false;
    const top = db.prepare("SELECT rowid AS r, id FROM request_logs ORDER BY rowid DESC LIMIT 1").get() as { r: number; id: string } | undefined;
    const last = top?.r ?? 0;
    if (last !== tail.lastRowid) {
      tail.lastId = top?.id ?? null;
      const where = read.where ?? "1";
      const params = read.params ?? [];
      const rows = (
        tail.lastRowid < 0
          ? db
              .prepare(`SELECT ${read.cols} FROM request_logs WHERE endpoint_name = ? AND created_at >= ? AND rowid <= ? AND ${where} ORDER BY rowid`)
              .iterate(...params, name, tail.floor, last)
          : // Over the table's rowid range, not the endpoint's index: the cost is the new rows'.
            db
              .prepare(`SELECT ${read.cols} FROM request_logs WHERE rowid > ? AND rowid <= ? AND +endpoint_name = ? AND ${where} ORDER BY rowid`)
              .iterate(...params, tail.lastRowid, last, name)
      ) as Iterable<R>;
      for (const r of rows) if (r.createdAt >= tail.floor) read.visit(r);
      tail.lastRowid = last;
    }
    read.after?.(tail.lastRowid);
    return true;
  })();
}

/** Typed columns that double as they fill. */
export function grownTo<T extends Float64Array | Int32Array | Uint8Array>(a: T, length: number): T {
  if (length <= a.length) return a;
  const b = new (a.constructor as new (n: number) => T)(Math.max(64, a.length * 2, length));
  b.set(a);
  return b;
}

/** Counters per second of a traffic store. */
const REQUESTS = 0;
const ERRORS = 1;
const OK_ROWS = 2;

/**
 * An endpoint's requests on the reader thread between traffic reads (see log-sample.ts): exact
 * counts per second, per model version too, and the latencies of a sample of its successful
 * requests (every one while they fit the budget).
 */
interface TrafficStore {
  tail: LogTail;
  budget: number;
  threshold: number;
  counts: SecondCounts;
  /** Successful requests per second, by the code of their (model, version) in `versions`. */
  versionCounts: SecondCounts[];
  versions: { modelId: string | null; version: number | null }[];
  versionCodes: Map<string, number>;
  /** The sampled successful requests. */
  length: number;
  createdAt: Float64Array;
  latencyMs: Float64Array;
  priority: Float64Array;
}

/** Sampled requests a store keeps at most (about 24 bytes each); the threshold halves beyond. */
export const TRAFFIC_SAMPLE = 100_000;
/** Endpoints' stores kept at most (LRU beyond). */
const MAX_TRAFFIC_STORES = 16;
const trafficStores = new Map<string, TrafficStore>();

interface LogRow {
  rowid: number;
  status: number;
  latencyMs: number;
  rows: number;
  createdAt: number;
  modelId: string | null;
  version: number | null;
}

const TRAFFIC_COLS = "rowid AS rowid, status, latency_ms AS latencyMs, rows, created_at AS createdAt, model_id AS modelId, model_version AS version";

function versionCode(s: TrafficStore, l: LogRow): number {
  const key = `${l.modelId}@${l.version}`;
  let code = s.versionCodes.get(key);
  if (code === undefined) {
    code = s.versions.length;
    s.versionCodes.set(key, code);
    s.versions.push({ modelId: l.modelId, version: l.version });
    s.versionCounts.push(new SecondCounts(1));
  }
  return code;
}

/** Keeps the sampled requests `keep` says, in order. */
function compactSample(s: TrafficStore, keep: (i: number) => boolean): void {
  let k = 0;
  for (let i = 0; i < s.length; i++) {
    if (!keep(i)) continue;
    s.createdAt[k] = s.createdAt[i];
    s.latencyMs[k] = s.latencyMs[i];
    s.priority[k++] = s.priority[i];
  }
  s.length = k;
}

function trafficStore(db: Database.Database, w: LogWindow, fresh = false, ask = true): { store: TrafficStore; edges: LogRow[] } {
  const budget = w.sampleBudget ?? TRAFFIC_SAMPLE;
  let store = trafficStores.get(w.name);
  // A window starting before the rows kept: read the log again from its start.
  if (!store || fresh || w.sinceMs < store.tail.floor || store.budget !== budget) {
    const threshold = thresholdFor(logRequests(db, w.name, w.sinceMs, "status < 400"), budget);
    store = {
      tail: newLogTail(w.sinceMs),
      budget,
      threshold,
      counts: new SecondCounts(3),
      versionCounts: [],
      versions: [],
      versionCodes: new Map(),
      length: 0,
      createdAt: new Float64Array(0),
      latencyMs: new Float64Array(0),
      priority: new Float64Array(0),
    };
  }
  trafficStores.delete(w.name);
  trafficStores.set(w.name, store); // most recently used last
  while (trafficStores.size > MAX_TRAFFIC_STORES) trafficStores.delete(trafficStores.keys().next().value!);
  const s = store;
  let edges: LogRow[] = [];
  const synced = readLogTail<LogRow>(db, w.name, s.tail, {
    cols: TRAFFIC_COLS,
    visit: (l) => {
      const second = Math.floor(l.createdAt / 1000);
      s.counts.add(second, REQUESTS, 1);
      if (l.status >= 400) return void s.counts.add(second, ERRORS, 1);
      s.counts.add(second, OK_ROWS, l.rows);
      s.versionCounts[versionCode(s, l)].add(second, 0, 1);
      const priority = priorityOf(l.rowid);
      if (priority >= s.threshold) return;
      if (s.length === s.createdAt.length) {
        s.createdAt = grownTo(s.createdAt, s.length + 1);
        s.latencyMs = grownTo(s.latencyMs, s.length + 1);
        s.priority = grownTo(s.priority, s.length + 1);
      }
      s.createdAt[s.length] = l.createdAt;
      s.latencyMs[s.length] = l.latencyMs;
      s.priority[s.length++] = priority;
      if (s.length > budget && s.threshold > 1) {
        s.threshold /= 2;
        compactSample(s, (i) => s.priority[i] < s.threshold);
      }
    },
    after: (upto) => (edges = edgeRows<LogRow>(db, w.name, w.sinceMs, w.untilMs, upto, TRAFFIC_COLS)),
  });
  if (!synced) return trafficStore(db, w, true, ask);
  if (!ask) return { store: s, edges };
  // What is older than every window asked lately goes once it is a quarter of the sample.
  const floor = askLogTail(s.tail, w.sinceMs);
  if (floor > s.tail.floor) {
    let old = 0;
    for (let i = 0; i < s.length; i++) if (s.createdAt[i] < floor) old++;
    if (old * 4 > s.length) {
      compactSample(s, (i) => s.createdAt[i] >= floor);
      const second = Math.floor(floor / 1000);
      s.counts.dropBefore(second);
      for (const v of s.versionCounts) v.dropBefore(second);
      s.tail.floor = floor;
    }
  }
  return { store: s, edges };
}

/**
 * Brings the endpoint's store up to the log's end without answering anything (the monitor
 * warmer, lib/monitor/server/warm.ts): the next read then costs the rows since, not every row of
 * its window. A store there is is only synced (from its own floor: nothing is read again, and no
 * window counts as asked, so what users stopped asking for still goes); none, one is made for `w`.
 */
export function syncTraffic(db: Database.Database, w: LogWindow): void {
  const known = trafficStores.get(w.name);
  trafficStore(db, known && known.budget === (w.sampleBudget ?? TRAFFIC_SAMPLE) ? { ...w, sinceMs: known.tail.floor } : w, false, false);
}

/** Where the endpoint's traffic store stands, if there is one (tests). */
export function trafficStoreState(_db: Database.Database, name: string): { floor: number; lastRowid: number; sampled: number } | null {
  const s = trafficStores.get(name);
  return s ? { floor: s.tail.floor, lastRowid: s.tail.lastRowid, sampled: s.length } : null;
}

/**
 * Requests, errors and server-side latency percentiles of an endpoint over a window, with a
 * series over time: counts exact (per second, the window's cut seconds read from the log), the
 * percentiles from the sampled successful requests (every one while they fit: see log-sample.ts).
 */
export function readTraffic(db: Database.Database, w: LogWindow): Traffic {
  const { store: s, edges } = trafficStore(db, w);
  const bucketMs = trafficBucketMs(w.sinceMs, w.untilMs);
  // Buckets by index from the window's first; each with its requests, errors and sampled successful ones (for the latencies).
  const first = Math.floor(w.sinceMs / bucketMs);
  const count = Math.floor(w.untilMs / bucketMs) - first + 1;
  const bucketRequests = new Float64Array(count);
  const bucketErrors = new Float64Array(count);
  let rows = 0;
  // Versions in the order of their first successful request (by time; within one second, the first seen).
  const edgeCodes = edges.map((l) => (l.status >= 400 ? -1 : versionCode(s, l)));
  const firstAt = new Float64Array(s.versions.length).fill(Infinity);
  const versionRequests = new Float64Array(s.versions.length);
  const { first: firstSecond, last: lastSecond } = splitWindow(w.sinceMs, w.untilMs);
  const values = s.counts.values;
  s.counts.forEach(firstSecond, lastSecond, (second, at) => {
    const b = Math.floor((second * 1000) / bucketMs) - first;
    bucketRequests[b] += values[at + REQUESTS];
    bucketErrors[b] += values[at + ERRORS];
    rows += values[at + OK_ROWS];
  });
  s.versionCounts.forEach((v, code) =>
    v.forEach(firstSecond, lastSecond, (second, at) => {
      versionRequests[code] += v.values[at];
      firstAt[code] = Math.min(firstAt[code], second * 1000);
    }),
  );
  edges.forEach((l, k) => {
    const b = Math.floor(l.createdAt / bucketMs) - first;
    bucketRequests[b]++;
    if (l.status >= 400) return void bucketErrors[b]++;
    rows += l.rows;
    versionRequests[edgeCodes[k]]++;
    firstAt[edgeCodes[k]] = Math.min(firstAt[edgeCodes[k]], l.createdAt);
  });
  // Sampled successful latencies grouped by bucket (offsets from the counts), each group then sorted; and all of them sorted.
  const bucketOk = new Float64Array(count + 1);
  const bucket = new Int32Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const at = s.createdAt[i];
    bucket[i] = at < w.sinceMs || at > w.untilMs ? -1 : Math.floor(at / bucketMs) - first;
    if (bucket[i] >= 0) bucketOk[bucket[i] + 1]++;
  }
  for (let b = 0; b < count; b++) bucketOk[b + 1] += bucketOk[b];
  const grouped = new Float64Array(bucketOk[count]);
  const filled = bucketOk.slice(0, count);
  for (let i = 0; i < s.length; i++) if (bucket[i] >= 0) grouped[filled[bucket[i]]++] = s.latencyMs[i];
  const latencies = grouped.slice().sort();
  const versions = [...s.versions.keys()].filter((v) => versionRequests[v] > 0).sort((x, y) => firstAt[x] - firstAt[y] || x - y);
  let requests = 0;
  let errors = 0;
  const series: TrafficPoint[] = [];
  for (let b = 0; b < count; b++) {
    requests += bucketRequests[b];
    errors += bucketErrors[b];
    if (bucketRequests[b] === 0) continue;
    const sorted = grouped.subarray(bucketOk[b], bucketOk[b + 1]).sort();
    series.push({
      start: new Date((first + b) * bucketMs).toISOString(),
      requests: bucketRequests[b],
      errors: bucketErrors[b],
      p50: nearestRankPercentile(sorted, 50),
      p95: nearestRankPercentile(sorted, 95),
    });
  }
  return {
    since: new Date(w.sinceMs).toISOString(),
    until: new Date(w.untilMs).toISOString(),
    requests,
    errors,
    rows,
    latencyMs: { p50: nearestRankPercentile(latencies, 50), p95: nearestRankPercentile(latencies, 95), p99: nearestRankPercentile(latencies, 99) },
    byVersion: versions.map((v) => ({ ...s.versions[v], requests: versionRequests[v] })),
    series,
  };
}
