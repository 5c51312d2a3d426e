import { type ColumnBatch, cellOf, rowsOfBatch, takeBatchRows } from "@/lib/data/column-batch";
import type { ColumnInfo, Row } from "@/lib/data/types";
import { applyRecipeColumns, fitRecipeColumns } from "@/lib/prepare/columnar-recipe";
import { applyRecipe, fitRecipe, type FittedRecipe } from "@/lib/prepare/recipe";
import type { RecipeSpec } from "@/lib/prepare/recipe-schema";
import { splitBatchIndices, splitIndices } from "@/lib/prepare/split";
import { AppError } from "@/lib/shared/errors";
import { matrixOfBatch, targetOfBatch, targetVector, toMatrix, type Matrix } from "./matrix";

/**
 * The data a model trains on, from a recipe (browser-safe: the train page and the server worker
 * prepare it by the same rules): a tabular model's matrices, or the raw rows a forecaster or a
 * recommender builds its own features from.
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
  if (features.length === 0)
    throw new AppError("VALIDATION", "The recipe leaves no numeric feature to train on.", [{ field: "recipe.features", message: "none numeric" }]);
  return features;
}

export interface TrainingPart {
  x: Matrix;
  y: number[] | string[];
}

/**
 * The recipe's training data, the same in the worker and the browser: split, fit the recipe on
 * the training rows only, apply it to each part, keep rows with a target, build the matrices.
 */
export function prepareTrainingParts(
  spec: Pick<RecipeSpec, "target" | "features" | "steps" | "split">,
  rows: Row[],
  columns: ColumnInfo[],
  task: "regression" | "classification",
) {
  const parts = splitIndices(rows, spec.split);
  const pick = (idx: number[]): Row[] => idx.map((i) => rows[i]);
  const trainRows = pick(parts.train);
  const fitted = fitRecipe(spec, trainRows, columns);
  const features = modelFeatures(fitted);
  const prepare = (part: Row[]): TrainingPart | null => {
    const out = applyRecipe(fitted, part, { mode: "train" }).rows.filter((r) => r[fitted.target] !== null && r[fitted.target] !== undefined);
    if (out.length === 0) return null;
    return { x: toMatrix(out, features), y: targetVector(out, fitted.target, task) };
  };
  const train = prepare(trainRows);
  const validation = prepare(pick(parts.validation));
  if (!train || !validation) throw emptyPart();
  return { fitted, features, trainRows, train, validation, test: prepare(pick(parts.test)) };
}

const emptyPart = () =>
  new AppError("VALIDATION", "The split leaves no training or validation rows with a target value.", [{ field: "split", message: "empty part" }]);

/**
 * prepareTrainingParts on a column batch: the same fitted recipe, features and parts as for the
 * batch's rows, without an object per row. Of the training rows it keeps only the reference
 * sample (`sampleEvenly(trainRows)`), which is all a run reads of them.
 */
export function prepareTrainingPartsColumns(
  spec: Pick<RecipeSpec, "target" | "features" | "steps" | "split">,
  batch: ColumnBatch,
  columns: ColumnInfo[],
  task: "regression" | "classification",
) {
  const parts = splitBatchIndices(batch, spec.split);
  const trainBatch = takeBatchRows(batch, parts.train);
  const fitted = fitRecipeColumns(spec, trainBatch, columns);
  const features = modelFeatures(fitted);
  const prepare = (part: ColumnBatch): TrainingPart | null => {
    const applied = applyRecipeColumns(fitted, part, { mode: "train" }).batch;
    const target = applied.columns.get(fitted.target);
    const withTarget: number[] = [];
    for (let i = 0; i < applied.length; i++) if (target && cellOf(target, i) !== null) withTarget.push(i);
    if (withTarget.length === 0) return null;
    const out = withTarget.length === applied.length ? applied : takeBatchRows(applied, withTarget);
    return { x: matrixOfBatch(out, features), y: targetOfBatch(out, fitted.target, task) };
  };
  const train = prepare(trainBatch);
  const validation = prepare(takeBatchRows(batch, parts.validation));
  if (!train || !validation) throw emptyPart();
  const trainSample = rowsOfBatch(takeBatchRows(trainBatch, evenSampleIndices(trainBatch.length)));
  return { fitted, features, trainSample, train, validation, test: prepare(takeBatchRows(batch, parts.test)) };
}

/** Recipe steps that keep a row's columns as they are (they drop rows or fill and bound values). */
const ROW_STEP_OPS = new Set(["filter", "impute", "clip"]);

/**
 * The rows a forecaster or a recommender trains on. They build their own features (lags, calendar,
 * series identity; item ids) from raw columns and hold out data their own way (the last periods;
 * whole baskets), so of the recipe only the feature selection and the row steps on raw columns
 * apply: filters, imputation, clipping. Column-making steps (onehot, lag, scale…) are skipped and
 * named, so the run can say so.
 */
export function prepareRawRows(spec: Pick<RecipeSpec, "target" | "features" | "steps">, rows: Row[], columns: ColumnInfo[]) {
  const raw = new Set(columns.map((c) => c.name));
  const readsRawOnly = (step: RecipeSpec["steps"][number]) => ("columns" in step ? step.columns : [step.column]).every((c) => raw.has(c));
  const kept = spec.steps.filter((s) => ROW_STEP_OPS.has(s.op) && readsRawOnly(s));
  const skippedSteps = spec.steps.filter((s) => !kept.includes(s)).map((s) => s.op);
  const fitted = fitRecipe({ ...spec, steps: kept }, rows, columns);
  return { fitted, rows: applyRecipe(fitted, rows, { mode: "train" }).rows, skippedSteps };
}

/** Raw training rows and predictions kept with a model for monitoring to compare traffic with. */
export const REFERENCE_SAMPLE_ROWS = 500;

/** An evenly spread sample of at most `n` items. */
export function sampleEvenly<T>(items: readonly T[], n = REFERENCE_SAMPLE_ROWS): T[] {
  return evenSampleIndices(items.length, n).map((i) => items[i]);
}

/** The positions sampleEvenly takes of `length` items: every step-th, at most `n`. */
function evenSampleIndices(length: number, n = REFERENCE_SAMPLE_ROWS): number[] {
  const step = Math.max(1, Math.floor(length / n));
  return Array.from({ length: Math.min(n, Math.ceil(length / step)) }, (_, k) => k * step);
}
