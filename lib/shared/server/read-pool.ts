import type Database from "better-sqlite3";
import os from "node:os";
import path from "node:path";
import { Worker } from "node:worker_threads";
import { BUSY_TIMEOUT_MS, getDb } from "@/db/client";
import { env } from "@/lib/shared/env";

/**
 * Reads that scan many rows (monitoring windows: the request log's JSON, batch output tables)
 * run on a small pool of worker threads, each with its own read-only connection to the SQLite
 * file (WAL: reads run beside the writes), so the web server's event loop keeps answering
 * scoring requests meanwhile. A read is a plain function of a module that imports nothing that
 * opens the database (`(db, ...args) => value`); the thread loads the module's source through
 * tsx, which works whether the caller runs under tsx, Next's build or vitest.
 */

/**
 * Threads in the pool: two panels' reads side by side where the machine has cores to spare, one
 * on a two-core machine (a core stays free for the web server's own thread, the other is shared
 * with the worker's batch jobs).
 */
const POOL_SIZE = Math.max(1, Math.min(2, os.availableParallelism() - 1));

/** The reader threads' niceness: below the event loop's scoring and pages, above the worker processes' 10. */
const READER_NICE = 5;

export type ReadFn<A extends unknown[], T> = (db: Database.Database, ...args: A) => T;

export interface OffThreadRead<A extends unknown[], T> {
  /** The module's path from the project's root, e.g. `lib/monitor/server/traffic-read.ts`. */
  module: string;
  /** The exported function's name, and the function itself (run here when no thread can start). */
  fn: string;
  local: ReadFn<A, T>;
  args: A;
}

