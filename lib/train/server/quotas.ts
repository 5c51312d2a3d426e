import { and, count, eq, inArray } from "drizzle-orm";
import type { getDb } from "@/db/client";
import { runs } from "@/db/schema";
import { getSettings } from "@/lib/identity/server/settings";
import { AppError } from "@/lib/shared/errors";

/**
 * Caps on queued work (issue 13): a person may have at most `maxQueuedRunsPerUser` runs queued
 * or running, and a project `maxQueuedRunsPerProject` (sweep trials count); administrators change
 * them (`PUT /api/settings`). Work the system queues (samples, the CLI: no person) is not capped.
 */

/** When a refused client may try again: about how long the worker takes to finish a run and free a slot. */
export const QUOTA_RETRY_AFTER_SECONDS = 30;

/** Statuses that hold a place in the queue. */
export const ACTIVE_STATUSES = ["queued", "running"] as const;

/** The 429 of a cap: names `quota`, says the cap and where it is changed, and carries Retry-After. */
export function quotaExceeded(message: string): AppError {
  return new AppError(
    "TOO_MANY_REQUESTS",
    `${message} Wait for some to finish (or cancel some) and try again; an administrator can change the cap in the settings.`,
    [{ field: "quota", message }],
    {
      retryAfterSeconds: QUOTA_RETRY_AFTER_SECONDS,
    },
  );
}

type Db = Pick<ReturnType<typeof getDb>, "select">;

/** Runs queued or running, of one person or one project. */
export function activeRuns(db: Db, by: { userId: string } | { projectId: string }): number {
  const who = "userId" in by ? eq(runs.createdBy, by.userId) : eq(runs.projectId, by.projectId);
  return (
    db
      .select({ n: count() })
      .from(runs)
      .where(and(inArray(runs.status, [...ACTIVE_STATUSES]), who))
      .get()?.n ?? 0
  );
}

/**
 * Throws the 429 when queueing `adding` more runs in the project would take the person (null: the
 * system, uncapped) or the project past its cap. Call it inside the transaction that inserts the
 * runs (immediate: it holds the write lock), so parallel requests cannot all pass it.
 */
export function checkRunQuota(db: Db, input: { projectId: string; userId: string | null; adding: number }): void {
  if (input.userId === null) return;
  const { maxQueuedRunsPerUser, maxQueuedRunsPerProject } = getSettings().quotas;
  const what = input.adding === 1 ? "another run" : `${input.adding} more runs`;
  const mine = activeRuns(db, { userId: input.userId });
  if (mine + input.adding > maxQueuedRunsPerUser) {
    throw quotaExceeded(`You have ${mine} runs queued or running, and may have at most ${maxQueuedRunsPerUser}: ${what} would pass that.`);
  }
  const project = activeRuns(db, { projectId: input.projectId });
  if (project + input.adding > maxQueuedRunsPerProject) {
    throw quotaExceeded(`The project has ${project} runs queued or running, and may have at most ${maxQueuedRunsPerProject}: ${what} would pass that.`);
  }
}
