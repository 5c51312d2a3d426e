import { BUSY_TIMEOUT_MS, getDb } from "@/db/client";
import type { requestLogs } from "@/db/schema";

export type RequestLogEntry = typeof requestLogs.$inferInsert;

/** Entries are written together every this many ms, or sooner when this many wait. */
const FLUSH_MS = 200;
const FLUSH_ENTRIES = 250;
/** Rows of a request's inputs and outputs kept in the log (monitoring samples; a 10,000-row request is not copied whole). */
export const LOGGED_ROWS = 100;

/**
 * The request log of the scoring path: `logRequest` only pushes to an array; a timer writes the
 * array in one transaction off the request's path, and a clean shutdown (SIGTERM, SIGINT, exit)
 * writes what is left, synchronously, so nothing is lost.
 */
const state = globalThis as unknown as { __requestLog?: { pending: RequestLogEntry[]; timer: NodeJS.Timeout | null; hooked: boolean } };
const log = (state.__requestLog ??= { pending: [], timer: null, hooked: false });

export function logRequest(entry: RequestLogEntry): void {
  if (entry.inputs && entry.inputs.length > LOGGED_ROWS) entry.inputs = entry.inputs.slice(0, LOGGED_ROWS);
  if (entry.outputs && entry.outputs.length > LOGGED_ROWS) entry.outputs = entry.outputs.slice(0, LOGGED_ROWS);
  log.pending.push(entry);
  hookShutdown();
  // Sooner once FLUSH_ENTRIES wait (once: a backlog behind a busy database is the retry timer's, not every request's).
  if (log.pending.length === FLUSH_ENTRIES) setImmediate(flushInBackground);
  else log.timer ??= setTimeout(flushInBackground, FLUSH_MS);
}

/**
 * The timer's flush never waits for the database's write lock: while a batch job commits a chunk,
 * waiting would stall every request of the web server (better-sqlite3 waits synchronously). It
 * tries again a moment later instead.
 */
function flushInBackground(): void {
  flushRequestLog({ wait: false, max: FLUSH_ENTRIES });
  // Entries left (a backlog built while a batch job held the write lock): the next slice after the requests waiting now.
  if (log.pending.length > 0 && !log.timer) log.timer = setTimeout(flushInBackground, 0);
}

/**
 * Writes the waiting entries now (tests, shutdown and monitoring reads call it, waiting for the
 * lock if need be). `max`: at most that many, oldest first — the timer's flush writes a backlog in
 * slices, so no one flush holds the event loop (and the requests behind it) for long.
 */
export function flushRequestLog(opts: { wait?: boolean; max?: number } = {}): number {
  if (log.timer) clearTimeout(log.timer);
  log.timer = null;
  if (log.pending.length === 0) return 0;
  const whole = opts.max === undefined || log.pending.length <= opts.max;
  const batch = whole ? log.pending : log.pending.slice(0, opts.max);
  log.pending = whole ? [] : log.pending.slice(opts.max);
  const sqlite = getDb().$client;
  const noWait = opts.wait === false;
  if (noWait) sqlite.pragma("busy_timeout = 0");
  try {
    // One prepared statement, values bound by hand: building drizzle's insert per entry cost more than the rest of a flush.
    const insert = sqlite.prepare(
      "INSERT OR IGNORE INTO request_logs (id, endpoint_name, model_id, model_version, status, latency_ms, rows, format, inputs, outputs, error, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    );
    const json = (v: unknown[] | null | undefined) => (v === null || v === undefined ? null : JSON.stringify(v));
    sqlite.transaction(() => {
      for (const e of batch) {
        insert.run(e.id, e.endpointName, e.modelId ?? null, e.modelVersion ?? null, e.status, e.latencyMs, e.rows, e.format ?? null, json(e.inputs), json(e.outputs), e.error ?? null, e.createdAt.getTime());
      }
    })();
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
