/**
 * Reading a version's rows: pages, sorts (missing values last) and filters on every column type,
 * checked against the same rows sorted and filtered here; every bad parameter a 422 naming it; and
 * a column's type override changing what the rows read and how they compare, until it is undone.
 */
import { expect, test, type APIRequestContext } from "@playwright/test";
import { type Dataset, expectJson, expectProblem, type Row, uniq, upload } from "./helpers";

interface Page {
  rows: Row[];
  total: number;
  offset: number;
  limit: number;
  matched?: number;
  rowNumbers: number[];
}

type Filter = { column: string; op: string; value?: unknown };

const ROWS = 25;
const COLORS = ["red", "Blue", "green", "reddish", ""];

/** Row i of the test data: a missing price every fifth row, a missing time every sixth, a missing flag every fourth, a missing color every fifth. */
function csvRow(i: number): string {
  const price = i % 5 === 3 ? "" : String(((i * 7) % 11) + 0.5);
  const when = i % 6 === 5 ? "" : `2024-01-${String((i % 28) + 1).padStart(2, "0")}T${String(i % 24).padStart(2, "0")}:00:00Z`;
  const ok = i % 4 === 2 ? "" : i % 3 === 0 ? "true" : "false";
  return `${i},${price},${when},${ok},${COLORS[i % 5]}`;
}
const CSV = ["id,price,when,ok,color", ...Array.from({ length: ROWS }, (_, i) => csvRow(i))].join("\n") + "\n";

/** The typed rows as the API must give them, for the oracle below. */
const TYPED: Row[] = Array.from({ length: ROWS }, (_, i) => {
  const [, price, when, ok, color] = csvRow(i).split(",");
  return {
    id: i,
    price: price === "" ? null : Number(price),
    when: when === "" ? null : new Date(when).toISOString(),
    ok: ok === "" ? null : ok === "true",
    color: color === "" ? null : color,
  };
});

/** A cell as a comparable value: datetimes as epoch ms, booleans as 1/0. */
const key = (column: string, v: unknown): number | string | null => {
  if (v === null || v === undefined) return null;
  if (column === "when") return typeof v === "number" ? v : Date.parse(String(v));
  if (typeof v === "boolean") return v ? 1 : 0;
  return v as number | string;
};

/** The oracle: what a filter keeps, written plainly over the typed rows. */
function holds(row: Row, f: Filter): boolean {
  const a = key(f.column, row[f.column]);
  const b = key(f.column, f.value);
  switch (f.op) {
    case "isnull":
      return a === null;
    case "notnull":
      return a !== null;
    case "!=":
      return a !== b;
    case "contains":
      return a !== null && String(a).toLowerCase().includes(String(b).toLowerCase());
  }
  if (a === null || b === null) return false;
  if (f.op === "==") return a === b;
  if (f.op === "<") return a < b;
  if (f.op === "<=") return a <= b;
  if (f.op === ">") return a > b;
  return a >= b;
}

/** The oracle's sort: by the column, missing values last either way, ties in file order. */
function sortedIds(rows: Row[], column: string, descending: boolean): number[] {
  return [...rows]
    .sort((x, y) => {
      const a = key(column, x[column]);
      const b = key(column, y[column]);
      if (a === null || b === null) return a === b ? Number(x.id) - Number(y.id) : a === null ? 1 : -1;
      if (a === b) return Number(x.id) - Number(y.id);
      return (a < b ? -1 : 1) * (descending ? -1 : 1);
    })
    .map((r) => Number(r.id));
}

let ds: Dataset;
test.beforeAll(async ({ request }) => {
  ds = await upload(request, uniq("rows"), CSV, "rows.csv");
  expect(ds.columns.map((c) => [c.name, c.type])).toEqual([
    ["id", "integer"],
    ["price", "number"],
    ["when", "datetime"],
    ["ok", "boolean"],
    ["color", "category"],
  ]);
});

function rowsUrl(id: string, params: Record<string, string | number | Filter[]>): string {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) search.set(k, typeof v === "object" ? JSON.stringify(v) : String(v));
  return `/api/datasets/${id}/rows?${search}`;
}

