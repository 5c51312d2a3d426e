import { Worker } from "node:worker_threads";
import { BUSY_TIMEOUT_MS, getDb } from "@/db/client";
import type { requestLogs } from "@/db/schema";
import { env } from "@/lib/shared/env";

export type RequestLogEntry = typeof requestLogs.$inferInsert;

/** Entries are written together every this many ms, or sooner when this many wait. */
const FLUSH_MS = 200;
const FLUSH_ENTRIES = 250;
/** Rows of a request's inputs and outputs kept in the log (monitoring samples; a 10,000-row request is not copied whole). */
export const LOGGED_ROWS = 100;

const INSERT_SQL =
  "INSERT OR IGNORE INTO request_logs (id, endpoint_name, model_id, model_version, status, latency_ms, rows, format, inputs, outputs, error, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

/** An entry as the INSERT's parameters: plain values, cheap to hand to the writer thread. */
type Params = (string | number | null)[];

/**
 * The writer thread: its own connection to the same SQLite file, inserting the batches it is
 * sent, one transaction each, and saying which it wrote. A write that waits for the lock (a batch
 * job committing a chunk) or for the disk waits there, never on the web server's event loop.
 */
const WRITER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const { createRequire } = require("node:module");
const Database = createRequire(workerData.from)("better-sqlite3");
const db = new Database(workerData.file);
db.pragma("busy_timeout = " + workerData.busyTimeoutMs);
db.pragma("synchronous = NORMAL");
const insert = db.prepare(workerData.sql);
const write = db.transaction((rows) => { for (const r of rows) insert.run(r); });
parentPort.on("message", ({ seq, rows }) => {
  try {
    write(rows);
    parentPort.postMessage({ seq, ok: true });
  } catch (e) {
    parentPort.postMessage({ seq, ok: false, busy: e && e.code === "SQLITE_BUSY", message: String(e && e.message) });
  }
});
`;

/**
 * The request log of the scoring path: `logRequest` only pushes an entry's parameters to an
 * array; a timer hands the array to the writer thread, which inserts it off the event loop. A
 * batch stays held here until the thread says it is written, so a synchronous flush (tests, a
 * clean shutdown on SIGTERM, SIGINT or exit) can write everything not yet written itself: nothing
 * is lost, and a row the thread writes too is ignored (INSERT OR IGNORE on the request's id).
 * Monitoring reads wait for `requestLogWritten` instead, off the event loop.
 */
interface LogState {
  pending: Params[];
  /** Batches handed to the writer thread and not yet acknowledged, by sequence number. */
  inFlight: Map<number, Params[]>;
  seq: number;
  timer: NodeJS.Timeout | null;
  hooked: boolean;
  /** The writer thread; null until first needed, false where it could not start (then the timer writes here, in slices). */
  writer: Worker | null | false;
  /** Barriers (`requestLogWritten`) waiting for batches in flight to be acknowledged. */
  waiters: Waiter[];
  /** Entries the writer thread gave back unwritten so far (each is tried again). */
  gaveBack: number;
}
interface Waiter {
  seqs: Set<number>;
  /** A batch it waits for came back unwritten: its entries are pending again and must be waited for anew. */
  retry: boolean;
  resolve: () => void;
}
declare global {
  /** The request log's queue, one per process: the scoring front and Next's bundle each load this module. */
  var __requestLog: LogState | undefined;
}
const log: LogState = (globalThis.__requestLog ??= {
  pending: [],
  inFlight: new Map(),
  seq: 0,
  timer: null,
  hooked: false,
  writer: null,
  waiters: [],
  gaveBack: 0,
});
// A state made by an older copy of this module (hot reload under `next dev`) lacks the newer fields.
log.waiters ??= [];
log.gaveBack ??= 0;

const json = (v: unknown[] | null | undefined) => (v === null || v === undefined ? null : JSON.stringify(v));

export function logRequest(entry: RequestLogEntry): void {
  const inputs = entry.inputs && entry.inputs.length > LOGGED_ROWS ? entry.inputs.slice(0, LOGGED_ROWS) : entry.inputs;
  const outputs = entry.outputs && entry.outputs.length > LOGGED_ROWS ? entry.outputs.slice(0, LOGGED_ROWS) : entry.outputs;
  log.pending.push([
    entry.id,
    entry.endpointName,
    entry.modelId ?? null,
    entry.modelVersion ?? null,
    entry.status,
    entry.latencyMs,
    entry.rows,
    entry.format ?? null,
    json(inputs),
    json(outputs),
    entry.error ?? null,
    entry.createdAt.getTime(),
  ]);
  hookShutdown();
  if (log.pending.length === FLUSH_ENTRIES) setImmediate(flushInBackground);
  else log.timer ??= setTimeout(flushInBackground, FLUSH_MS);
}

function writer(): Worker | null {
  if (log.writer === null) {
    try {
      const w = new Worker(WRITER_SOURCE, {
        eval: true,
        workerData: { from: `${process.cwd()}/package.json`, file: env.databaseFile, busyTimeoutMs: BUSY_TIMEOUT_MS, sql: INSERT_SQL },
      });
      w.unref();
      w.on("message", (m: { seq: number; ok: boolean; busy?: boolean; message?: string }) => {
        const rows = log.inFlight.get(m.seq);
        if (!rows) return; // written meanwhile by a synchronous flush
        log.inFlight.delete(m.seq);
        if (m.ok) return settle([m.seq], true);
        // Not written (the lock held past the busy timeout, a full disk): back to the front of the queue, tried again later.
        if (!m.busy) console.error(`[request-log] the writer thread could not write ${rows.length} entries; will retry: ${m.message}`);
        log.pending = rows.concat(log.pending);
        log.gaveBack += rows.length;
        log.timer ??= setTimeout(flushInBackground, FLUSH_MS * 5);
        settle([m.seq], false);
      });
      w.on("error", (e) => {
        console.error("[request-log] the writer thread failed; writing on the main thread from now on", e);
        log.writer = false;
        const lost = [...log.inFlight.keys()];
        for (const rows of log.inFlight.values()) log.pending = rows.concat(log.pending);
        log.inFlight.clear();
        settle(lost, false);
      });
      log.writer = w;
    } catch (e) {
      console.error("[request-log] no writer thread; writing on the main thread", e);
      log.writer = false;
    }
  }
  return log.writer || null;
}

/**
 * Where the log stands: whether its writer thread runs, entries waiting, entries handed to the
 * thread and not yet acknowledged, and entries it has given back unwritten so far.
 */
export function requestLogState(): { thread: boolean; pending: number; inFlight: number; gaveBack: number } {
  let inFlight = 0;
  for (const rows of log.inFlight.values()) inFlight += rows.length;
  return { thread: !!log.writer, pending: log.pending.length, inFlight, gaveBack: log.gaveBack };
}

/** Entries one flush on the main thread writes at most when there is no writer thread (a backlog goes in slices). */
const MAIN_THREAD_SLICE = 64;

function flushInBackground(): void {
  if (log.timer) clearTimeout(log.timer);
  log.timer = null;
  if (log.pending.length === 0) return;
  const w = writer();
  if (w) {
    const seq = ++log.seq;
    const rows = log.pending;
    log.pending = [];
    log.inFlight.set(seq, rows);
    w.postMessage({ seq, rows });
    return;
  }
  // No thread: never wait for the lock on the event loop; a backlog in slices, the requests waiting in between.
  flushRequestLog({ wait: false, max: MAIN_THREAD_SLICE });
  if (log.pending.length > 0 && !log.timer) log.timer = setTimeout(flushInBackground, 0);
}

/** Batches `seqs` are acknowledged (written, or back in the queue when not `ok`): the barriers that waited only for them resolve. */
function settle(seqs: number[], ok: boolean): void {
  if (log.waiters.length === 0) return;
  const done: Waiter[] = [];
  log.waiters = log.waiters.filter((w) => {
    for (const s of seqs) if (w.seqs.delete(s) && !ok) w.retry = true;
    if (w.seqs.size > 0) return true;
    done.push(w);
    return false;
  });
  // Entries of a batch that came back unwritten are pending again: wait for them (and whatever joined them) anew.
  for (const w of done) {
    if (w.retry) void requestLogWritten().then(w.resolve);
    else w.resolve();
  }
}

/** How long a barrier without a writer thread waits before trying the main thread's write again (the lock was held). */
const BARRIER_RETRY_MS = 50;

/**
 * Resolves once every entry logged before the call is written and readable by any connection:
 * what is waiting is handed to the writer thread now, and the promise resolves when the thread
 * has acknowledged every batch in flight. The event loop goes on meanwhile (monitoring reads
 * await it, so they see every request answered before they began). Without a thread, the
 * entries are written here.
 */
export function requestLogWritten(): Promise<void> {
  if (log.pending.length === 0 && log.inFlight.size === 0) return Promise.resolve();
  if (log.pending.length > 0) flushInBackground();
  if (!log.writer) {
    // No thread: the degenerate mode writes on the main thread; a held lock is waited out by polling, not by blocking.
    flushRequestLog({ wait: false });
    if (log.pending.length === 0 && log.inFlight.size === 0) return Promise.resolve();
    return new Promise((resolve) => setTimeout(() => void requestLogWritten().then(resolve), BARRIER_RETRY_MS));
  }
  return new Promise((resolve) => log.waiters.push({ seqs: new Set(log.inFlight.keys()), retry: false, resolve }));
}

/**
 * Writes every entry not yet written — waiting ones and those the writer thread has not
 * acknowledged — now, on this thread (tests and shutdown call it, waiting for the lock if need
 * be). `max`: at most that many waiting entries, oldest first. `wait: false`:
 * gives up at once when another connection holds the write lock, keeping the entries.
 */
export function flushRequestLog(opts: { wait?: boolean; max?: number } = {}): number {
  if (log.timer) clearTimeout(log.timer);
  log.timer = null;
  const held = [...log.inFlight.values()];
  if (log.pending.length === 0 && held.length === 0) return 0;
  const whole = opts.max === undefined || log.pending.length <= opts.max;
  const batch = whole ? log.pending : log.pending.slice(0, opts.max);
  log.pending = whole ? [] : log.pending.slice(opts.max);
  const sqlite = getDb().$client;
  const noWait = opts.wait === false;
  if (noWait) sqlite.pragma("busy_timeout = 0");
  try {
    const insert = sqlite.prepare(INSERT_SQL);
    sqlite.transaction(() => {
      for (const rows of held) for (const r of rows) insert.run(r);
      for (const r of batch) insert.run(r);
    })();
    const written = [...log.inFlight.keys()];
    log.inFlight.clear();
    settle(written, true);
  } catch (e) {
    // The database is busy or closing: keep the entries for the next flush rather than lose them.
    log.pending = batch.concat(log.pending);
    const busy = (e as { code?: string }).code === "SQLITE_BUSY";
    if (!busy) console.error("[request-log] flush failed; will retry", e);
    log.timer ??= setTimeout(flushInBackground, busy ? FLUSH_MS : FLUSH_MS * 5);
    return 0;
  } finally {
    if (noWait) sqlite.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  }
  return batch.length;
}

function hookShutdown() {
  if (log.hooked) return;
  log.hooked = true;
  process.once("exit", () => flushRequestLog());
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.on(signal, () => {
      flushRequestLog();
      // Next's server has its own handler that closes and exits; without one, exit as the signal asks.
      if (process.listenerCount(signal) === 1) process.exit(0);
    });
  }
}
