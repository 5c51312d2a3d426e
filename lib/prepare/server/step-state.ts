import { desc, eq } from "drizzle-orm";
import { getDb } from "@/db/client";
import { recipes } from "@/db/schema";
import type { ProjectRecord } from "@/lib/define/server/projects";
import type { StepReport } from "@/lib/define/tasks";

/**
 * Prepare's state: done once the project has a recipe; needing attention when its latest recipe
 * was built on another dataset version than the attached one, or predicts another target.
 */
export function prepareStepState(p: ProjectRecord): StepReport {
  const recipe = getDb()
    .select({ datasetId: recipes.datasetId, spec: recipes.spec })
    .from(recipes)
    .where(eq(recipes.projectId, p.id))
    .orderBy(desc(recipes.version))
    .limit(1)
    .get();
  if (!recipe) return { state: "not-started" };
  const target = (recipe.spec as { target?: string }).target;
  if (recipe.datasetId !== p.datasetId) return { state: "attention", note: "The recipe was built on another dataset version than the one attached." };
  if (p.target && target !== p.target) return { state: "attention", note: `The recipe predicts "${target}" but the project's target is "${p.target}".` };
  return { state: "done" };
}
