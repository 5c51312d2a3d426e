import type Database from "better-sqlite3";

/**
 * Bounded summaries of an endpoint's request log for the reader threads (plain functions and
 * classes: nothing here opens the database). A busy endpoint logs millions of requests a day; a
 * monitoring read must not keep, parse or sort all of them. So a reader thread keeps:
 *   - exact counts per whole second (requests, errors, rows, …): what a window counts is exact;
 *     the part of a window's first and last second that the window cuts is read from the log
 *     itself (one second of rows at most, over the (endpoint, time) index);
 *   - the rows of a uniform sample of requests, for what needs values (drift, quality rates,
 *     latency percentiles): a request is in the sample when its priority (a hash of its rowid,
 *     spread evenly over [0, 2³²)) is below the store's threshold. The threshold halves whenever
 *     the sample outgrows its budget, so memory stays bounded however long the window; while
 *     everything fits it is 2³² and the sample is every row (the answers are then exact).
 * A read over several parts (the log and batch jobs' outputs, sampled the same way by rowid)
 * takes every part's rows below the smallest threshold: a uniform sample of the whole window.
 */

/** The threshold that takes every row. */
export const EVERY_ROW = 2 ** 32;

/** A row's sampling priority from its rowid: Fibonacci hashing, the low 32 bits of rowid × 2654435761 (as PRIORITY_SQL computes it). */
export const priorityOf = (rowid: number): number => Math.imul(rowid, 0x9e3779b1) >>> 0;

/** priorityOf in SQL (exact for rowids below 2³¹). */
export const PRIORITY_SQL = "((rowid * 2654435761) % 4294967296)";

/** The largest threshold (a power of two) at which `rows` rows give at most about `budget` sampled ones. */
export function thresholdFor(rows: number, budget: number): number {
  let t = EVERY_ROW;
  while (t > 1 && rows * (t / EVERY_ROW) > budget) t /= 2;
  return t;
}

/** Exact counts per whole second (`width` counters each), kept in the seconds' order. */
export class SecondCounts {
  length = 0;
  seconds = new Float64Array(0);
  values = new Float64Array(0);

  constructor(readonly width: number) {}

  /** The slot of `second`, made (in order) if it has none. */
  private slot(second: number): number {
    const n = this.length;
    if (n > 0 && this.seconds[n - 1] === second) return n - 1;
    let at = n;
    if (n > 0 && second < this.seconds[n - 1]) {
      at = this.lowerBound(second);
      if (this.seconds[at] === second) return at;
    }
    if (n + 1 > this.seconds.length) {
      const capacity = Math.max(64, this.seconds.length * 2);
      const seconds = new Float64Array(capacity);
      seconds.set(this.seconds.subarray(0, n));
      const values = new Float64Array(capacity * this.width);
      values.set(this.values.subarray(0, n * this.width));
      this.seconds = seconds;
      this.values = values;
    }
    if (at < n) {
      // A row written late, into a second before the newest: rare, so a shift is fine.
      this.seconds.copyWithin(at + 1, at, n);
      this.values.copyWithin((at + 1) * this.width, at * this.width, n * this.width);
    }
    this.seconds[at] = second;
    this.values.fill(0, at * this.width, (at + 1) * this.width);
    this.length = n + 1;
    return at;
  }

  add(second: number, counter: number, by: number): void {
    if (by === 0) return;
    const at = this.slot(second) * this.width; // first: a slot made may grow (replace) the arrays
    this.values[at + counter] += by;
  }

  /** The first slot whose second is at least `second`. */
  lowerBound(second: number): number {
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.seconds[mid] < second) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Visits the seconds from `first` to `last` (both included) that have counts: the second and the offset of its counters in `values`. */
  forEach(first: number, last: number, visit: (second: number, offset: number) => void): void {
    for (let i = this.lowerBound(first); i < this.length && this.seconds[i] <= last; i++) visit(this.seconds[i], i * this.width);
  }