const page = async (request: APIRequestContext, params: Record<string, string | number | Filter[]>) =>
  expectJson<Page>(await request.get(rowsUrl(ds.id, params)), 200);

test.describe("rows: pages, sorts and filters", () => {
  test("pages walk the version in file order, each row with its number", async ({ request }) => {
    const pages = [
      await page(request, { offset: 0, limit: 10 }),
      await page(request, { offset: 10, limit: 10 }),
      await page(request, { offset: 20, limit: 10 }),
    ];
    expect(pages.map((p) => p.rows.length)).toEqual([10, 10, 5]);
    expect(pages.flatMap((p) => p.rows)).toEqual(TYPED);
    expect(pages.flatMap((p) => p.rowNumbers)).toEqual(TYPED.map((_, i) => i));
    for (const p of pages) {
      expect(p.total).toBe(ROWS);
      expect(p).not.toHaveProperty("matched");
    }
    expect(pages[1]).toMatchObject({ offset: 10, limit: 10 });
    const past = await page(request, { offset: 30, limit: 10 });
    expect(past).toMatchObject({ rows: [], rowNumbers: [], total: ROWS });
  });

  for (const column of ["price", "when", "ok", "color", "id"]) {
    for (const descending of [false, true]) {
      test(`sorts by ${column} ${descending ? "descending" : "ascending"}, missing values last, across pages`, async ({ request }) => {
        const order = descending ? "desc" : "asc";
        const ids: number[] = [];
        const numbers: number[] = [];
        for (let offset = 0; offset < ROWS; offset += 7) {
          const p = await page(request, { offset, limit: 7, sort: column, order });
          ids.push(...p.rows.map((r) => Number(r.id)));
          numbers.push(...p.rowNumbers);
        }
        expect(ids).toEqual(sortedIds(TYPED, column, descending));
        expect(numbers).toEqual(ids);
        const missing = TYPED.filter((r) => r[column] === null).length;
        if (missing) expect(ids.slice(-missing).every((id) => TYPED[id][column] === null)).toBe(true);
      });
    }
  }

  test("sorts ascending when order is left out", async ({ request }) => {
    expect((await page(request, { sort: "price", limit: 100 })).rows.map((r) => r.id)).toEqual(sortedIds(TYPED, "price", false));
  });

  const FILTERS: Filter[] = [
    ...["==", "!=", "<", "<=", ">", ">="].map((op) => ({ column: "price", op, value: 4.5 })),
    { column: "price", op: "isnull" },
    { column: "price", op: "notnull" },
    { column: "id", op: ">=", value: 20 },
    ...["==", "!=", "<", "<=", ">", ">="].map((op) => ({ column: "when", op, value: "2024-01-10T09:00:00Z" })),
    { column: "when", op: "<", value: "2024-01-05" },
    { column: "when", op: ">", value: Date.UTC(2024, 0, 20) },
    { column: "when", op: "==", value: "2024-01-03T04:00:00+02:00" },
    { column: "when", op: "isnull" },
    { column: "when", op: "notnull" },
    { column: "ok", op: "==", value: true },
    { column: "ok", op: "==", value: false },
    { column: "ok", op: "!=", value: true },
    { column: "ok", op: "isnull" },
    { column: "ok", op: "notnull" },
    { column: "color", op: "==", value: "red" },
    { column: "color", op: "!=", value: "red" },
    { column: "color", op: "<", value: "green" },
    { column: "color", op: ">=", value: "red" },
    { column: "color", op: "contains", value: "RED" },
    { column: "color", op: "isnull" },
    { column: "color", op: "notnull" },
  ];
  for (const f of FILTERS) {
    test(`filter ${f.column} ${f.op} ${f.value ?? ""}`, async ({ request }) => {
      const p = await page(request, { limit: 100, filter: [f] });
      const expected = TYPED.filter((r) => holds(r, f)).map((r) => r.id);
      expect(expected.length, "the data has rows on both sides of the filter").toBeGreaterThan(0);
      expect(expected.length).toBeLessThan(ROWS);
      expect(p.rows.map((r) => r.id)).toEqual(expected);
      expect(p.matched).toBe(expected.length);
      expect(p.total).toBe(ROWS);
    });
  }

  test("combined filters hold together, sorted and paged, with the matched count on every page", async ({ request }) => {
    const filters: Filter[] = [
      { column: "price", op: ">", value: 2 },
      { column: "color", op: "notnull" },
      { column: "when", op: ">=", value: "2024-01-03" },
    ];
    const expected = sortedIds(
      TYPED.filter((r) => filters.every((f) => holds(r, f))),
      "when",
      true,
    );
    expect(expected.length).toBeGreaterThan(6);
    const ids: number[] = [];
    for (let offset = 0; offset < expected.length + 3; offset += 3) {
      const p = await page(request, { offset, limit: 3, sort: "when", order: "desc", filter: filters });
      expect(p.matched).toBe(expected.length);
      ids.push(...p.rows.map((r) => Number(r.id)));
    }
    expect(ids).toEqual(expected);
  });

  test("a filter nothing passes: no rows, matched 0", async ({ request }) => {
    const p = await page(request, { filter: [{ column: "color", op: "==", value: "purple" }] });
    expect(p).toMatchObject({ rows: [], matched: 0, total: ROWS });
  });

  const BAD: { what: string; params: Record<string, string>; field: string }[] = [
    { what: "an unknown sort column", params: { sort: "Price" }, field: "sort" },
    { what: "an order other than asc or desc", params: { sort: "price", order: "down" }, field: "order" },
    { what: "an order without a sort", params: { order: "desc" }, field: "order" },
    { what: "a filter that is not JSON", params: { filter: "price > 2" }, field: "filter" },
    { what: "a filter that is not an array", params: { filter: '{"column":"price","op":">","value":2}' }, field: "filter" },
    { what: "too many filters", params: { filter: JSON.stringify(Array.from({ length: 9 }, () => ({ column: "id", op: "notnull" }))) }, field: "filter" },
    { what: "a filter that is no object", params: { filter: '["price"]' }, field: "filter.0" },
    { what: "an unknown filter column", params: { filter: '[{"column":"colour","op":"==","value":"red"}]' }, field: "filter.0.column" },
    { what: "a filter without a column", params: { filter: '[{"op":"==","value":"red"}]' }, field: "filter.0.column" },
    { what: "an unknown operator", params: { filter: '[{"column":"price","op":"=~","value":2}]' }, field: "filter.0.op" },
    { what: "an operator the column's type does not take", params: { filter: '[{"column":"ok","op":">","value":true}]' }, field: "filter.0.op" },
    { what: "contains on a number", params: { filter: '[{"column":"price","op":"contains","value":"2"}]' }, field: "filter.0.op" },
    { what: "text for a number", params: { filter: '[{"column":"price","op":">","value":"2"}]' }, field: "filter.0.value" },
    { what: "a number for a boolean", params: { filter: '[{"column":"ok","op":"==","value":1}]' }, field: "filter.0.value" },
    { what: "a number for text", params: { filter: '[{"column":"color","op":"==","value":1}]' }, field: "filter.0.value" },
    { what: "a time that is none", params: { filter: '[{"column":"when","op":">","value":"last week"}]' }, field: "filter.0.value" },
    { what: "a boolean for a time", params: { filter: '[{"column":"when","op":">","value":true}]' }, field: "filter.0.value" },
    { what: "null as a value", params: { filter: '[{"column":"price","op":"==","value":null}]' }, field: "filter.0.value" },
    { what: "no value for a comparison", params: { filter: '[{"column":"price","op":"<"}]' }, field: "filter.0.value" },
    { what: "a value for isnull", params: { filter: '[{"column":"price","op":"isnull","value":0}]' }, field: "filter.0.value" },
    { what: "an unknown key", params: { filter: '[{"column":"price","op":"isnull","where":1}]' }, field: "filter.0.where" },
    {
      what: "a bad second filter",
      params: { filter: '[{"column":"price","op":"notnull"},{"column":"nope","op":"isnull"}]' },
      field: "filter.1.column",
    },
    { what: "a negative offset", params: { offset: "-1" }, field: "offset" },
    { what: "a limit past 1000", params: { limit: "1001" }, field: "limit" },
  ];
  for (const b of BAD) {
    test(`${b.what} is a 422 naming ${b.field}`, async ({ request }) => {
      await expectProblem(await request.get(rowsUrl(ds.id, b.params)), 422, b.field);
    });
  }

  test("a parameter given twice is a 422 naming it", async ({ request }) => {
    await expectProblem(await request.get(`/api/datasets/${ds.id}/rows?sort=id&sort=price`), 422, "sort");
    const f = encodeURIComponent('[{"column":"id","op":"notnull"}]');
    await expectProblem(await request.get(`/api/datasets/${ds.id}/rows?filter=${f}&filter=${f}`), 422, "filter");
  });

  test("several mistakes are named in one answer", async ({ request }) => {
    const problem = await expectProblem(
      await request.get(rowsUrl(ds.id, { sort: "nope", filter: '[{"column":"price","op":">","value":"x"},{"column":"ok","op":"<","value":true}]' })),
      422,
    );
    expect(problem.errors?.map((e) => e.field)).toEqual(["sort", "filter.0.value", "filter.1.op"]);
  });

  test("an unknown version is a 404, whatever the query", async ({ request }) => {
    await expectProblem(await request.get(rowsUrl("ds_nope", { sort: "price" })), 404);
  });
});

