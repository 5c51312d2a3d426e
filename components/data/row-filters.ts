/**
 * The rows table's filters as a person writes them: the value typed into the form made into the
 * JSON value the rows API wants for the column's type, checked here first so a typo is named
 * beside the field instead of coming back as a 422.
 */
import { NUMBER_PATTERN, parseDatetimeMs } from "@/lib/data/infer";
import { OP_LABELS, type RowFilter, takesValue } from "@/lib/data/row-query";
import type { ColumnType } from "@/lib/data/types";

/** The value typed for a filter on a column of `type`, as the API wants it, or what is wrong with it. */
export function filterValueOf(type: ColumnType, text: string): { value: string | number | boolean } | { error: string } {
  const trimmed = text.trim();
  switch (type) {
    case "number":
    case "integer":
      return NUMBER_PATTERN.test(trimmed) && Number.isFinite(Number(trimmed)) ? { value: Number(trimmed) } : { error: "Enter a number, such as 2 or 1.5." };
    case "datetime":
      return parseDatetimeMs(trimmed) === null ? { error: "Enter a date, such as 2024-01-31 or 2024-01-31T12:00." } : { value: trimmed };
    case "boolean":
      return trimmed === "true" || trimmed === "false" ? { value: trimmed === "true" } : { error: "Choose true or false." };
    case "category":
    case "text":
      return { value: text };
  }
}

/** A filter as the page says it: `price > 2`, `color contains "re"`, `when is missing`. */
export function describeFilter(f: RowFilter): string {
  const label = OP_LABELS[f.op];
  if (!takesValue(f.op)) return `${f.column} ${label}`;
  return `${f.column} ${label} ${typeof f.value === "string" ? JSON.stringify(f.value) : String(f.value)}`;
}

/** The sort that a click on a column's header makes: ascending, then descending, then none. */
export function nextSort(current: { column: string; descending: boolean } | null, column: string): { column: string; descending: boolean } | null {
  if (current?.column !== column) return { column, descending: false };
  return current.descending ? null : { column, descending: true };
}
