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
 * batch stays held here until the thread says it is written, so a synchronous flush (tests,
 * monitoring reads, a clean shutdown on SIGTERM, SIGINT or exit) can write everything not yet
 * written itself: nothing is lost, and a row the thread writes too is ignored (INSERT OR IGNORE
 * on the request's id).
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
}
const state = globalThis as unknown as { __requestLog?: LogState };
const log: LogState = (state.__requestLog ??= { pending: [], inFlight: new Map(), seq: 0, timer: null, hooked: false, writer: null });

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
        if (m.ok) return;
        // Not written (the lock held past the busy timeout, a full disk): back to the front of the queue, tried again later.
        if (!m.busy) console.error(`[request-log] the writer thread could not write ${rows.length} entries; will retry: ${m.message}`);
        log.pending = rows.concat(log.pending);
        log.timer ??= setTimeout(flushInBackground, FLUSH_MS * 5);
      });
      w.on("error", (e) => {
        console.error("[request-log] the writer thread failed; writing on the main thread from now on", e);
        log.writer = false;
        for (const rows of log.inFlight.values()) log.pending = rows.concat(log.pending);
        log.inFlight.clear();
      });
      log.writer = w;
    } catch (e) {
      console.error("[request-log] no writer thread; writing on the main thread", e);
      log.writer = false;
    }
  }
  return log.writer || null;
}

/** Where the log stands: whether its writer thread runs, entries waiting, entries handed to the thread and not yet acknowledged. */
export function requestLogState(): { thread: boolean; pending: number; inFlight: number } {
  let inFlight = 0;
  for (const rows of log.inFlight.values()) inFlight += rows.length;
  return { thread: !!log.writer, pending: log.pending.length, inFlight };
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

/**
 * Writes every entry not yet written — waiting ones and those the writer thread has not
 * acknowledged — now, on this thread (tests, shutdown and monitoring reads call it, waiting for
 * the lock if need be). `max`: at most that many waiting entries, oldest first. `wait: false`:
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
    log.inFlight.clear();
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
