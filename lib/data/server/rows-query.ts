/**
 * The server's checks of a rows query (`GET /api/datasets/{id}/rows?sort=&order=&filter=`) against
 * a version's columns: every mistake is a 422 naming its field (`sort`, `filter.0.column`, …),
 * never a failed SQL statement.
 */
import { z } from "zod";
import { AppError, type FieldError, invalidFields } from "@/lib/shared/errors";
import { fieldErrors } from "@/lib/shared/http";
import { parseDatetimeMs } from "../infer";
import { FILTER_OPS, type FilterOp, MAX_FILTER_VALUE_CHARS, MAX_ROW_FILTERS, OPS_BY_TYPE, type RowFilter, takesValue } from "../row-query";
import type { ColumnInfo, ColumnType } from "../types";

/**
 * A checked filter: its column by position, its value in the SQL form of the column's cells
 * (a number for numbers, datetimes (epoch ms) and booleans (1 or 0); text for text).
 */
export interface CheckedFilter {
  column: number;
  op: FilterOp;
  value: string | number | null;
}

export interface CheckedRowsQuery {
  sort?: { column: number; descending: boolean };
  filters: CheckedFilter[];
}

/** The query parameters of a rows request, as sent (before they are checked against the columns). */
export interface RowsQueryParams {
  sort?: string;
  order?: string;
  filter?: string;
}

/** `sort`, `order` and `filter` of a query string; each may be given once (a repeated one is a 422 naming it, not a guess). */
export function readRowsQueryParams(search: URLSearchParams): RowsQueryParams {
  const out: RowsQueryParams = {};
  const errors: FieldError[] = [];
  for (const name of ["sort", "order", "filter"] as const) {
    const values = search.getAll(name);
    if (values.length > 1) errors.push({ field: name, message: `given ${values.length} times; give it once${name === "filter" ? ", as one JSON array" : ""}` });
    else if (values.length === 1 && values[0] !== "") out[name] = values[0];
  }
  if (errors.length) throw invalidFields(errors);
  return out;
}

const filterSchema = z
  .array(
    z
      .object({
        column: z.string({ error: "expected a column name" }),
        op: z.enum(FILTER_OPS, { error: `expected one of ${FILTER_OPS.join(" ")}` }),
        value: z
          .union([z.string().max(MAX_FILTER_VALUE_CHARS, `at most ${MAX_FILTER_VALUE_CHARS} characters`), z.number(), z.boolean()], {
            error: "expected a number, a boolean or a string",
          })
          .optional(),
      })
      .strict(),
    { error: 'expected a JSON array of {"column", "op", "value"} objects' },
  )
  .max(MAX_ROW_FILTERS, `at most ${MAX_ROW_FILTERS} filters`);

/** The filter parameter's JSON as filters of the right shape (not yet checked against the columns). */
function parseFilterParam(text: string): RowFilter[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw invalidFields([{ field: "filter", message: 'not valid JSON; send an array such as [{"column":"price","op":">","value":2}]' }]);
  }
  const parsed = z.object({ filter: filterSchema }).safeParse({ filter: json });
  if (!parsed.success) throw invalidFields(fieldErrors(parsed.error));
  return parsed.data.filter;
}

const DATETIME_HINT = "expected a date-time as the data writes them (2024-01-31, 2024-01-31T12:00:00Z) or epoch milliseconds";

/** A filter value in the SQL form of a column's cells, or why it does not fit the column's type. */
function checkValue(type: ColumnType, value: string | number | boolean): { value: string | number } | { error: string } {
  switch (type) {
    case "number":
    case "integer":
      return typeof value === "number" ? { value } : { error: `expected a number (the column is ${type})` };
    case "boolean":
      return typeof value === "boolean" ? { value: value ? 1 : 0 } : { error: "expected true or false (the column is boolean)" };
    case "datetime": {
      const ms = typeof value === "number" ? value : typeof value === "string" ? parseDatetimeMs(value.trim()) : null;
      return ms === null || !Number.isFinite(ms) ? { error: DATETIME_HINT } : { value: ms };
    }
    case "category":
    case "text":
      return typeof value === "string" ? { value } : { error: `expected a string (the column is ${type})` };
  }
}

function checkFilter(f: RowFilter, i: number, columns: readonly ColumnInfo[], errors: FieldError[]): CheckedFilter | null {
  const at = columns.findIndex((c) => c.name === f.column);
  if (at < 0) {
    errors.push({ field: `filter.${i}.column`, message: `unknown column ${JSON.stringify(f.column)}` });
    return null;
  }
  const type = columns[at].type;
  if (!OPS_BY_TYPE[type].includes(f.op)) {
    errors.push({ field: `filter.${i}.op`, message: `${f.op} does not apply to a ${type} column; use one of ${OPS_BY_TYPE[type].join(" ")}` });
    return null;
  }
  if (!takesValue(f.op)) {
    if (f.value === undefined) return { column: at, op: f.op, value: null };
    errors.push({ field: `filter.${i}.value`, message: `${f.op} takes no value` });
    return null;
  }
  if (f.value === undefined) {
    errors.push({ field: `filter.${i}.value`, message: `required for ${f.op}` });
    return null;
  }
  const checked = checkValue(type, f.value);
  if ("error" in checked) {
    errors.push({ field: `filter.${i}.value`, message: checked.error });
    return null;
  }
  return { column: at, op: f.op, value: checked.value };
}

/**
 * Checks a rows query against a version's columns: `sort` names a column, `order` is asc or desc
 * (and comes with a sort), each filter names a column, an operator its type takes and a value of
 * its type. Every mistake is named (`sort`, `filter.1.value`, …) in one 422.
 */
export function checkRowsQuery(params: RowsQueryParams, columns: readonly ColumnInfo[]): CheckedRowsQuery {
  const errors: FieldError[] = [];
  let sort: CheckedRowsQuery["sort"];
  if (params.sort !== undefined) {
    const at = columns.findIndex((c) => c.name === params.sort);
    if (at < 0) errors.push({ field: "sort", message: `unknown column ${JSON.stringify(params.sort)}` });
    else sort = { column: at, descending: params.order === "desc" };
  }
  if (params.order !== undefined) {
    if (params.order !== "asc" && params.order !== "desc") errors.push({ field: "order", message: "expected asc or desc" });
    else if (params.sort === undefined) errors.push({ field: "order", message: "order needs sort (the column to sort by)" });
  }
  let filters: CheckedFilter[] = [];
  if (params.filter !== undefined) {
    try {
      filters = parseFilterParam(params.filter).flatMap((f, i) => checkFilter(f, i, columns, errors) ?? []);
    } catch (e) {
      if (!(e instanceof AppError)) throw e;
      errors.push(...e.errors);
    }
  }
  if (errors.length) throw invalidFields(errors, errors.length > 1 ? ` (and ${errors.length - 1} more)` : "");
  return { sort, filters };
}
