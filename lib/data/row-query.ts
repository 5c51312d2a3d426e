/**
 * A page of a dataset version's rows, sorted and filtered (browser-safe): the operators each column
 * type takes and the query string that asks for such a page. The server checks a query against the
 * version's columns (server/rows-query.ts) and runs it as SQL over the version's file (server/store.ts).
 */
import type { ColumnType } from "./types";

export const FILTER_OPS = ["==", "!=", "<", "<=", ">", ">=", "contains", "isnull", "notnull"] as const;
export type FilterOp = (typeof FILTER_OPS)[number];

/** Filters one query may combine (all must hold). */
export const MAX_ROW_FILTERS = 8;
/** Longest text a filter compares with. */
export const MAX_FILTER_VALUE_CHARS = 1000;

const COMPARE: readonly FilterOp[] = ["==", "!=", "<", "<=", ">", ">=", "isnull", "notnull"];
const TEXT: readonly FilterOp[] = ["==", "!=", "<", "<=", ">", ">=", "contains", "isnull", "notnull"];

/** The operators a column of each type takes: order for numbers, times and text, a substring for text, equality for booleans. */
export const OPS_BY_TYPE: Record<ColumnType, readonly FilterOp[]> = {
  number: COMPARE,
  integer: COMPARE,
  datetime: COMPARE,
  boolean: ["==", "!=", "isnull", "notnull"],
  category: TEXT,
  text: TEXT,
};

/** How the page shows each operator. */
export const OP_LABELS: Record<FilterOp, string> = {
  "==": "=",
  "!=": "≠",
  "<": "<",
  "<=": "≤",
  ">": ">",
  ">=": "≥",
  contains: "contains",
  isnull: "is missing",
  notnull: "is not missing",
};

export const takesValue = (op: FilterOp): boolean => op !== "isnull" && op !== "notnull";

/** A filter as a client sends it: `{column, op, value}`, the value a JSON number, boolean or string as its column's type wants. */
export interface RowFilter {
  column: string;
  op: FilterOp;
  value?: string | number | boolean;
}

/** A sort as a client asks for it. */
export interface RowSort {
  column: string;
  descending: boolean;
}

/** The query string of a page of rows: `offset`, `limit`, `sort` and `order`, `filter` as a JSON array. */
export function rowsSearchParams(q: { offset: number; limit: number; sort?: RowSort | null; filters?: readonly RowFilter[] }): string {
  const params = new URLSearchParams({ offset: String(q.offset), limit: String(q.limit) });
  if (q.sort) {
    params.set("sort", q.sort.column);
    params.set("order", q.sort.descending ? "desc" : "asc");
  }
  if (q.filters?.length) params.set("filter", JSON.stringify(q.filters));
  return params.toString();
}
