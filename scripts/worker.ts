// A worker process (see lib/worker/loop.ts): `--lane train` (runs, sweeps, the demos'
// set-up) or `--lane batch` (batch jobs); `npm start` starts one of each with the app (launch.mjs).
import os from "node:os";
import { WORK } from "@/lib/worker/kinds";
import { LANES, runWorker, type Lane } from "@/lib/worker/loop";

const at = process.argv.indexOf("--lane");
const lane = (at >= 0 ? process.argv[at + 1] : undefined) as Lane | undefined;
if (!lane || !LANES.includes(lane)) {
  console.error(`usage: worker.ts --lane ${LANES.join("|")}`);
  process.exit(2);
}

/** The worker's niceness: training and batch jobs yield the CPU to the web server, so real-time scoring keeps its latency while they run. */
const WORKER_NICE = 10;
try {
  os.setPriority(WORKER_NICE);
} catch (e) {
  console.warn(`[worker:${lane}] could not lower its priority: ${(e as Error).message}`);
}

// A stop lets the item in hand reach its next safe point (a job commits its chunk and is queued again; a run is marked interrupted).
const controller = new AbortController();
for (const sig of ["SIGINT", "SIGTERM"] as const) process.on(sig, () => controller.abort());
runWorker(lane, WORK, controller.signal).then(
  () => process.exit(0),
  (e) => {
    console.error(`[worker:${lane}] crashed`, e);
    process.exit(1);
  },
);
