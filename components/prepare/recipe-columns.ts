import type { ColumnInfo, FeatureColumn, RecipeStep } from "@/components/api/types";
import { columnsAfterStep } from "@/lib/prepare/recipe";
import type { ColumnOption } from "./column-checklist";

/**
 * The columns a step can work on: the features and the target as the earlier steps left them,
 * by the server's own rule. One-hot outputs depend on the data, so they are taken from the last preview.
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
    return c ? [{ name: c.name, type: c.type }] : [];
  });
  const onehotOutputs = (source: string) => previewColumns.filter((p) => p.name.startsWith(`${source}=`)).map((p) => p.name);
  for (const step of steps.slice(0, index)) cols = columnsAfterStep(cols, step, onehotOutputs, (_, name, type) => ({ name, type }));
  return cols;
}

/** Server field errors under a prefix ("steps.2"), keyed by the rest of the path ("columns"). */
export function errorsUnder(errors: { field: string; message: string }[], prefix: string): { field: string; message: string }[] {
  return errors
    .filter((e) => e.field === prefix || e.field.startsWith(prefix + "."))
    .map((e) => ({ field: e.field.slice(prefix.length + 1), message: e.message }));
}
