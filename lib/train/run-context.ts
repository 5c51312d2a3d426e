import type { ColumnInfo, ColumnType } from "@/lib/data/types";
import type { RecipeSpec } from "@/lib/prepare/recipe-schema";
import { validation } from "@/lib/shared/errors";

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

export const NUMERIC_TYPES: readonly ColumnType[] = ["number", "integer"];

/** The context of a recipe on a dataset of these columns (and `rows` rows, when the work guard applies). */
export function runContextOf(spec: Pick<RecipeSpec, "target" | "features" | "split">, datasetColumns: readonly ColumnInfo[], rows?: number): RunContext {
  const byName = new Map(datasetColumns.map((c) => [c.name, c]));
  const names = spec.features ?? datasetColumns.map((c) => c.name);
  const columns = [...new Set(names)].flatMap((name) => {
    const c = byName.get(name);
    return c && name !== spec.target ? [{ name, type: c.type }] : [];
  });
  const target = byName.get(spec.target);
  if (!target) throw validation("target", `the recipe's target "${spec.target}" is not a column of the dataset`);
  return {
    target: spec.target,
    targetType: target.type,
    columns,
    splitTimeColumn: spec.split.method === "time" ? spec.split.timeColumn : undefined,
    rows,
  };
}

/** The type of an input column a param names; VALIDATION on `field` when the recipe has no such input. */
export function checkColumn(ctx: RunContext, field: string, name: string): ColumnType {
  const column = ctx.columns.find((c) => c.name === name);
  if (!column) {
    throw validation(
      field,
      `column "${name}" is not among the recipe's input columns (${ctx.columns.map((c) => c.name).join(", ") || "none"}); add it to the recipe's features`,
    );
  }
  return column.type;
}