test.describe("rows after a type override", () => {
  const setType = async (request: APIRequestContext, id: string, name: string, type: string) =>
    expectJson<Dataset>(await request.patch(`/api/datasets/${id}`, { data: { columns: [{ name, type }] } }), 200);

  test("an override reads the stored text as the new type, in rows, sorts and filters; undone, the original values come back", async ({ request }) => {
    const v = await upload(request, uniq("override rows"), "zip,price\n01010,1.50\n2000,2.25\nx9,3\n", "zips.csv");
    expect(v.columns.map((c) => c.type)).toEqual(["category", "number"]);
    const original = (await expectJson<Page>(await request.get(`/api/datasets/${v.id}/rows`), 200)).rows;
    expect(original).toEqual([
      { zip: "01010", price: 1.5 },
      { zip: "2000", price: 2.25 },
      { zip: "x9", price: 3 },
    ]);

    await setType(request, v.id, "zip", "integer");
    const asIntegers = await expectJson<Page>(await request.get(`/api/datasets/${v.id}/rows`), 200);
    expect(asIntegers.rows.map((r) => r.zip)).toEqual([1010, 2000, null]);
    const sorted = await expectJson<Page>(await request.get(rowsUrl(v.id, { sort: "zip", order: "desc" })), 200);
    expect(sorted.rows.map((r) => r.zip)).toEqual([2000, 1010, null]);
    const over = await expectJson<Page>(await request.get(rowsUrl(v.id, { filter: [{ column: "zip", op: ">", value: 1500 }] })), 200);
    expect(over).toMatchObject({ rows: [{ zip: 2000, price: 2.25 }], matched: 1 });
    // A value of the old type no longer fits the column.
    await expectProblem(await request.get(rowsUrl(v.id, { filter: [{ column: "zip", op: "==", value: "01010" }] })), 422, "filter.0.value");

    await setType(request, v.id, "price", "category");
    const asText = await expectJson<Page>(await request.get(rowsUrl(v.id, { filter: [{ column: "price", op: "contains", value: ".5" }] })), 200);
    expect(asText.rows).toEqual([{ zip: 1010, price: "1.50" }]);

    await setType(request, v.id, "zip", "category");
    await setType(request, v.id, "price", "number");
    expect((await expectJson<Page>(await request.get(`/api/datasets/${v.id}/rows`), 200)).rows).toEqual(original);
    const back = await expectJson<Page>(await request.get(rowsUrl(v.id, { filter: [{ column: "zip", op: "==", value: "01010" }] })), 200);
    expect(back).toMatchObject({ rows: [{ zip: "01010", price: 1.5 }], matched: 1 });
  });
});
