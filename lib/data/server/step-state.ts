import type { ProjectRecord } from "@/lib/define/server/projects";
import type { StepReport } from "@/lib/define/tasks";

/** Data's state: done once a ready dataset version is attached; needing attention when the attached one is gone. */
export function dataStepState(p: ProjectRecord): StepReport {
  if (p.datasetId && !p.dataset) return { state: "attention", note: "The attached dataset version no longer exists." };
  return { state: p.dataset ? "done" : "not-started" };
}
