import { Worker } from "node:worker_threads";
import { BUSY_TIMEOUT_MS } from "@/db/client";
import { env } from "@/lib/shared/env";
import type { ChunkOutput } from "./job-chunks";

/**
 * A batch job's commits, on a thread of their own: each chunk's table rows, its row errors, its
 * CSV lines (written at the committed offset before the commit) and the job's progress go in one
 * transaction on the thread's own SQLite connection, while the job's thread reads and scores the
 * next chunk. The chunk crosses as transferable memory: its table values as one Float64Array
 * (NaN: null or a text, the texts listed beside it) and its CSV bytes.
 */

/** Rows per multi-row INSERT of the output table: far fewer statement runs than one per row. */
const INSERT_ROWS = 64;

interface CommitMessage {
  seq: number;
  count: number;
  /** count × width table values, row after row; NaN where the value is null or in `others`. */
  numbers: Float64Array;
  /** [index into numbers, value, …] for values that are not numbers (texts). */
  others: unknown[];
  errors: [row: number, message: string][];
  csv: Uint8Array | string;
  /** Where the CSV lines go in output.csv: the bytes committed so far. */
  at: number;
  rowsDone: number;
  rowsFailed: number;
}

const THREAD_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const { createRequire } = require("node:module");
const fs = require("node:fs");
const Database = createRequire(workerData.from)("better-sqlite3");
const { table, width, jobId, insertRows } = workerData;
let commit;
try {
  const db = new Database(workerData.dbFile);
  db.pragma("busy_timeout = " + workerData.busyTimeoutMs);
  db.pragma("synchronous = NORMAL");
  db.pragma("foreign_keys = ON");
  // Tests only: as db/client.ts's limitGrowth, a full disk after this many more bytes.
  if (workerData.fullAfterBytes) db.pragma("max_page_count = " + (db.pragma("page_count", { simple: true }) + Math.ceil(workerData.fullAfterBytes / db.pragma("page_size", { simple: true }))));
  const tuple = "(" + Array(width).fill("?").join(", ") + ")";
  const many = db.prepare("INSERT OR REPLACE INTO " + table + " VALUES " + Array(insertRows).fill(tuple).join(", "));
  const one = db.prepare("INSERT OR REPLACE INTO " + table + " VALUES " + tuple);
  const rowError = db.prepare("INSERT OR IGNORE INTO job_row_errors (job_id, row, message) VALUES (?, ?, ?)");
  const progress = db.prepare("UPDATE jobs SET rows_done = ?, rows_failed = ?, output_bytes = ?, updated_at = ? WHERE id = ?");
  const fd = fs.openSync(workerData.outFile, "r+");
  // Tests only (WORKBENCH_FAULT_FILE_FULL_AFTER_BYTES): the disk is full once output.csv reaches that size; as
  // the kernel does, a write takes what fits, and one with no room left fails with ENOSPC.
  const full = workerData.fileFullAfterBytes;
  const writeSync = !full ? fs.writeSync : (fd, buf, off, len, at) => {
    if (at >= full) throw Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });
    return fs.writeSync(fd, buf, off, Math.min(len, full - at), at);
  };
  const params = new Array(insertRows * width);
  commit = db.transaction((c) => {
    const { numbers, others, count } = c;
    let o = 0;
    let held = 0;
    for (let r = 0; r < count; r++) {
      const base = r * width;
      const at = held * width;
      for (let j = 0; j < width; j++) {
        const v = numbers[base + j];
        params[at + j] = v !== v ? null : v;
      }
      while (o < others.length && others[o] < base + width) {
        params[at + others[o] - base] = others[o + 1];
        o += 2;
      }
      if (++held === insertRows) {
        many.run(params);
        held = 0;
      }
    }
    for (let r = 0; r < held; r++) one.run(params.slice(r * width, (r + 1) * width));
    for (const [row, message] of c.errors) rowError.run(jobId, row, message);
    // A write can be short (a disk filling up takes what fits): the rest is written on, so a full disk fails with its ENOSPC.
    const csv = typeof c.csv === "string" ? Buffer.from(c.csv) : c.csv;
    for (let written = 0; written < csv.length; ) written += writeSync(fd, csv, written, csv.length - written, c.at + written);
    progress.run(c.rowsDone, c.rowsFailed, c.at + csv.length, Date.now(), jobId);
    return csv.length;
  });
} catch (e) {
  // Set-up failed (the table or the file is not there): say why, then stop.
  parentPort.postMessage({ fatal: String((e && e.message) || e) });
  process.exit(1);
}
parentPort.on("message", (c) => {
  try {
    parentPort.postMessage({ seq: c.seq, ok: true, written: commit.immediate(c) });
  } catch (e) {
    parentPort.postMessage({ seq: c.seq, ok: false, message: String((e && e.message) || e), code: e && e.code });
  }
});
`;

export interface Committer {
  /**
   * Hands a chunk over (its values copied now: the chunk's own buffers may be reused at once);
   * resolves with the CSV bytes written once its transaction has committed. Chunks commit in
   * the order given.
   */
  commit(chunk: ChunkOutput, progress: { first: number; at: number; rowsDone: number; rowsFailed: number }): Promise<number>;
  close(): Promise<void>;
}

/** A committer thread for one job's output: `table` (quoted) of `width` columns, `outFile`, the job's row. */
export function startCommitter(opts: { jobId: string; table: string; width: number; outFile: string }): Committer {
  const thread = new Worker(THREAD_SOURCE, {
    eval: true,
    workerData: {
      from: `${process.cwd()}/package.json`,
      dbFile: env.databaseFile,
      busyTimeoutMs: BUSY_TIMEOUT_MS,
      insertRows: INSERT_ROWS,
      fullAfterBytes: env.WORKBENCH_FAULT_DB_FULL_AFTER_BYTES ?? null,
      fileFullAfterBytes: env.WORKBENCH_FAULT_FILE_FULL_AFTER_BYTES ?? null,
      ...opts,
    },
  });
  const waiting = new Map<number, { resolve: (written: number) => void; reject: (e: Error) => void }>();
  let seq = 0;
  let failure: Error | null = null;
  const failAll = (e: Error) => {
    failure ??= e;
    for (const w of waiting.values()) w.reject(failure);
    waiting.clear();
  };
  thread.on("message", (m: { seq: number; ok: boolean; written?: number; message?: string; code?: string; fatal?: string }) => {
    if (m.fatal !== undefined) return failAll(new Error(`the job's output cannot be written: ${m.fatal}`));
    const w = waiting.get(m.seq);
    waiting.delete(m.seq);
    if (m.ok) w?.resolve(m.written!);
    // With its code (ENOSPC, SQLITE_FULL): the job's failure names a full disk as such.
    else w?.reject(Object.assign(new Error(m.message), { code: m.code }));
  });
  thread.on("error", (e) => failAll(e));
  thread.on("exit", (code) => failAll(new Error(`the commit thread exited (${code})`)));
  return {
    commit(chunk, p) {
      if (failure) return Promise.reject(failure);
      const message = toMessage(chunk, opts.width, p);
      message.seq = ++seq;
      const done = new Promise<number>((resolve, reject) => waiting.set(message.seq, { resolve, reject }));
      const transfer = [message.numbers.buffer as ArrayBuffer];
      if (typeof message.csv !== "string") transfer.push(message.csv.buffer as ArrayBuffer);
      thread.postMessage(message, transfer);
      return done;
    },
    async close() {
      thread.removeAllListeners("exit");
      await thread.terminate();
    },
  };
}

