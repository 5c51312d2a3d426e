import fs from "node:fs";
import path from "node:path";
import { performance, type EventLoopUtilization } from "node:perf_hooks";
import { env } from "@/lib/shared/env";

/**
 * The web server's sign of real-time traffic, for the worker: a small file in the data folder,
 * rewritten at most four times a second while requests are scored, holding how busy the web
 * server's event loop was since the last write (0 idle … 1 saturated); its modification time says
 * when. A batch job reads it between chunks and pauses in proportion (see job-runner), so that
 * scoring keeps its latency when it needs the machine and the job runs at full speed otherwise.
 */
const BEAT_FILE = () => path.join(env.dataDir, "realtime.beat");
/** The web server writes the file at most this often. */
const BEAT_EVERY_MS = 250;
/** A beat older than this means no traffic now. */
const ACTIVE_WITHIN_MS = 1000;

let lastBeat = 0;
let lastElu: EventLoopUtilization | undefined;

/** Called for every scored request: one timestamp compare; an async write four times a second at most. */
export function realtimeBeat(): void {
  const now = Date.now();
  if (now - lastBeat < BEAT_EVERY_MS) return;
  // A first beat after a quiet spell measures from now on, not over the quiet time.
  const fresh = now - lastBeat > ACTIVE_WITHIN_MS;
  lastBeat = now;
  const elu = performance.eventLoopUtilization();
  const busy = fresh || !lastElu ? 1 : performance.eventLoopUtilization(elu, lastElu).utilization;
  lastElu = elu;
  fs.writeFile(BEAT_FILE(), busy.toFixed(3), () => undefined);
}

/** How busy the web server is with real-time requests now: its event loop's utilization, 0 when no request came in the last second. */
export function realtimeLoad(now = Date.now()): number {
  try {
    const file = BEAT_FILE();
    if (now - fs.statSync(file).mtimeMs > ACTIVE_WITHIN_MS) return 0;
    const value = Number(fs.readFileSync(file, "utf8"));
    return Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : 0;
  } catch {
    return 0;
  }
}
