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

function percentile(sorted: ArrayLike<number>, p: number): number | null {
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
 * The endpoint's log rows past the tail (every row from its floor on when it is new) in rowid
 * order, and the tail moved to the log's end, in one snapshot. Rowids grow as rows are inserted,
 * so the new rows are the ones past the last seen; a row written late has an older created_at
 * than rows before it (readers filter on created_at, never assume the order), and one older
 * than the floor is left out. `cols` must select created_at AS createdAt. Null when the row last
 * seen is gone (the log's newest rows were deleted by hand, so rowids may have been used again):
 * the caller starts over from the floor. (Nothing deletes log rows otherwise.)
 */
export function readLogTail<R extends { createdAt: number }>(db: Database.Database, name: string, tail: LogTail, cols: string, where = "1"): R[] | null {
  return db.transaction(() => {
    if (tail.lastRowid > 0 && (db.prepare("SELECT id FROM request_logs WHERE rowid = ?").get(tail.lastRowid) as { id: string } | undefined)?.id !== tail.lastId) return null;
    const top = db.prepare("SELECT rowid AS r, id FROM request_logs ORDER BY rowid DESC LIMIT 1").get() as { r: number; id: string } | undefined;
    const last = top?.r ?? 0;
    if (last === tail.lastRowid) return [];
    tail.lastId = top?.id ?? null;
    const rows = (
      tail.lastRowid < 0
        ? db.prepare(`SELECT ${cols} FROM request_logs WHERE endpoint_name = ? AND created_at >= ? AND rowid <= ? AND ${where} ORDER BY rowid`).all(name, tail.floor, last)
        : // Over the table's rowid range, not the endpoint's index: the cost is the new rows'.
          db.prepare(`SELECT ${cols} FROM request_logs WHERE rowid > ? AND rowid <= ? AND +endpoint_name = ? AND ${where} ORDER BY rowid`).all(tail.lastRowid, last, name)
    ) as R[];
    tail.lastRowid = last;
    return rows.filter((r) => r.createdAt >= tail.floor);
  })();
}

/** Typed columns that double as they fill. */
export function grownTo<T extends Float64Array | Int32Array | Uint8Array>(a: T, length: number): T {
  if (length <= a.length) return a;
  const b = new (a.constructor as new (n: number) => T)(Math.max(64, a.length * 2, length));
  b.set(a);
  return b;
}

/** An endpoint's requests in columns, kept on the reader thread between traffic reads (see readLogTail). */
interface TrafficStore {
  tail: LogTail;
  length: number;
  createdAt: Float64Array;
  status: Int32Array;
  latencyMs: Float64Array;
  rows: Float64Array;
  /** Code of the request's (model, version) in `versions`. */
  version: Int32Array;
  versions: { modelId: string | null; version: number | null }[];
  versionCodes: Map<string, number>;
}

/** Endpoints' requests kept at most (LRU beyond: about 30 bytes a request). */
const MAX_TRAFFIC_STORES = 16;
const trafficStores = new Map<string, TrafficStore>();

function trafficStore(db: Database.Database, w: LogWindow, fresh = false): TrafficStore {
  let store = trafficStores.get(w.name);
  // A window starting before the rows kept: read the log again from its start.
  if (!store || fresh || w.sinceMs < store.tail.floor) {
    store = { tail: newLogTail(w.sinceMs), length: 0, createdAt: new Float64Array(0), status: new Int32Array(0), latencyMs: new Float64Array(0), rows: new Float64Array(0), version: new Int32Array(0), versions: [], versionCodes: new Map() };
  }
  trafficStores.delete(w.name);
  trafficStores.set(w.name, store); // most recently used last
  while (trafficStores.size > MAX_TRAFFIC_STORES) trafficStores.delete(trafficStores.keys().next().value!);
  const s = store;
  const logs = readLogTail<LogRow>(db, w.name, s.tail, "status, latency_ms AS latencyMs, rows, created_at AS createdAt, model_id AS modelId, model_version AS version");
  if (!logs) return trafficStore(db, w, true);
  const n = s.length + logs.length;
  s.createdAt = grownTo(s.createdAt, n);
  s.status = grownTo(s.status, n);
  s.latencyMs = grownTo(s.latencyMs, n);
  s.rows = grownTo(s.rows, n);
  s.version = grownTo(s.version, n);
  for (const l of logs) {
    const key = `${l.modelId}@${l.version}`;
    let code = s.versionCodes.get(key);
    if (code === undefined) {
      code = s.versions.length;
      s.versionCodes.set(key, code);
      s.versions.push({ modelId: l.modelId, version: l.version });
    }
    const i = s.length++;
    s.createdAt[i] = l.createdAt;
    s.status[i] = l.status;
    s.latencyMs[i] = l.latencyMs;
    s.rows[i] = l.rows;
    s.version[i] = code;
  }
  // Requests older than every window asked lately go once they are a quarter of the store.
  const floor = askLogTail(s.tail, w.sinceMs);
  if (floor > s.tail.floor) {
    let old = 0;
    for (let i = 0; i < s.length; i++) if (s.createdAt[i] < floor) old++;
    if (old * 4 > s.length) {
      let k = 0;
      for (let i = 0; i < s.length; i++) {
        if (s.createdAt[i] < floor) continue;
        s.createdAt[k] = s.createdAt[i];
        s.status[k] = s.status[i];
        s.latencyMs[k] = s.latencyMs[i];
        s.rows[k] = s.rows[i];
        s.version[k++] = s.version[i];
      }
      s.length = k;
      s.tail.floor = floor;
    }
  }
  return s;
}

interface LogRow {
  status: number;
  latencyMs: number;
  rows: number;
  createdAt: number;
  modelId: string | null;
  version: number | null;
}

/**
 * Requests, errors and server-side latency percentiles of an endpoint over a window, with a
 * series over time: from the endpoint's requests kept in columns, new ones read as they land.
 */
export function readTraffic(db: Database.Database, w: LogWindow): Traffic {
  const s = trafficStore(db, w);
  const bucketMs = trafficBucketMs(w.sinceMs, w.untilMs);
  // Buckets by index from the window's first; each with its requests, errors and successful ones (for the latencies).
  const first = Math.floor(w.sinceMs / bucketMs);
  const count = Math.floor(w.untilMs / bucketMs) - first + 1;
  const bucketRequests = new Float64Array(count);
  const bucketErrors = new Float64Array(count);
  const bucketOk = new Float64Array(count + 1);
  const bucket = new Int32Array(s.length);
  let rows = 0;
  // Versions in the order of their first successful request (by created_at, then rowid: the rows are in rowid order).
  const firstAt = new Float64Array(s.versions.length).fill(Infinity);
  const firstAtRow = new Float64Array(s.versions.length);
  const versionRequests = new Float64Array(s.versions.length);
  for (let i = 0; i < s.length; i++) {
    const at = s.createdAt[i];
    if (at < w.sinceMs || at > w.untilMs) {
      bucket[i] = -1;
      continue;
    }
    const b = (bucket[i] = Math.floor(at / bucketMs) - first);
    bucketRequests[b]++;
    if (s.status[i] >= 400) {
      bucketErrors[b]++;
      bucket[i] = -1;
      continue;
    }
    bucketOk[b + 1]++;
    rows += s.rows[i];
    const v = s.version[i];
    versionRequests[v]++;
    if (at < firstAt[v]) {
      firstAt[v] = at;
      firstAtRow[v] = i;
    }
  }
  // Successful latencies grouped by bucket (offsets from the counts), each group then sorted; and all of them sorted.
  for (let b = 0; b < count; b++) bucketOk[b + 1] += bucketOk[b];
  const ok = bucketOk[count];
  const grouped = new Float64Array(ok);
  const filled = bucketOk.slice(0, count);
  for (let i = 0; i < s.length; i++) if (bucket[i] >= 0) grouped[filled[bucket[i]]++] = s.latencyMs[i];
  const latencies = grouped.slice().sort();
  const versions = [...s.versions.keys()].filter((v) => versionRequests[v] > 0).sort((x, y) => firstAt[x] - firstAt[y] || firstAtRow[x] - firstAtRow[y]);
  let requests = 0;
  const series: TrafficPoint[] = [];
  for (let b = 0; b < count; b++) {
    requests += bucketRequests[b];
    if (bucketRequests[b] === 0) continue;
    const sorted = grouped.subarray(bucketOk[b], bucketOk[b + 1]).sort();
    series.push({ start: new Date((first + b) * bucketMs).toISOString(), requests: bucketRequests[b], errors: bucketErrors[b], p50: percentile(sorted, 50), p95: percentile(sorted, 95) });
  }
  return {
    since: new Date(w.sinceMs).toISOString(),
    until: new Date(w.untilMs).toISOString(),
    requests,
    errors: requests - ok,
    rows,
    latencyMs: { p50: percentile(latencies, 50), p95: percentile(latencies, 95), p99: percentile(latencies, 99) },
    byVersion: versions.map((v) => ({ ...s.versions[v], requests: versionRequests[v] })),
    series,
  };
}
