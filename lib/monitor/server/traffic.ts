import { TRAFFIC_READ_MODULE } from "./read-modules";
import { getEndpoint } from "../../integrate/server/endpoints/endpoints";
import { readLogWindow } from "./log-window";
import { readOffThread } from "@/lib/shared/server/read-pool";
import { logSignature } from "./log-sample";
import { readTraffic, trafficBucketMs, type LogWindow, type Traffic } from "./traffic-read";

export type { Traffic, TrafficPoint } from "./traffic-read";

/** The window a traffic query covers unless it says otherwise. */
const DEFAULT_WINDOW_MS = 60 * 60 * 1000;

/**
 * Requests, errors and server-side latency percentiles of an endpoint over a window, with a series
 * over time: read on a reader thread, after every request answered before the call is written.
 */
export async function endpointTraffic(name: string, opts: { since?: Date; until?: Date } = {}): Promise<Traffic> {
  getEndpoint(name);
  const until = opts.until ?? new Date();
  const since = opts.since ?? new Date(until.getTime() - DEFAULT_WINDOW_MS);
  const window: LogWindow = { name, sinceMs: since.getTime(), untilMs: until.getTime() };
  const traffic = await readLogWindow({
    // The series' buckets depend on the window's length; the rest only on its rows.
    key: `traffic:${name}:${trafficBucketMs(window.sinceMs, window.untilMs)}`,
    window,
    signature: (db) => logSignature(db, window),
    compute: () => readOffThread({ module: TRAFFIC_READ_MODULE, fn: "readTraffic", local: readTraffic, args: [window] }),
  });
  return { ...traffic, since: since.toISOString(), until: until.toISOString() };
}
