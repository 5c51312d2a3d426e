import { z } from "zod";
import { DELIVERIES, METRICS, TASKS } from "./tasks";

const name = z.string().trim().min(1, "must not be empty").max(200, "must be at most 200 characters");

const base = {
  name,
  description: z.string().max(5000).optional(),
  task: z.enum(TASKS),
  target: z.string().min(1).max(500).nullable().optional(),
  successMetric: z.string().min(1).nullable().optional(),
  successThreshold: z.number().finite().nullable().optional(),
  delivery: z.enum(DELIVERIES).optional(),
  datasetId: z.string().min(1).nullable().optional(),
};

/** The metric must be one of the task's (METRICS in ./tasks.ts). */
function checkMetric(v: { task?: (typeof TASKS)[number]; successMetric?: string | null }, ctx: z.RefinementCtx) {
  if (!v.task || !v.successMetric) return;
  const names = METRICS[v.task].map((m) => m.name);
  if (!names.includes(v.successMetric)) {
    ctx.addIssue({
      code: "custom",
      path: ["successMetric"],
      message: `"${v.successMetric}" is not a ${v.task} metric; use one of ${names.join(", ")}`,
    });
  }
}

export const createProjectSchema = z.object(base).strict().superRefine(checkMetric);

export const updateProjectSchema = z.object({ ...base, task: base.task.optional(), name: name.optional() }).strict();

export type CreateProjectInput = z.infer<typeof createProjectSchema>;
export type UpdateProjectInput = z.infer<typeof updateProjectSchema>;
export { checkMetric };
