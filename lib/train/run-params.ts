import type { ColumnType } from "@/lib/data/types";
import { AppError } from "@/lib/shared/errors";
import { forecasterParamsSchema, resolveForecasterParams, type ForecasterParams } from "./algorithms/forecaster/params";
import { workViolation } from "./param-bounds";
import { parseParams } from "./params";
import { recommenderParamsSchema, resolveRecommenderParams, type RecommenderParams } from "./algorithms/recommender/params";
import { resolveTabularParams, TABULAR_ALGORITHMS, type TabularAlgorithm } from "./algorithms/tabular/params";
import type { Algorithm } from "./types";

/** What a run's params are resolved against: the recipe's target and raw input columns, and its split. */
export interface RunContext {
  target: string;
  /** The recipe's input columns (its features and the columns its steps read), with their types. */
  columns: { name: string; type: ColumnType }[];
  /** The target's type in the data. */
  targetType: ColumnType;
  /** The time column of a time split, if the recipe splits by time. */
  splitTimeColumn?: string;
  /** The dataset's rows, when known: the params must not take more gradient steps on them than a run may (workViolation). */
  rows?: number;
}

const NUMERIC: readonly ColumnType[] = ["number", "integer"];
const invalid = (field: string, message: string) => new AppError("VALIDATION", message, [{ field, message }]);

const isTabular = (a: Algorithm): a is TabularAlgorithm => (TABULAR_ALGORITHMS as readonly string[]).includes(a);

/**
 * The full params of a run: the defaults overlaid with what was asked, every param checked, and
 * what the data decides filled in (a forecaster's time, series and exogenous columns; a
 * recommender's item, basket and quantity columns). Stored on the run, so a run says exactly
 * what it trained with. Throws VALIDATION on `params.<name>` (or `target`): a param beyond its
 * bound (PARAM_BOUNDS), or epochs and batch size that would take too many steps on the data.
 */
export function resolveRunParams(algorithm: Algorithm, raw: unknown, ctx: RunContext): Record<string, unknown> {
  const params: Record<string, unknown> = isTabular(algorithm)
    ? { ...resolveTabularParams(algorithm, raw) }
    : algorithm === "forecaster"
      ? { ...resolveForecasterRunParams(raw, ctx) }
      : { ...resolveRecommenderRunParams(raw, ctx) };
  const tooMuch = ctx.rows === undefined ? undefined : workViolation(algorithm, params, ctx.rows);
  if (tooMuch) throw new AppError("VALIDATION", `invalid params: ${tooMuch[0].message}`, tooMuch);
  return params;
}

function checkColumn(ctx: RunContext, field: string, name: string): ColumnType {
  const column = ctx.columns.find((c) => c.name === name);
  if (!column) {
    throw invalid(field, `column "${name}" is not among the recipe's input columns (${ctx.columns.map((c) => c.name).join(", ") || "none"}); add it to the recipe's features`);
  }
  return column.type;
}

/**
 * A forecaster reads raw columns: the time column (the split's, else the first datetime column),
 * the series columns (every category or boolean column by default: store and brand), and the
 * exogenous columns known in advance (every other numeric column: price, advert).
 */
export function resolveForecasterRunParams(raw: unknown, ctx: RunContext): ForecasterParams {
  const p = parseParams(forecasterParamsSchema, raw);
  if (!NUMERIC.includes(ctx.targetType)) {
    throw invalid("target", `a forecast needs a numeric target; "${ctx.target}" is ${ctx.targetType}`);
  }
  const timeColumn =
    p.timeColumn ??
    (ctx.splitTimeColumn && ctx.columns.some((c) => c.name === ctx.splitTimeColumn) ? ctx.splitTimeColumn : undefined) ??
    ctx.columns.find((c) => c.type === "datetime")?.name;
  if (!timeColumn) throw invalid("params.timeColumn", "timeColumn is required: the recipe has no datetime column to forecast along");
  const timeType = checkColumn(ctx, "params.timeColumn", timeColumn);
  if (timeType !== "datetime" && !NUMERIC.includes(timeType)) {
    throw invalid("params.timeColumn", `timeColumn must be a datetime or numeric column; "${timeColumn}" is ${timeType}`);
  }
  const others = ctx.columns.filter((c) => c.name !== timeColumn && c.name !== ctx.target);
  const seriesColumns = p.seriesColumns ?? others.filter((c) => c.type === "category" || c.type === "boolean").map((c) => c.name);
  for (const name of seriesColumns) checkColumn(ctx, "params.seriesColumns", name);
  const exogenous = p.exogenous ?? others.filter((c) => NUMERIC.includes(c.type) && !seriesColumns.includes(c.name)).map((c) => c.name);
  for (const name of exogenous) {
    const type = checkColumn(ctx, "params.exogenous", name);
    if (!NUMERIC.includes(type) && type !== "boolean") throw invalid("params.exogenous", `exogenous columns must be numeric or boolean; "${name}" is ${type}`);
  }
  return resolveForecasterParams({ ...p, timeColumn, seriesColumns, exogenous, target: ctx.target });
}

/** A recommender's items are the recipe's target by default; the basket (or user) and quantity columns are found by name. */
export function resolveRecommenderRunParams(raw: unknown, ctx: RunContext): RecommenderParams {
  const p = parseParams(recommenderParamsSchema, raw);
  const names = [...ctx.columns.map((c) => c.name), ctx.target];
  const resolved = resolveRecommenderParams({ itemColumn: ctx.target, ...p }, names);
  // Drop the keys left undefined (no user column when baskets are named), so the stored params are plain JSON.
  return Object.fromEntries(Object.entries(resolved).filter(([, v]) => v !== undefined)) as unknown as RecommenderParams;
}
