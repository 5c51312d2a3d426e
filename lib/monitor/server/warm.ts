import { getDb } from "@/db/client";
import { endpoints } from "@/db/schema";
import { runEvery } from "@/lib/shared/server/every";
import { readOffThread } from "@/lib/shared/server/read-pool";
import { newestLogRowid } from "./log-sample";
import { TRAFFIC_READ_MODULE, WINDOW_READ_MODULE } from "./read-modules";
import { syncTraffic } from "./traffic-read";
import { endpointTraffic } from "./traffic";
import { endpointDrift, endpointQuality, windowSpec } from "./window-drift";
import { syncWindow } from "./window-read";

/**
 * Keeps the reader thread's stores of busy endpoints near the log's end, so that a monitoring read
 * costs the rows since the last few seconds, not every row of its window: the first read after a
 * start, after a standby web server took over, or after nobody looked for an hour would otherwise
 * read millions of rows while the person waits. Every WARM_EVERY_MS, an endpoint whose log grew by
 * WARM_AFTER_ROWS since it was last synced here has its stores synced on the reader thread (the
 * traffic store, and the drift and quality store of its current columns; a store there is from its
 * own floor, none for the endpoints' default windows). A quiet endpoint costs one index seek; an
 * endpoint someone watches costs little more, its stores being synced by the reads already.
 * It runs in the serving web server and in its standby (each has its own reader thread).
 */
export const WARM_EVERY_MS = 2000;
export const WARM_AFTER_ROWS = 5000;
/**
 * The window a store is made for when there is none: a day, the monitor page's first window (and
 * drift's and quality's default). A traffic store made for the API's default hour would be made
 * again from the whole log by the page's first read of the day (seconds for a busy endpoint); one
 * made for the day serves any window within it from what it keeps.
 */
const WINDOW_MS = 24 * 60 * 60_000;

declare global {
  /** Each endpoint's newest log rowid when its stores were last synced here (one per process). */
  var __monitorWarmed: Map<string, number> | undefined;
}
const synced = (globalThis.__monitorWarmed ??= new Map());

/**
 * One round: syncs the stores of every endpoint whose log grew by at least `afterRows` rows since
 * the last round that synced it; returns the names of those whose traffic store it synced.
 */
export async function warmMonitorStores(afterRows = WARM_AFTER_ROWS): Promise<string[]> {
  const db = getDb().$client;
  // At most `afterRows` counted: the cost of the check is bounded however far the log ran ahead.
  const grown = db.prepare(
    "SELECT count(*) AS n FROM (SELECT 1 FROM request_logs INDEXED BY request_logs_endpoint WHERE endpoint_name = ? AND rowid > ? LIMIT ?)",
  );
  const warmed: string[] = [];
  for (const { name } of getDb().select({ name: endpoints.name }).from(endpoints).all()) {
    const top = newestLogRowid(db, name);
    const from = synced.get(name) ?? 0;
    if (top <= from || (grown.get(name, from, afterRows) as { n: number }).n < afterRows) continue;
    const first = !synced.has(name);
    synced.set(name, top);
    try {
      const now = Date.now();
      const w = { name, sinceMs: now - WINDOW_MS, untilMs: now };
      await readOffThread({ module: TRAFFIC_READ_MODULE, fn: "syncTraffic", local: syncTraffic, args: [w] });
      warmed.push(name);
      await readOffThread({ module: WINDOW_READ_MODULE, fn: "syncWindow", local: syncWindow, args: [windowSpec(name, {})] });
      if (first) {
        // The first time, whole answers too: the reads' code runs once (compiled, and the answers cached) before anyone waits for it.
        await endpointTraffic(name, { since: new Date(Date.now() - WINDOW_MS) });
        await endpointDrift(name);
        await endpointQuality(name);
      }
    } catch (e) {
      // An endpoint whose model is gone, a store that could not be read: its own reads say so; tried again once it grows again.
      console.error(`[monitor] could not keep the monitoring of ${name} warm: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return warmed;
}

/** Starts the rounds (once per process). */
export function startMonitorWarmer(): void {
  runEvery("monitor", WARM_EVERY_MS, () => warmMonitorStores());
}
