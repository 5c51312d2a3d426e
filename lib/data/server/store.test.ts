import { Readable } from "node:stream";
import { beforeAll, describe, expect, it } from "vitest";
import type { RowFilter } from "../row-query";
import { getRows, overrideColumnTypes } from "./datasets";
import { ingestDataset } from "./ingest";

const unique = (p: string) => `${p}-${Math.random().toString(36).slice(2, 8)}`;
const csvSource = (text: string) => ({
  sourceKind: "upload" as const,
  source: "t.csv",
  fileName: "t.csv",
  stream: Readable.from([Buffer.from(text)]),
  maxBytes: 1 << 20,
});

/** Twelve rows with missing values in every column but id; several ties in price. */
const CSV = [
  "id,price,when,ok,color",
  "0,3,2024-01-03,true,Red",
  "1,,2024-01-01,false,blue",
  "2,1.5,,true,",
  "3,3,2024-01-05T12:00:00Z,,green",
  "4,-2,2024-01-02,false,red",
  "5,10,2024-01-04,true,Blue",
  "6,,2024-01-06,false,redish",
  "7,3,2024-01-07,true,blue",
  "8,0,2024-01-08,false,",
  "9,7.25,2024-01-09,true,green",
  "10,1.5,2024-01-10,,red",
  "11,2,2024-01-11,false,blue",
].join("\n");

let id = "";
const ids = async (params: Parameters<typeof getRows>[3], offset = 0, limit = 100) => (await getRows(id, offset, limit, params)).rows.map((r) => r.id);
const where = (...filters: RowFilter[]) => ({ filter: JSON.stringify(filters) });

beforeAll(async () => {
  const v = await ingestDataset(unique("pages"), csvSource(CSV));
  expect(v.columns.map((c) => c.type)).toEqual(["integer", "number", "datetime", "boolean", "category"]);
  id = v.id;
});

describe("readPage through getRows", () => {
  it("pages in file order, with each row's number and no matched count without filters", async () => {
    const page = await getRows(id, 4, 3);
    expect(page.rows.map((r) => r.id)).toEqual([4, 5, 6]);
    expect(page.rowNumbers).toEqual([4, 5, 6]);
    expect(page).toMatchObject({ total: 12, offset: 4, limit: 3 });
    expect(page).not.toHaveProperty("matched");
    expect((await getRows(id, 12, 5)).rows).toEqual([]);
  });

  it("sorts with missing values last either way and ties in file order, page after page", async () => {
    expect(await ids({ sort: "price" })).toEqual([4, 8, 2, 10, 11, 0, 3, 7, 9, 5, 1, 6]);
    expect(await ids({ sort: "price", order: "desc" })).toEqual([5, 9, 0, 3, 7, 11, 2, 10, 8, 4, 1, 6]);
    // Pages of a sorted query put together are the whole sorted query.
    const pages = [];
    for (let offset = 0; offset < 12; offset += 5) pages.push(...(await ids({ sort: "price", order: "desc" }, offset, 5)));
    expect(pages).toEqual([5, 9, 0, 3, 7, 11, 2, 10, 8, 4, 1, 6]);
    const page = await getRows(id, 2, 3, { sort: "when", order: "desc" });
    expect(page.rows.map((r) => r.when)).toEqual(["2024-01-09T00:00:00.000Z", "2024-01-08T00:00:00.000Z", "2024-01-07T00:00:00.000Z"]);
    expect(page.rowNumbers).toEqual([9, 8, 7]);
    expect(await ids({ sort: "ok" })).toEqual([1, 4, 6, 8, 11, 0, 2, 5, 7, 9, 3, 10]);
  });

  it("compares numbers, with != keeping missing values", async () => {
    expect(await ids(where({ column: "price", op: "==", value: 3 }))).toEqual([0, 3, 7]);
    expect(await ids(where({ column: "price", op: "!=", value: 3 }))).toEqual([1, 2, 4, 5, 6, 8, 9, 10, 11]);
    expect(await ids(where({ column: "price", op: "<", value: 1.5 }))).toEqual([4, 8]);
    expect(await ids(where({ column: "price", op: "<=", value: 1.5 }))).toEqual([2, 4, 8, 10]);
    expect(await ids(where({ column: "price", op: ">", value: 3 }))).toEqual([5, 9]);
    expect(await ids(where({ column: "price", op: ">=", value: 3 }))).toEqual([0, 3, 5, 7, 9]);
    expect(await ids(where({ column: "price", op: "isnull" }))).toEqual([1, 6]);
    expect(await ids(where({ column: "price", op: "notnull" }))).toHaveLength(10);
    expect(await ids(where({ column: "id", op: ">", value: 1e15 }))).toEqual([]);
  });

  it("compares datetimes by the moment, given as text or epoch milliseconds", async () => {
    expect(await ids(where({ column: "when", op: "<", value: "2024-01-03" }))).toEqual([1, 4]);
    expect(await ids(where({ column: "when", op: "==", value: "2024-01-05T13:00:00+01:00" }))).toEqual([3]);
    expect(await ids(where({ column: "when", op: ">=", value: Date.UTC(2024, 0, 10) }))).toEqual([10, 11]);
    expect(await ids(where({ column: "when", op: "isnull" }))).toEqual([2]);
  });

  it("compares booleans and text; contains ignores case", async () => {
    expect(await ids(where({ column: "ok", op: "==", value: true }))).toEqual([0, 2, 5, 7, 9]);
    expect(await ids(where({ column: "ok", op: "!=", value: true }))).toEqual([1, 3, 4, 6, 8, 10, 11]);
    expect(await ids(where({ column: "color", op: "==", value: "red" }))).toEqual([4, 10]);
    expect(await ids(where({ column: "color", op: "contains", value: "RED" }))).toEqual([0, 4, 6, 10]);
    expect(await ids(where({ column: "color", op: "<", value: "blue" }))).toEqual([0, 5]);
    expect(await ids(where({ column: "color", op: "isnull" }))).toEqual([2, 8]);
  });

  it("combines filters, sorts what passes, pages it and counts it", async () => {
    const params = { sort: "price", order: "desc", ...where({ column: "ok", op: "notnull" }, { column: "price", op: ">", value: 0 }) };
    const first = await getRows(id, 0, 2, params);
    expect(first.rows.map((r) => r.id)).toEqual([5, 9]);
    expect(first.matched).toBe(6);
    expect(first.total).toBe(12);
    expect(await ids(params, 2, 10)).toEqual([0, 7, 11, 2]);
    const past = await getRows(id, 50, 10, params);
    expect(past.rows).toEqual([]);
    expect(past.matched).toBe(6);
  });

  it("filters and sorts by the type in force, and by the inferred one again after undoing it", async () => {
    overrideColumnTypes(id, { columns: [{ name: "price", type: "category" }] });
    try {
      // As text, "10" sorts before "2".
      expect(await ids({ sort: "price", ...where({ column: "price", op: "contains", value: "1" }) })).toEqual([2, 10, 5]);
      const page = await getRows(id, 0, 1, where({ column: "price", op: "==", value: "7.25" }));
      expect(page.rows).toEqual([{ id: 9, price: "7.25", when: "2024-01-09T00:00:00.000Z", ok: true, color: "green" }]);
    } finally {
      overrideColumnTypes(id, { columns: [{ name: "price", type: "number" }] });
    }
    expect((await getRows(id, 9, 1)).rows[0].price).toBe(7.25);
  });
});