  /** Drops the seconds before `second`. */
  dropBefore(second: number): void {
    const from = this.lowerBound(second);
    if (from === 0) return;
    this.seconds.copyWithin(0, from, this.length);
    this.values.copyWithin(0, from * this.width, this.length * this.width);
    this.length -= from;
  }
}

/**
 * How a window [sinceMs, untilMs] (ms, both ends included) splits into whole seconds, counted from
 * SecondCounts, and the cut seconds at its ends, read row by row: `edges` are ms ranges
 * (both ends included), `first`..`last` the whole seconds (none when first > last).
 */
export function splitWindow(sinceMs: number, untilMs: number): { first: number; last: number; edges: [number, number][] } {
  const first = Math.ceil(sinceMs / 1000);
  const last = Math.floor((untilMs + 1) / 1000) - 1;
  if (first > last) return { first, last, edges: untilMs >= sinceMs ? [[sinceMs, untilMs]] : [] };
  const edges: [number, number][] = [];
  if (sinceMs < first * 1000) edges.push([sinceMs, first * 1000 - 1]);
  if ((last + 1) * 1000 <= untilMs) edges.push([(last + 1) * 1000, untilMs]);
  return { first, last, edges };
}

/**
 * The endpoint's log rows with created_at in the window's cut seconds, up to rowid `upto` (what
 * the store has counted): `cols` and `where` as readLogTail takes them.
 */
export function edgeRows<R>(db: Database.Database, name: string, sinceMs: number, untilMs: number, upto: number, cols: string, where = "1"): R[] {
  const out: R[] = [];
  const read = db.prepare(`SELECT ${cols} FROM request_logs WHERE endpoint_name = ? AND created_at >= ? AND created_at <= ? AND rowid <= ? AND ${where}`);
  for (const [from, to] of splitWindow(sinceMs, untilMs).edges) for (const r of read.iterate(name, from, to, upto) as Iterable<R>) out.push(r);
  return out;
}

/**
 * A cheap signature of what an endpoint's window holds: its oldest and newest rows (by time, two
 * index seeks) and the endpoint's newest row (by rowid, one seek). A row entering or leaving the
 * window at either end, or written anywhere in it (late rows too: rowids only grow), changes it;
 * other endpoints' rows do not.
 */
export function logSignature(db: Database.Database, w: { name: string; sinceMs: number; untilMs: number }): string {
  const oldest = db
    .prepare("SELECT rowid AS r FROM request_logs WHERE endpoint_name = ? AND created_at >= ? AND created_at <= ? ORDER BY created_at, rowid LIMIT 1")
    .get(w.name, w.sinceMs, w.untilMs) as { r: number } | undefined;
  const newest = db
    .prepare("SELECT rowid AS r FROM request_logs WHERE endpoint_name = ? AND created_at >= ? AND created_at <= ? ORDER BY created_at DESC, rowid DESC LIMIT 1")
    .get(w.name, w.sinceMs, w.untilMs) as { r: number } | undefined;
  return `${oldest?.r ?? 0}:${newest?.r ?? 0}:${newestLogRowid(db, w.name)}`;
}

/** The rowid of the endpoint's newest log row (0: none), one seek over the (endpoint, rowid) index. */
export function newestLogRowid(db: Database.Database, name: string): number {
  const last = db.prepare("SELECT max(rowid) AS r FROM request_logs INDEXED BY request_logs_endpoint WHERE endpoint_name = ?").get(name) as {
    r: number | null;
  };
  return last.r ?? 0;
}

/**
 * Requests of the endpoint's log from `sinceMs` on (`where` of them): how large a new store's
 * window is, to start its sample near the budget. A count over the (endpoint, time) index: rows
 * per request are not read (that would parse every request's JSON once more than the store's
 * own read does); a request of many rows only makes the threshold halve sooner.
 */
export function logRequests(db: Database.Database, name: string, sinceMs: number, where = "1"): number {
  return (db.prepare(`SELECT count(*) AS n FROM request_logs WHERE endpoint_name = ? AND created_at >= ? AND ${where}`).get(name, sinceMs) as { n: number }).n;
}
