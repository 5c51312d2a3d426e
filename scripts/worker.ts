// The training worker process (see lib/train/server/worker.ts); `npm start` starts it with the app.
import os from "node:os";
import { runWorker } from "@/lib/train/server/worker";

/** The worker's niceness: training and batch jobs yield the CPU to the web server, so real-time scoring keeps its latency while they run. */
const WORKER_NICE = 10;
try {
  os.setPriority(WORKER_NICE);
} catch (e) {
  console.warn(`[worker] could not lower its priority: ${(e as Error).message}`);
}

const controller = new AbortController();
for (const sig of ["SIGINT", "SIGTERM"] as const) process.on(sig, () => controller.abort());
runWorker(controller.signal).then(
  () => process.exit(0),
  (e) => {
    console.error("[worker] crashed", e);
    process.exit(1);
  },
);
