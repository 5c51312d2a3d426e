import { setTimeout as sleep } from "node:timers/promises";
import { and, eq } from "drizzle-orm";
import { getDb } from "@/db/client";
import { jobs } from "@/db/schema";
import { executeJob } from "./job-runner";
import { getJob, getJobRow, type Job } from "./jobs";

/** How often a job another process took is looked at while waiting for it. */
const WAIT_POLL_MS = 500;

/**
 * Runs a queued job to its end in this process, with the worker's own `executeJob` (the command
 * line's path): claimed atomically first, so a running worker cannot take it too. When a worker
 * claimed it in between, this waits for that worker instead. Returns the finished job.
 */
export async function runJobToEnd(id: string, onProgress?: (job: Job) => void): Promise<Job> {
  const startedAt = new Date();
  const claimed = getDb()
    .update(jobs)
    .set({ status: "running", startedAt, updatedAt: startedAt })
    .where(and(eq(jobs.id, id), eq(jobs.status, "queued")))
    .run().changes;
  if (claimed) {
    const timer = onProgress ? setInterval(() => onProgress(getJob(id)), 1000) : undefined;
    try {
      await executeJob(getJobRow(id));
    } finally {
      clearInterval(timer);
    }
    return getJob(id);
  }
  for (;;) {
    const job = getJob(id);
    if (job.status !== "queued" && job.status !== "running") return job;
    onProgress?.(job);
    await sleep(WAIT_POLL_MS);
  }
}
