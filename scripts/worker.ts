// The training worker process (see lib/train/server/worker.ts); `npm start` starts it with the app.
import { runWorker } from "@/lib/train/server/worker";

const controller = new AbortController();
for (const sig of ["SIGINT", "SIGTERM"] as const) process.on(sig, () => controller.abort());
runWorker(controller.signal).then(
  () => process.exit(0),
  (e) => {
    console.error("[worker] crashed", e);
    process.exit(1);
  },
);
