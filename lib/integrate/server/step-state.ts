import { eq } from "drizzle-orm";
import { getDb } from "@/db/client";
import { endpoints } from "@/db/schema";
import type { ProjectRecord } from "@/lib/define/server/projects";
import type { StepReport } from "@/lib/define/tasks";

/** Integrate's state: done once one of the project's models is deployed to an endpoint. */
export function integrateStepState(p: ProjectRecord): StepReport {
  const endpoint = getDb().select({ name: endpoints.name }).from(endpoints).where(eq(endpoints.projectId, p.id)).limit(1).get();
  return { state: endpoint ? "done" : "not-started" };
}
