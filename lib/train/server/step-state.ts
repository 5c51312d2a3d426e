import { and, desc, eq } from "drizzle-orm";
import { getDb } from "@/db/client";
import { runs } from "@/db/schema";
import type { ProjectRecord } from "@/lib/define/server/projects";
import type { StepReport } from "@/lib/define/tasks";

/** Train's state: done once a run succeeded; needing attention while the latest run is a failed one. */
export function trainStepState(p: ProjectRecord): StepReport {
  const latest = getDb()
    .select({ status: runs.status, error: runs.error })
    .from(runs)
    .where(eq(runs.projectId, p.id))
    .orderBy(desc(runs.createdAt))
    .limit(1)
    .get();
  if (latest?.status === "failed") return { state: "attention", note: `The latest run failed: ${latest.error ?? "unknown error"}` };
  const succeeded = getDb()
    .select({ id: runs.id })
    .from(runs)
    .where(and(eq(runs.projectId, p.id), eq(runs.status, "succeeded")))
    .limit(1)
    .get();
  return { state: succeeded ? "done" : "not-started" };
}
