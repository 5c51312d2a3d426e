import { z } from "zod";

/**
 * The recipe contract (every step names its columns as a list). Browser-safe: the
 * recipe builder, the route handlers and the fitting code share these schemas.
 */
const columns = z.array(z.string().min(1)).min(1, "name at least one column");

export const imputeStep = z.object({
  op: z.literal("impute"),
  columns,
  strategy: z.enum(["mean", "median", "mode", "constant"]),
  value: z.union([z.string(), z.number(), z.boolean()]).optional(),
});
export const scaleStep = z.object({ op: z.literal("scale"), columns, method: z.enum(["standard", "minmax"]) });
export const onehotStep = z.object({ op: z.literal("onehot"), columns });
export const dropStep = z.object({ op: z.literal("drop"), columns });
export const filterStep = z.object({
  op: z.literal("filter"),
  column: z.string().min(1),
  operator: z.enum(["==", "!=", "<", "<=", ">", ">=", "isnull", "notnull"]),
  value: z.union([z.string(), z.number(), z.boolean()]).optional(),
});
export const clipStep = z.object({
  op: z.literal("clip"),
  columns,
  min: z.number().optional(),
  max: z.number().optional(),
});
export const logStep = z.object({ op: z.literal("log"), columns });
export const DATE_PARTS = ["year", "month", "week", "dayofweek", "dayofyear"] as const;
export const datepartStep = z.object({
  op: z.literal("datepart"),
  columns,
  parts: z.array(z.enum(DATE_PARTS)).min(1),
});
export const lagStep = z.object({
  op: z.literal("lag"),
  columns,
  lags: z.array(z.number().int().min(1).max(520)).min(1),
  timeColumn: z.string().min(1),
  groupBy: z.array(z.string().min(1)).optional(),
});

export const recipeStep = z.discriminatedUnion("op", [imputeStep, scaleStep, onehotStep, dropStep, filterStep, clipStep, logStep, datepartStep, lagStep]);

export const RECIPE_OPS = ["impute", "scale", "onehot", "drop", "filter", "clip", "log", "datepart", "lag"] as const;

export const splitSpec = z
  .object({
    method: z.enum(["random", "time"]),
    validation: z.number().gt(0).lt(1),
    test: z.number().min(0).lt(1).optional(),
    seed: z.number().int().optional(),
    timeColumn: z.string().min(1).optional(),
  })
  .refine((s) => s.validation + (s.test ?? 0) < 1, { message: "validation + test must be below 1", path: ["validation"] })
  .refine((s) => s.method !== "time" || !!s.timeColumn, { message: "a time split needs timeColumn", path: ["timeColumn"] });

export const recipeSpec = z.object({
  datasetId: z.string().min(1),
  target: z.string().min(1),
  features: z.array(z.string().min(1)).optional(),
  steps: z.array(recipeStep).max(100),
  split: splitSpec,
});

export type RecipeStep = z.infer<typeof recipeStep>;
export type SplitSpec = z.infer<typeof splitSpec>;
export type RecipeSpec = z.infer<typeof recipeSpec>;
