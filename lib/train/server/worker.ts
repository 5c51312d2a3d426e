import { setTimeout as sleep } from "node:timers/promises";
import { claimNextRun, failInterruptedRuns } from "./runs";
import { executeRun } from "./execute";
import { deployShopModel, queueShopModel } from "@/lib/integrate/server/demo";
import { deployOjModel, queueOjModel } from "@/lib/integrate/server/oj-demo";
import { claimNextJob, executeJob, requeueInterruptedJobs } from "@/lib/integrate/server/job-runner";

/** How often an idle worker looks for queued runs and jobs (two indexed reads: cheap, and a job starts within this). */
const POLL_MS = 100;

/**
 * The training worker: a process of its own started beside the web server (`npm start`), so
 * a long run never blocks a request. It claims queued runs one at a time, oldest first.
 */
export async function runWorker(signal: AbortSignal): Promise<void> {
  const interrupted = await withStartupRetry(failInterruptedRuns);
  if (interrupted) console.log(`[worker] marked ${interrupted} interrupted run(s) failed`);
  const resumed = requeueInterruptedJobs();
  if (resumed) console.log(`[worker] ${resumed} interrupted batch job(s) will resume from their last committed chunk`);
  try {
    queueShopModel();
  } catch (e) {
    console.error("[worker] could not queue the web-shop demo's model", e);
  }
  queueOjModel();
  console.log("[worker] ready");
  while (!signal.aborted) {
    try {
      const run = claimNextRun();
      if (run) {
        await executeRun(run);
        await deployShopModel(run.id);
        await deployOjModel(run.id);
        continue;
      }
      const job = claimNextJob();
      if (job) {
        await executeJob(job);
        continue;
      }
    } catch (e) {
      // A locked database or a bad row must not end the worker: log, wait, go on.
      console.error("[worker] poll failed", e);
    }
    await sleep(POLL_MS, undefined, { signal }).catch(() => undefined);
  }
}

const STARTUP_RETRY_MS = 30_000;

/** The web server migrates the database as it starts; wait for it rather than race it. */
async function withStartupRetry<T>(fn: () => T): Promise<T> {
  const started = Date.now();
  for (;;) {
    try {
      return fn();
    } catch (e) {
      if (Date.now() - started > STARTUP_RETRY_MS) throw e;
      await sleep(500);
    }
  }
}
