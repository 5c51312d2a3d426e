import { cachedRead } from "@/lib/shared/server/read-cache";
import type Database from "better-sqlite3";
import { getDb } from "@/db/client";
import { requestLogWritten } from "../../integrate/server/serving/request-log";
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
export async function readLogWindow<T>(opts: {
  key: string;
  window: LogWindow;
  signature: (db: Database.Database) => string;
  compute: () => Promise<T>;
}): Promise<T> {
  const w = opts.window;
  if (w.untilMs < Date.now() - CLOSED_AFTER_MS) {
    return cachedRead(`${opts.key}@${w.sinceMs}-${w.untilMs}`, "closed", async () => {
      await requestLogWritten();
      return opts.compute();
    });
  }
  await requestLogWritten();
  return cachedRead(opts.key, opts.signature(getDb().$client), opts.compute);
}
