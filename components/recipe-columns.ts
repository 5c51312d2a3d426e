import { datepartColumnName, lagColumnName } from "@/lib/prepare/recipe";
import type { ColumnInfo, FeatureColumn, RecipeStep } from "./api-types";
import type { ColumnOption } from "./column-checklist";

const isNumeric = (t: string) => t === "number" || t === "integer";

/**
 * The columns a step can work on: the features and the target as the earlier steps left them.
 * One-hot outputs depend on the data, so they are taken from the last preview.
 */
export function columnsBeforeStep(
  dataset: Pick<ColumnInfo, "name" | "type">[],
  target: string,
  features: string[],
  steps: RecipeStep[],
  index: number,
  previewColumns: FeatureColumn[] = [],
): ColumnOption[] {
  const byName = new Map(dataset.map((c) => [c.name, c]));
  let cols: ColumnOption[] = [...features, ...(target ? [target] : [])].flatMap((n) => {
    const c = byName.get(n);
    return c ? [{ name: c.name, type: c.type as string }] : [];
  });
  for (const step of steps.slice(0, index)) {
    const named = "columns" in step ? step.columns : [];
    const retype = (type: (t: string) => string) => cols.map((c) => (named.includes(c.name) ? { ...c, type: type(c.type) } : c));
    switch (step.op) {
      case "impute":
        cols = retype((t) => (t === "integer" && (step.strategy === "mean" || step.strategy === "median") ? "number" : t));
        break;
      case "scale":
      case "log":
        cols = retype(() => "number");
        break;
      case "onehot":
        cols = cols.flatMap((c) =>
          named.includes(c.name) ? previewColumns.filter((p) => p.name.startsWith(`${c.name}=`)).map((p) => ({ name: p.name, type: "integer" })) : [c],
        );
        break;
      case "drop":
        cols = cols.filter((c) => !named.includes(c.name));
        break;
      case "datepart":
        cols = cols.flatMap((c) => (named.includes(c.name) ? [c, ...step.parts.map((p) => ({ name: datepartColumnName(c.name, p), type: "integer" }))] : [c]));
        break;
      case "lag":
        cols = cols.flatMap((c) => (named.includes(c.name) ? [c, ...step.lags.map((l) => ({ name: lagColumnName(c.name, l), type: c.type }))] : [c]));
        break;
    }
  }
  return cols;
}

/** Which of the available columns suit a step (the server has the final word). */
export function columnFits(step: RecipeStep, column: ColumnOption, target: string): boolean {
  switch (step.op) {
    case "impute":
      return step.strategy === "mean" || step.strategy === "median" ? isNumeric(column.type) : true;
    case "scale":
    case "log":
    case "clip":
      return isNumeric(column.type);
    case "datepart":
      return column.type === "datetime" && column.name !== target;
    case "onehot":
    case "drop":
      return column.name !== target;
    default:
      return true;
  }
}

/** Server field errors under a prefix ("steps.2"), keyed by the rest of the path ("columns"). */
export function errorsUnder(errors: { field: string; message: string }[], prefix: string): { field: string; message: string }[] {
  return errors
    .filter((e) => e.field === prefix || e.field.startsWith(prefix + "."))
    .map((e) => ({ field: e.field.slice(prefix.length + 1), message: e.message }));
}
