import type { RecipeStep } from "@/components/api/types";
import { RECIPE_OPS } from "@/lib/prepare/recipe-schema";

export type RecipeOp = (typeof RECIPE_OPS)[number];
export { RECIPE_OPS };

export const OP_LABELS: Record<RecipeOp, string> = {
  impute: "Impute missing values",
  scale: "Scale",
  onehot: "One-hot encode",
  drop: "Drop columns",
  filter: "Filter rows",
  clip: "Clip to a range",
  log: "Log transform (log1p)",
  datepart: "Date parts",
  lag: "Lag values",
};

export const OP_HINTS: Record<RecipeOp, string> = {
  impute: "Fill missing values with a statistic of the training rows.",
  scale: "Standardise (mean 0, std 1) or squeeze into 0–1, fitted on the training rows.",
  onehot: "One 0/1 column per category, named column=value.",
  drop: "Leave columns out of the features.",
  filter: "Keep only the training rows that match; serving never drops rows.",
  clip: "Cap values below min or above max.",
  log: "log(1 + x), for skewed positive values.",
  datepart: "Year, month, week… of a date as number columns.",
  lag: "The value of earlier periods of the same series, as new columns.",
};

export interface StepDefaultsContext {
  firstColumn: string;
  timeColumn: string;
}

/** A new step of an op, with choices that make sense before any column is picked. */
export function defaultStep(op: RecipeOp, ctx: StepDefaultsContext): RecipeStep {
  switch (op) {
    case "impute":
      return { op, columns: [], strategy: "median" };
    case "scale":
      return { op, columns: [], method: "standard" };
    case "filter":
      return { op, column: ctx.firstColumn, operator: "notnull" };
    case "clip":
      return { op, columns: [], min: 0 };
    case "datepart":
      return { op, columns: [], parts: ["year", "month"] };
    case "lag":
      return { op, columns: [], lags: [1], timeColumn: ctx.timeColumn };
    default:
      return { op, columns: [] };
  }
}
