import { runDueSchedules } from "./schedules";

/** How often the scheduler looks for due schedules; cron's finest step is a minute. */
export const SCHEDULER_TICK_MS = 15_000;

declare global {
  /** The scheduler's timer: one per process (startScheduler). */
  var __workbenchScheduler: NodeJS.Timeout | undefined;
}

/**
 * Starts the scheduler in this process (the web server, from instrumentation.ts), once: a tick
 * at start — which runs, once, every schedule whose run was missed while the server was down —
 * then one every SCHEDULER_TICK_MS. A tick still queueing jobs is never overlapped by the next.
 */
export function startScheduler(): void {
  if (globalThis.__workbenchScheduler) return;
  let ticking = false;
  const tick = async () => {
    if (ticking) return;
    ticking = true;
    try {
      for (const o of await runDueSchedules()) {
        if (o.action === "run") console.log(`[scheduler] schedule ${o.scheduleId} queued job ${o.jobId}`);
        else if (o.action === "skip") console.log(`[scheduler] schedule ${o.scheduleId} skipped: its previous job is still running`);
        else console.error(`[scheduler] schedule ${o.scheduleId} could not run: ${o.error}`);
      }
    } catch (e) {
      console.error("[scheduler] tick failed", e);
    } finally {
      ticking = false;
    }
  };
  globalThis.__workbenchScheduler = setInterval(tick, SCHEDULER_TICK_MS);
  globalThis.__workbenchScheduler.unref();
  void tick();
}
