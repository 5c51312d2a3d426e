import { setTimeout as sleep } from "node:timers/promises";
import { claimNextRun, failInterruptedRuns } from "./runs";
import { executeRun } from "./execute";
import { deployShopModel, queueShopModel } from "@/lib/integrate/server/demo";
import { deployOjModel, queueOjModel } from "@/lib/integrate/server/oj-demo";
import { claimNextJob, executeJob, requeueInterruptedJobs } from "@/lib/integrate/server/job-runner";

/** How often an idle worker looks for queued work (one indexed read: cheap, and work starts within this). */
const POLL_MS = 100;

/**
 * A worker's lane: what it takes from the queue. Each lane is a process of its own (scripts/launch.mjs
 * starts one of each), so queued or long training never delays a batch job — a scheduled one
 * starts within a poll however much training waits.
 */
export const LANES = ["train", "batch"] as const;
export type Lane = (typeof LANES)[number];

interface LaneWork {
  /** Once at start, before the first claim; touches only this lane's own rows, so the lanes never race. */
  startup(): Promise<void>;
  /** Claims and runs one queued item; false when there was none. */
  next(signal: AbortSignal): Promise<boolean>;
}

const LANE_WORK: Record<Lane, LaneWork> = {
  train: {
    async startup() {
      // Runs a dead training worker left running can never finish (a batch worker never touches runs; another training worker's stay its).
      const interrupted = await withStartupRetry(failInterruptedRuns);
      if (interrupted) console.log(`[worker:train] marked ${interrupted} interrupted run(s) failed`);
      try {
        queueShopModel();
      } catch (e) {
        console.error("[worker:train] could not queue the web-shop demo's model", e);
      }
      queueOjModel();
    },
    async next(signal) {
      const run = claimNextRun();
      if (!run) return false;
      console.log(`[worker:train] pid ${process.pid} took run ${run.id}`);
      await executeRun(run, signal);
      await deployShopModel(run.id);
      await deployOjModel(run.id);
      return true;
    },
  },
  batch: {
    async startup() {
      // Jobs a dead batch worker left running (a training worker never touches jobs; another batch worker's running ones stay its).
      const resumed = await withStartupRetry(requeueInterruptedJobs);
      if (resumed) console.log(`[worker:batch] ${resumed} interrupted batch job(s) will resume from their last committed chunk`);
    },
    async next(signal) {
      const job = claimNextJob();
      if (!job) return false;
      console.log(`[worker:batch] pid ${process.pid} took job ${job.id}`);
      await executeJob(job, signal);
      return true;
    },
  },
};

/**
 * A worker: a process of its own started beside the web server (`npm start`), so long work never
 * blocks a request. It claims its lane's queued items one at a time (fairly between projects, see
 * claimNextRun and claimNextJob) until `signal` aborts; the item it is on stops at its next safe
 * point (a run's epoch, a job's chunk).
 */
export async function runWorker(lane: Lane, signal: AbortSignal): Promise<void> {
  const work = LANE_WORK[lane];
  await work.startup();
  console.log(`[worker:${lane}] ready`);
  while (!signal.aborted) {
    try {
      if (await work.next(signal)) continue;
    } catch (e) {
      // A locked database or a bad row must not end the worker: log, wait, go on.
      console.error(`[worker:${lane}] poll failed`, e);
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
