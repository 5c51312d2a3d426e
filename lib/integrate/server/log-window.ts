import { cachedRead } from "@/lib/shared/server/read-cache";
import type Database from "better-sqlite3";
import { getDb } from "@/db/client";
import { requestLogWritten } from "./request-log";
import type { LogWindow } from "./traffic-read";

/**
 * A window that ended this long ago is closed: every request and job in it has long been written
 * (a request is logged as it is answered, a job's finish is committed as it is stamped), so its
 * answer is kept as it is, without a signature.
 */
const CLOSED_AFTER_MS = 60_000;

/**
 * A read over a window of an endpoint's request log (and whatever else its signature covers),
 * off the event loop and cached. It waits until every request logged before it is written, then
 * reads the window's signature (a few index seeks, on this thread: queued behind a reader thread's
 * long read it would wait as long) and computes the answer anew only when the signature differs
 * from the cached answer's. `key` names the read without the window's ends (an
 * open window moves with every read): the answer's own `since`/`until` are the caller's to set.
 */
export async function readLogWindow<T>(opts: { key: string; window: LogWindow; signature: (db: Database.Database) => string; compute: () => Promise<T> }): Promise<T> {
  const w = opts.window;
  if (w.untilMs < Date.now() - CLOSED_AFTER_MS) {
    return cachedRead(`${opts.key}@${w.sinceMs}-${w.untilMs}`, "closed", async () => {
      await requestLogWritten();
      return opts.compute();
    });
  }
  const t0 = performance.now();
  await requestLogWritten();
  const t1 = performance.now();
  const signature = opts.signature(getDb().$client);
  const t2 = performance.now();
  try {
    return await cachedRead(opts.key, signature, opts.compute);
  } finally {
    const t3 = performance.now();
    if (process.env.WORKBENCH_SLOW_READ_MS && t3 - t0 > Number(process.env.WORKBENCH_SLOW_READ_MS)) console.error(`[slow read] ${opts.key.slice(0, 20)}: log barrier ${(t1 - t0).toFixed(0)} ms, signature ${(t2 - t1).toFixed(0)} ms, read ${(t3 - t2).toFixed(0)} ms`);
  }
}
