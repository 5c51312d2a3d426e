import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/shared/errors";
import { rowsSearchParams } from "../row-query";
import type { ColumnInfo, ColumnType } from "../types";
import { checkRowsQuery, readRowsQueryParams } from "./rows-query";

const column = (name: string, type: ColumnType): ColumnInfo => ({ name, type, inferredType: type, nullCount: 0 });
const COLUMNS = [column("price", "number"), column("n", "integer"), column("when", "datetime"), column("ok", "boolean"), column("Color", "category")];

/** The field errors of a refused query. */
function refusal(params: Parameters<typeof checkRowsQuery>[0]): { field: string; message: string }[] {
  try {
    checkRowsQuery(params, COLUMNS);
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    expect((e as AppError).code).toBe("VALIDATION");
    return (e as AppError).errors;
  }
  throw new Error("the query was accepted");
}

const filter = (...f: unknown[]) => ({ filter: JSON.stringify(f) });

describe("checkRowsQuery", () => {
  it("turns names into positions and values into the SQL form of their column", () => {
    const q = checkRowsQuery(
      {
        sort: "when",
        order: "desc",
        ...filter(
          { column: "price", op: ">", value: 2.5 },
          { column: "when", op: "<", value: "2024-01-02T00:00:00Z" },
          { column: "when", op: ">=", value: 0 },
          { column: "ok", op: "==", value: true },
          { column: "ok", op: "!=", value: false },
          { column: "Color", op: "contains", value: "re" },
          { column: "n", op: "isnull" },
        ),
      },
      COLUMNS,
    );
    expect(q.sort).toEqual({ column: 2, descending: true });
    expect(q.filters).toEqual([
      { column: 0, op: ">", value: 2.5 },
      { column: 2, op: "<", value: Date.UTC(2024, 0, 2) },
      { column: 2, op: ">=", value: 0 },
      { column: 3, op: "==", value: 1 },
      { column: 3, op: "!=", value: 0 },
      { column: 4, op: "contains", value: "re" },
      { column: 1, op: "isnull", value: null },
    ]);
  });

  it("sorts ascending unless told otherwise, and takes no sort or filter at all", () => {
    expect(checkRowsQuery({ sort: "price" }, COLUMNS).sort).toEqual({ column: 0, descending: false });
    expect(checkRowsQuery({}, COLUMNS)).toEqual({ sort: undefined, filters: [] });
  });

  it("names an unknown sort column, a bad order and an order without a sort", () => {
    expect(refusal({ sort: "color" })).toEqual([{ field: "sort", message: 'unknown column "color"' }]);
    expect(refusal({ sort: "price", order: "up" }).map((e) => e.field)).toEqual(["order"]);
    expect(refusal({ order: "desc" }).map((e) => e.field)).toEqual(["order"]);
  });

  it("names the filter parameter when it is not JSON, not an array, or has too many filters", () => {
    expect(refusal({ filter: "[{" }).map((e) => e.field)).toEqual(["filter"]);
    expect(refusal({ filter: '{"column":"price"}' }).map((e) => e.field)).toEqual(["filter"]);
    const many = Array.from({ length: 9 }, () => ({ column: "n", op: "notnull" }));
    expect(refusal(filter(...many))).toEqual([{ field: "filter", message: "at most 8 filters" }]);
  });

  /** One mistake per filter, each found only against the columns. */
  const MISTAKES = [
    { column: "missing", op: "==", value: 1 },
    { column: "ok", op: "<", value: true },
    { column: "price", op: ">", value: "2" },
    { column: "when", op: ">", value: "yesterday" },
    { column: "ok", op: "==", value: "true" },
    { column: "Color", op: "==", value: 3 },
    { column: "n", op: "isnull", value: 1 },
    { column: "n", op: "==" },
  ];

  it("names each bad filter's field, all in one answer", () => {
    const semantic = refusal(filter(...MISTAKES));
    expect(semantic.map((e) => e.field)).toEqual([
      "filter.0.column",
      "filter.1.op",
      "filter.2.value",
      "filter.3.value",
      "filter.4.value",
      "filter.5.value",
      "filter.6.value",
      "filter.7.value",
    ]);
    expect(semantic[1].message).toContain("boolean");
  });

  it("names a filter of the wrong shape before checking any against the columns, beside a bad sort", () => {
    const errors = refusal({ sort: "nope", ...filter(MISTAKES[0], { column: "price", op: "~", value: 1 }) });
    expect(errors.map((e) => e.field)).toEqual(["sort", "filter.1.op"]);
  });

  it("names an unknown key of a filter and a value that is no scalar", () => {
    expect(refusal(filter({ column: "n", op: "==", value: 1, and: 2 })).map((e) => e.field)).toEqual(["filter.0.and"]);
    expect(refusal(filter({ column: "n", op: "==", value: null })).map((e) => e.field)).toEqual(["filter.0.value"]);
    expect(refusal(filter({ column: "n", op: "==", value: [1] })).map((e) => e.field)).toEqual(["filter.0.value"]);
    expect(refusal(filter("n > 1")).map((e) => e.field)).toEqual(["filter.0"]);
  });

  it("matches column names exactly: case and spaces count", () => {
    expect(refusal(filter({ column: "color", op: "==", value: "red" })).map((e) => e.field)).toEqual(["filter.0.column"]);
    expect(checkRowsQuery(filter({ column: "Color", op: "==", value: "red" }), COLUMNS).filters).toHaveLength(1);
  });
});

describe("readRowsQueryParams", () => {
  it("reads sort, order and filter, an empty one as absent", () => {
    expect(readRowsQueryParams(new URLSearchParams("sort=a%20b&order=desc&filter=%5B%5D&offset=3"))).toEqual({ sort: "a b", order: "desc", filter: "[]" });
    expect(readRowsQueryParams(new URLSearchParams("sort=&filter="))).toEqual({});
  });

  it("refuses a parameter given twice, naming it", () => {
    const err = (() => {
      try {
        readRowsQueryParams(new URLSearchParams("filter=[]&filter=[]&sort=a"));
      } catch (e) {
        return e as AppError;
      }
    })();
    expect(err?.errors.map((e) => e.field)).toEqual(["filter"]);
  });

  it("reads back what the browser's query string says", () => {
    const search = rowsSearchParams({
      offset: 20,
      limit: 10,
      sort: { column: "Price (€)", descending: true },
      filters: [{ column: "a&b=c", op: "contains", value: "x y" }],
    });
    const params = new URLSearchParams(search);
    expect(params.get("offset")).toBe("20");
    expect(params.get("limit")).toBe("10");
    expect(readRowsQueryParams(params)).toEqual({
      sort: "Price (€)",
      order: "desc",
      filter: JSON.stringify([{ column: "a&b=c", op: "contains", value: "x y" }]),
    });
  });
});
