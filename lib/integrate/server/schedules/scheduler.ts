import { runEvery } from "@/lib/shared/server/every";
import { runDueSchedules } from "./schedules";

/** How often the scheduler looks for due schedules; cron's finest step is a minute. */
export const SCHEDULER_TICK_MS = 15_000;

/**
 * Starts the scheduler in this process (the web server, from instrumentation.ts), once: a tick
 * at start — which runs, once, every schedule whose run was missed while the server was down —
 * then one every SCHEDULER_TICK_MS. A tick still queueing jobs is never overlapped by the next.
 */
export function startScheduler(): void {
  runEvery(
    "scheduler",
    SCHEDULER_TICK_MS,
    async () => {
      for (const o of await runDueSchedules()) {
        if (o.action === "run") console.log(`[scheduler] schedule ${o.scheduleId} queued job ${o.jobId}`);
        else if (o.action === "skip") console.log(`[scheduler] schedule ${o.scheduleId} skipped: its previous job is still running`);
        else console.error(`[scheduler] schedule ${o.scheduleId} could not run: ${o.error}`);
      }
    },
    { now: true },
  );
}