/** A chunk's table values and CSV as a message (copies: the chunk's buffers are its reader's to reuse). */
function toMessage(chunk: ChunkOutput, width: number, p: { first: number; at: number; rowsDone: number; rowsFailed: number }): CommitMessage {
  const numbers = new Float64Array(chunk.count * width);
  const others: unknown[] = [];
  let k = 0;
  chunk.tableRows(p.first, (values) => {
    for (let j = 0; j < width; j++, k++) {
      const v = values[j];
      if (typeof v === "number") numbers[k] = v;
      else {
        numbers[k] = NaN;
        // Booleans are stored as 0/1, texts as they are; null (and undefined) stays NaN → NULL.
        if (typeof v === "boolean") numbers[k] = Number(v);
        else if (v !== null && v !== undefined) others.push(k, v);
      }
    }
  });
  const errors: [number, string][] = [];
  for (let i = 0; i < chunk.errors.length; i++) if (chunk.errors[i] !== null) errors.push([p.first + i, chunk.errors[i]!]);
  return {
    seq: 0,
    count: chunk.count,
    numbers,
    others,
    errors,
    csv: typeof chunk.csv === "string" ? chunk.csv : new Uint8Array(chunk.csv),
    at: p.at,
    rowsDone: p.rowsDone,
    rowsFailed: p.rowsFailed,
  };
}