const THREAD_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const { createRequire } = require("node:module");
const path = require("node:path");
const load = createRequire(workerData.from);
load("tsx/cjs/api").register();
const Database = load("better-sqlite3");
const db = new Database(workerData.file, { readonly: true, fileMustExist: true });
// This thread only (Linux niceness is per thread): a long read yields the CPU to the event loop's
// scoring and pages, as the worker processes do.
try { require("node:os").setPriority(workerData.nice); } catch {}
db.pragma("busy_timeout = " + workerData.busyTimeoutMs);
const modules = new Map();
// Diagnostics (the soak): this thread's heap, as the web server logs its main thread's (scripts/server.ts).
const memoryLogMs = Number(process.env.WORKBENCH_MEMORY_LOG_MS || 0);
if (memoryLogMs > 0) setInterval(() => { const m = process.memoryUsage(); console.log("[memory] reader thread heap " + Math.round(m.heapUsed / 1048576) + "/" + Math.round(m.heapTotal / 1048576) + " MB"); }, memoryLogMs).unref();
const moduleOf = (module) => {
  let m = modules.get(module);
  if (!m) modules.set(module, (m = load(path.join(workerData.root, module))));
  return m;
};
// Loaded (compiled by tsx) before the first read asks for them: that costs a second or more on a busy machine.
for (const module of workerData.preload) try { moduleOf(module); } catch (e) { console.error("[read-pool] could not load " + module + ": " + (e && e.message)); }
parentPort.postMessage({ ready: true });
parentPort.on("message", ({ id, module, fn, args }) => {
  try {
    const started = performance.now();
    const value = moduleOf(module)[fn](db, ...args);
    parentPort.postMessage({ id, ok: true, value, ms: performance.now() - started });
  } catch (e) {
    parentPort.postMessage({ id, ok: false, error: { name: e && e.name, message: String(e && e.message), code: e && e.code } });
  }
});
`;

interface Task {
  id: number;
  /** When it was asked for, and when a thread took it (performance.now()). */
  queuedAt: number;
  sentAt: number;
  message: { id: number; module: string; fn: string; args: unknown[] };
  /** The same read on this thread. */
  local: () => unknown;
  resolve: (value: unknown) => void;
  reject: (e: unknown) => void;
}

interface Thread {
  worker: Worker;
  busy: Task | null;
  /** It loaded tsx, better-sqlite3 and opened the database. */
  ready: boolean;
}

interface PoolState {
  /** Modules every thread loads as it starts (warmReadPool). */
  preload: string[];
  threads: Thread[];
  queue: Task[];
  seq: number;
  /** False once a thread could not start: reads run on the caller's thread from then on. */
  usable: boolean;
}

declare global {
  /** One pool per process, whichever copy of this module (tsx's or Next's bundle) asks. */
  var __readPool: PoolState | undefined;
}
const pool: PoolState = (globalThis.__readPool ??= { preload: [], threads: [], queue: [], seq: 0, usable: true });
// A state made by an older copy of this module (hot reload under `next dev`) lacks the newer fields.
pool.preload ??= [];

function startThread(): Thread | null {
  try {
    const root = process.cwd();
    const worker = new Worker(THREAD_SOURCE, {
      eval: true,
      workerData: {
        from: `${root}/package.json`,
        root,
        file: env.databaseFile,
        busyTimeoutMs: BUSY_TIMEOUT_MS,
        nice: READER_NICE,
        preload: pool.preload,
      },
    });
    worker.unref();
    const thread: Thread = { worker, busy: null, ready: false };
    worker.on(
      "message",
      (m: { ready?: true; id: number; ok: boolean; value?: unknown; ms?: number; error?: { name?: string; message: string; code?: string } }) => {
        if (m.ready) return void (thread.ready = true);
        const task = thread.busy;
        if (!task || task.id !== m.id) return;
        thread.busy = null;
        logIfSlow(task, m.ms);
        if (m.ok) task.resolve(m.value);
        else task.reject(Object.assign(new Error(m.error!.message), { name: m.error!.name ?? "Error", code: m.error!.code }));
        dispatch();
      },
    );
    worker.on("error", (e) => {
      pool.threads = pool.threads.filter((t) => t !== thread);
      const task = thread.busy;
      thread.busy = null;
      if (!thread.ready) {
        // It could not even start (no tsx, no database file): every thread would fail alike, so read here from now on.
        console.error("[read-pool] no reader thread; reading on the main thread", e);
        pool.usable = false;
        for (const t of [...(task ? [task] : []), ...pool.queue.splice(0)]) Promise.resolve().then(t.local).then(t.resolve, t.reject);
        return;
      }
      console.error("[read-pool] a reader thread failed", e);
      task?.reject(e);
      dispatch();
    });
    return thread;
  } catch (e) {
    console.error("[read-pool] no reader thread; reading on the main thread", e);
    pool.usable = false;
    return null;
  }
}

function dispatch(): void {
  while (pool.queue.length > 0) {
    let thread = pool.threads.find((t) => !t.busy);
    if (!thread && pool.threads.length < POOL_SIZE) {
      const started = startThread();
      if (!started) break;
      pool.threads.push(started);
      thread = started;
    }
    if (!thread) return;
    const task = pool.queue.shift()!;
    task.sentAt = performance.now();
    thread.busy = task;
    thread.worker.postMessage(task.message);
  }
}

/** Runs `read.fn(db, ...read.args)` on a reader thread; on this thread (with the web server's connection) only where no thread can start. */
export function readOffThread<A extends unknown[], T>(read: OffThreadRead<A, T>): Promise<T> {
  const local = () => read.local(getDb().$client, ...read.args);
  if (!pool.usable) return Promise.resolve().then(local);
  return new Promise<T>((resolve, reject) => {
    const id = ++pool.seq;
    const now = performance.now();
    pool.queue.push({
      id,
      queuedAt: now,
      sentAt: now,
      message: { id, module: read.module, fn: read.fn, args: read.args },
      local,
      resolve: resolve as (v: unknown) => void,
      reject,
    });
    dispatch();
    // No thread could start: what was queued runs here.
    if (!pool.usable) for (const task of pool.queue.splice(0)) Promise.resolve().then(task.local).then(task.resolve, task.reject);
  });
}

/**
 * Starts the pool's threads now, each loading `modules` before it takes a read: the first
 * monitoring read then costs its own work only, not a thread's start and a compile of its module
 * (a second or more on a busy machine). The web server calls it as it starts (a standby too).
 */
export function warmReadPool(modules: string[]): void {
  for (const m of modules) if (!pool.preload.includes(m)) pool.preload.push(m);
  while (pool.usable && pool.threads.length < POOL_SIZE) {
    const started = startThread();
    if (!started) return;
    pool.threads.push(started);
  }
}

/** Diagnostics (WORKBENCH_SLOW_READ_MS): a read slower than that, with its wait for a thread, its run there, and the message passing. */
function logIfSlow(task: Task, ranMs: number | undefined): void {
  const slowMs = env.WORKBENCH_SLOW_READ_MS;
  if (slowMs === undefined) return;
  const now = performance.now();
  if (now - task.queuedAt < slowMs) return;
  const ms = (n: number) => `${Math.round(n)} ms`;
  const { module, fn } = task.message;
  console.log(
    `[read-pool] pid ${process.pid}: slow read ${path.basename(module)} ${fn}: ${ms(now - task.queuedAt)} (waited ${ms(task.sentAt - task.queuedAt)}, ran ${ms(ranMs ?? Number.NaN)}, passing ${ms(now - task.sentAt - (ranMs ?? 0))})`,
  );
}

/** Threads started and reads waiting for one (tests). */
export function readPoolState(): { threads: number; ready: number; queued: number } {
  return { threads: pool.threads.length, ready: pool.threads.filter((t) => t.ready).length, queued: pool.queue.length };
}
