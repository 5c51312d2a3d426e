import { and, eq } from "drizzle-orm";
import { getDb } from "@/db/client";
import { alerts, endpoints } from "@/db/schema";
import type { ProjectRecord } from "@/lib/define/server/projects";
import type { StepReport } from "@/lib/define/tasks";

/** Monitor's state: needing attention while an alert fires on one of the project's endpoints; otherwise not started (monitoring never ends). */
export function monitorStepState(p: ProjectRecord): StepReport {
  const firing = getDb()
    .select({ endpoint: alerts.endpointName, kind: alerts.kind })
    .from(alerts)
    .innerJoin(endpoints, eq(endpoints.name, alerts.endpointName))
    .where(and(eq(endpoints.projectId, p.id), eq(alerts.state, "firing")))
    .limit(1)
    .get();
  if (firing) return { state: "attention", note: `A ${firing.kind} alert is firing on endpoint ${firing.endpoint}.` };
  return { state: "not-started" };
}
