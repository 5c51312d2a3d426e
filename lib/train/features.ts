import type { FittedRecipe } from "@/lib/prepare/recipe";
import { AppError } from "@/lib/shared/errors";

/**
 * Which of a fitted recipe's output columns a tabular model reads (browser-safe: the train page
 * and the server worker pick features by the same rule).
 */

/** Feature types a model reads as numbers; datetimes reach models through datepart or lag steps. */
const NUMERIC_TYPES = new Set(["number", "integer", "boolean"]);

/** Which of the recipe's output columns a model reads; a category left unencoded is an error. */
export function modelFeatures(fitted: Pick<FittedRecipe, "outputColumns" | "target">): string[] {
  const features: string[] = [];
  for (const c of fitted.outputColumns) {
    if (c.name === fitted.target) continue;
    if (NUMERIC_TYPES.has(c.type)) features.push(c.name);
    else if (c.type === "category" || c.type === "text") {
      throw new AppError("VALIDATION", `Feature "${c.name}" is a ${c.type} column: add a onehot step for it or drop it in the recipe.`, [
        { field: "recipe.steps", message: `"${c.name}" needs encoding` },
      ]);
    }
  }
  if (features.length === 0) throw new AppError("VALIDATION", "The recipe leaves no numeric feature to train on.", [{ field: "recipe.features", message: "none numeric" }]);
  return features;
}
