import http from "node:http";
import { expect, test, type APIRequestContext } from "@playwright/test";
import {
  columnTypes,
  expectJson,
  expectProblem,
  getRows,
  nullCounts,
  multipartBody,
  postFile,
  raw,
  sendChunked,
  sha256,
  uniq,
  upload,
  versionsOf,
  type Dataset,
} from "./helpers";

const LONG = "is a long free-text remark written by a person and well over sixty characters";

/** Headers with spaces, brackets and non-ASCII; one column of each type, with missing values. */
const SHOP_CSV =
  [
    "id,Price (€),größe,a b,active,color,when,note",
    `1,1.5,10,x,true,red,2024-01-01,"Note one, with a comma, ${LONG}"`,
    `2,2.25,,y,false,blue,2024-01-02T10:30:00Z,Note two ${LONG}`,
    "3,,30,x,yes,red,2024-01-03,",
    `4,4,40,z,no,green,,Note four ${LONG}`,
    `5,5.5,NA,y,TRUE,,2024-01-05 08:00,Note five ${LONG}`,
  ].join("\n") + "\n";

const SHOP_COLUMNS = ["id", "Price (€)", "größe", "a b", "active", "color", "when", "note"];
const SHOP_TYPES = {
  id: "integer",
  "Price (€)": "number",
  größe: "integer",
  "a b": "category",
  active: "boolean",
  color: "category",
  when: "datetime",
  note: "text",
};
const SHOP_NULLS = { id: 0, "Price (€)": 1, größe: 2, "a b": 0, active: 0, color: 1, when: 1, note: 1 };
const SHOP_ROWS = [
  { id: 1, "Price (€)": 1.5, größe: 10, "a b": "x", active: true, color: "red", when: "2024-01-01T00:00:00.000Z", note: `Note one, with a comma, ${LONG}` },
  { id: 2, "Price (€)": 2.25, größe: null, "a b": "y", active: false, color: "blue", when: "2024-01-02T10:30:00.000Z", note: `Note two ${LONG}` },
  { id: 3, "Price (€)": null, größe: 30, "a b": "x", active: true, color: "red", when: "2024-01-03T00:00:00.000Z", note: null },
  { id: 4, "Price (€)": 4, größe: 40, "a b": "z", active: false, color: "green", when: null, note: `Note four ${LONG}` },
  { id: 5, "Price (€)": 5.5, größe: null, "a b": "y", active: true, color: null, when: "2024-01-05T08:00:00.000Z", note: `Note five ${LONG}` },
];

/** A CSV whose bytes (and so whose content hash) no other test produces. */
const uniqueCsv = () => `token,n\n${uniq("t").replace(" ", "-")},1\nsecond,2\n`;

async function allVersions(request: APIRequestContext): Promise<Dataset[]> {
  return (await expectJson<{ items: Dataset[] }>(await request.get("/api/datasets"), 200)).items;
}

/** Proves a refused upload stored nothing: the named dataset still has `versions`, and no version has the content's hash. */
async function expectNothingCreated(request: APIRequestContext, name: string, versions: number, content?: Buffer | string) {
  expect(await versionsOf(request, name)).toHaveLength(versions);
  if (content !== undefined) {
    const hash = sha256(content);
    expect((await allVersions(request)).filter((d) => d.contentHash === hash)).toEqual([]);
  }
}

test.describe("uploads", () => {
  test("multipart CSV: exact column names, inferred types, null counts, typed rows", async ({ request }) => {
    const name = uniq("Shop data");
    const res = await postFile(request, name, SHOP_CSV, "shop.csv", "text/csv");
    const ds = await expectJson<Dataset>(res, 201);
    expect(ds.id).toMatch(/^ds_[0-9a-z]+$/);
    expect(ds).toMatchObject({ name, version: 1, rowCount: 5 });
    expect(ds.columns.map((c) => c.name)).toEqual(SHOP_COLUMNS);
    expect(columnTypes(ds.columns)).toEqual(SHOP_TYPES);
    expect(nullCounts(ds.columns)).toEqual(SHOP_NULLS);
    for (const c of ds.columns) expect(Object.keys(c)).toEqual(expect.arrayContaining(["name", "type", "nullCount"]));

    const page = await getRows(request, ds.id, 0, 100);
    expect(page.total).toBe(5);
    expect(page.rows).toEqual(SHOP_ROWS);
    // Keys come back exactly as written in the header, in order.
    expect(Object.keys(page.rows[0])).toEqual(SHOP_COLUMNS);
  });

  test("GET one: content hash, size, source and format; the list contains it", async ({ request }) => {
    const name = uniq("Shop data");
    const bytes = Buffer.from(SHOP_CSV, "utf8");
    const created = await upload(request, name, bytes, "shop.csv");
    const one = await expectJson<Dataset & { versions: { id: string; version: number }[] }>(await request.get(`/api/datasets/${created.id}`), 200);
    expect(one).toMatchObject({
      id: created.id,
      name,
      version: 1,
      rowCount: 5,
      sourceKind: "upload",
      source: "shop.csv",
      format: "csv",
      sizeBytes: bytes.length,
      contentHash: sha256(bytes),
    });
    expect(one.contentHash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(new Date(one.createdAt).toISOString()).toBe(one.createdAt);
    expect(one.columns).toEqual(created.columns);
    expect(one.versions.map((v) => [v.id, v.version])).toEqual([[created.id, 1]]);

    const listed = (await allVersions(request)).find((d) => d.id === created.id);
    expect(listed).toMatchObject({ id: created.id, name, version: 1, contentHash: sha256(bytes) });
    expect(await versionsOf(request, name)).toHaveLength(1);
  });

  test("a UTF-8 BOM and CRLF line endings do not leak into names or values", async ({ request }) => {
    const csv = "\uFEFFcity,temp\r\nBerlin,12.5\r\nParis,15\r\n";
    const ds = await upload(request, uniq("bom"), csv, "bom.csv");
    expect(ds.columns.map((c) => c.name)).toEqual(["city", "temp"]);
    expect((await getRows(request, ds.id)).rows).toEqual([
      { city: "Berlin", temp: 12.5 },
      { city: "Paris", temp: 15 },
    ]);
  });

  test("TSV upload", async ({ request }) => {
    const tsv = "city\ttemp (°C)\tsunny\nBerlin\t12.5\tyes\nParis\t15\tno\nRome\t\tyes\n";
    const ds = await upload(request, uniq("weather"), tsv, "weather.tsv", "text/tab-separated-values");
    expect(ds).toMatchObject({ version: 1, rowCount: 3, format: "tsv" });
    expect(columnTypes(ds.columns)).toEqual({ city: "category", "temp (°C)": "number", sunny: "boolean" });
    expect(nullCounts(ds.columns)).toEqual({ city: 0, "temp (°C)": 1, sunny: 0 });
    expect((await getRows(request, ds.id)).rows).toEqual([
      { city: "Berlin", "temp (°C)": 12.5, sunny: true },
      { city: "Paris", "temp (°C)": 15, sunny: false },
      { city: "Rome", "temp (°C)": null, sunny: true },
    ]);
  });

  const ORDERS = [
    { sku: "A1", qty: 3, price: 9.99, gift: false, sold: "2024-03-01" },
    { sku: "B2", qty: null, price: 5, gift: true, sold: "2024-03-02T12:00:00Z" },
    { sku: "A1", qty: 7, price: 12.5, gift: false },
  ];
  const ORDER_ROWS = [
    { sku: "A1", qty: 3, price: 9.99, gift: false, sold: "2024-03-01T00:00:00.000Z" },
    { sku: "B2", qty: null, price: 5, gift: true, sold: "2024-03-02T12:00:00.000Z" },
    { sku: "A1", qty: 7, price: 12.5, gift: false, sold: null },
  ];
  const ORDER_TYPES = { sku: "category", qty: "integer", price: "number", gift: "boolean", sold: "datetime" };
  const ORDER_NULLS = { sku: 0, qty: 1, price: 0, gift: 0, sold: 1 };

  test("JSON array upload", async ({ request }) => {
    const ds = await upload(request, uniq("orders"), JSON.stringify(ORDERS, null, 2), "orders.json", "application/json");
    expect(ds).toMatchObject({ version: 1, rowCount: 3, format: "json" });
    expect(columnTypes(ds.columns)).toEqual(ORDER_TYPES);
    expect(nullCounts(ds.columns)).toEqual(ORDER_NULLS);
    expect((await getRows(request, ds.id)).rows).toEqual(ORDER_ROWS);
  });

  test("JSON Lines upload", async ({ request }) => {
    const jsonl = ORDERS.map((o) => JSON.stringify(o)).join("\n") + "\n";
    const ds = await upload(request, uniq("orders"), jsonl, "orders.jsonl", "application/x-ndjson");
    expect(ds).toMatchObject({ version: 1, rowCount: 3, format: "jsonl" });
    expect(columnTypes(ds.columns)).toEqual(ORDER_TYPES);
    expect(nullCounts(ds.columns)).toEqual(ORDER_NULLS);
    expect((await getRows(request, ds.id)).rows).toEqual(ORDER_ROWS);
  });

  test("the same name again makes version 2; version 1 stays as it was", async ({ request }) => {
    const name = uniq("Versioned");
    const v1Bytes = "a,b\n1,x\n2,y\n";
    const v2Bytes = "a,b\n1,x\n2,y\n3,z\n";
    const v1 = await upload(request, name, v1Bytes);
    const v1Read = await expectJson<Dataset>(await request.get(`/api/datasets/${v1.id}`), 200);
    const v2 = await upload(request, name, v2Bytes);
    expect(v2.id).not.toBe(v1.id);
    expect(v2).toMatchObject({ name, version: 2, rowCount: 3 });

    const v1After = await expectJson<Dataset & { versions: unknown[] }>(await request.get(`/api/datasets/${v1.id}`), 200);
    // Only the sibling list grows; every field of version 1 itself is as it was.
    expect({ ...v1After, versions: undefined }).toEqual({ ...v1Read, versions: undefined });
    expect(v1After).toMatchObject({ version: 1, rowCount: 2, contentHash: sha256(v1Bytes) });
    expect((await getRows(request, v1.id)).rows).toEqual([
      { a: 1, b: "x" },
      { a: 2, b: "y" },
    ]);
    // Each version lists its siblings, newest first.
    expect(v1After.versions).toEqual([
      expect.objectContaining({ id: v2.id, version: 2, rowCount: 3 }),
      expect.objectContaining({ id: v1.id, version: 1, rowCount: 2 }),
    ]);
    const listed = await versionsOf(request, name);
    expect(listed.map((d) => d.version).sort()).toEqual([1, 2]);
  });

  test("raw text/csv body with ?name=", async ({ request }) => {
    const name = uniq("Raw body €");
    const csv = "x,y\n1,2\n3,4\n";
    const res = await request.post(`/api/datasets?name=${encodeURIComponent(name)}`, {
      headers: { "content-type": "text/csv" },
      data: csv,
    });
    const ds = await expectJson<Dataset>(res, 201);
    expect(ds).toMatchObject({ name, version: 1, rowCount: 2, format: "csv", sourceKind: "upload", contentHash: sha256(csv) });
    expect(columnTypes(ds.columns)).toEqual({ x: "integer", y: "integer" });
    expect((await getRows(request, ds.id)).rows).toEqual([
      { x: 1, y: 2 },
      { x: 3, y: 4 },
    ]);
  });

  test("raw JSON array and JSON Lines bodies with ?name=", async ({ request }) => {
    const jsonName = uniq("Raw JSON");
    const json = await request.post(`/api/datasets?name=${encodeURIComponent(jsonName)}`, {
      headers: { "content-type": "application/json" },
      data: raw(JSON.stringify(ORDERS)),
    });
    const a = await expectJson<Dataset>(json, 201);
    expect(a).toMatchObject({ name: jsonName, format: "json", rowCount: 3 });
    expect((await getRows(request, a.id)).rows).toEqual(ORDER_ROWS);

    const ndName = uniq("Raw NDJSON");
    const nd = await request.post(`/api/datasets?name=${encodeURIComponent(ndName)}`, {
      headers: { "content-type": "application/x-ndjson" },
      data: raw(ORDERS.map((o) => JSON.stringify(o)).join("\n")),
    });
    const b = await expectJson<Dataset>(nd, 201);
    expect(b).toMatchObject({ name: ndName, format: "jsonl", rowCount: 3 });
    expect((await getRows(request, b.id)).rows).toEqual(ORDER_ROWS);
  });

  test("a multipart upload as browsers send it (mixed-case boundary, file part first)", async ({ request }) => {
    // Playwright's own multipart encoding, like Chromium's FormData: boundary "----WebKitFormBoundary…".
    const name = uniq("Browser upload");
    const res = await request.post("/api/datasets", {
      multipart: { file: { name: "browser.csv", mimeType: "text/csv", buffer: Buffer.from("a,b\n1,x\n2,y\n") }, name },
    });
    const ds = await expectJson<Dataset>(res, 201);
    expect(ds).toMatchObject({ name, version: 1, rowCount: 2, source: "browser.csv" });
  });

  test("a multipart upload without a name is named after its file", async ({ request }) => {
    const base = uniq("Quarterly report");
    const ds = await expectJson<Dataset>(await postFile(request, undefined, "q,v\n1,2\n", `${base}.csv`), 201);
    expect(ds.name).toBe(base);
    expect(ds.version).toBe(1);
  });
});

test.describe("names, versions and deletion", () => {
  test("a UTF-8 file name (as browsers send it) names the dataset and its source exactly", async ({ request }) => {
    const base = uniq("Umsätze Größe €");
    const ds = await expectJson<Dataset>(await postFile(request, undefined, "q,v\n1,2\n", `${base}.csv`), 201);
    expect(ds.source).toBe(`${base}.csv`);
    expect(ds.name).toBe(base);
  });

  test("a UTF-8 name field is kept exactly", async ({ request }) => {
    const name = uniq("Verkäufe (Größe) 東京 €");
    const ds = await upload(request, name, "q,v\n1,2\n");
    expect(ds.name).toBe(name);
    expect(await versionsOf(request, name)).toHaveLength(1);
  });

  test("concurrent uploads under one name get distinct, consecutive versions", async ({ request }) => {
    const name = uniq("Concurrent");
    const results = await Promise.all([1, 2, 3, 4].map((i) => postFile(request, name, `a,b\n${i},x\n`)));
    const created = await Promise.all(results.map((r) => expectJson<Dataset>(r, 201)));
    expect(created.map((d) => d.version).sort()).toEqual([1, 2, 3, 4]);
    expect((await versionsOf(request, name)).map((d) => d.version).sort()).toEqual([1, 2, 3, 4]);
  });

  test("DELETE removes an unused version (204, then 404); a version a project uses → 409 and stays", async ({ request }) => {
    const name = uniq("Deletable");
    const v1 = await upload(request, name, "a,b\n1,2\n");
    const v2 = await upload(request, name, "a,b\n1,2\n3,4\n");
    const del = await request.delete(`/api/datasets/${v1.id}`);
    expect(del.status()).toBe(204);
    await expectProblem(await request.get(`/api/datasets/${v1.id}`), 404);
    await expectProblem(await request.get(`/api/datasets/${v1.id}/rows`), 404);
    await expectProblem(await request.delete(`/api/datasets/${v1.id}`), 404);
    expect((await versionsOf(request, name)).map((d) => d.id)).toEqual([v2.id]);

    const project = await expectJson<{ id: string }>(
      await request.post("/api/projects", { data: { name: uniq("Uses v2"), task: "regression", datasetId: v2.id } }),
      201,
    );
    await expectProblem(await request.delete(`/api/datasets/${v2.id}`), 409, "id");
    expect((await getRows(request, v2.id)).total).toBe(2);
    expect((await expectJson<{ datasetId: string }>(await request.get(`/api/projects/${project.id}`), 200)).datasetId).toBe(v2.id);
  });
});

test.describe("rows paging", () => {
  test("offset and limit page through typed rows", async ({ request }) => {
    const ds = await upload(request, uniq("Shop data"), SHOP_CSV, "shop.csv");
    const res = await request.get(`/api/datasets/${ds.id}/rows?offset=1&limit=2`);
    const page = await expectJson<{ rows: Record<string, unknown>[]; total: number }>(res, 200);
    expect(page.total).toBe(5);
    expect(page.rows).toEqual(SHOP_ROWS.slice(1, 3));
    expect(typeof page.rows[0]["Price (€)"]).toBe("number");
    expect(typeof page.rows[0].id).toBe("number");
    expect(typeof page.rows[0].active).toBe("boolean");

    const tail = await getRows(request, ds.id, 4, 10);
    expect(tail).toMatchObject({ total: 5, rows: SHOP_ROWS.slice(4) });
    const beyond = await getRows(request, ds.id, 50, 10);
    expect(beyond).toMatchObject({ total: 5, rows: [] });
    // Without parameters: from the start, a default page.
    const first = await expectJson<{ rows: unknown[]; total: number }>(await request.get(`/api/datasets/${ds.id}/rows`), 200);
    expect(first.rows).toEqual(SHOP_ROWS);
  });

  test("bad paging parameters → 422 naming offset or limit", async ({ request }) => {
    const ds = await upload(request, uniq("Paging"), "a\n1\n2\n");
    const bad: [string, string][] = [
      ["offset=-1", "offset"],
      ["offset=abc", "offset"],
      ["offset=1.5", "offset"],
      ["limit=0", "limit"],
      ["limit=-5", "limit"],
      ["limit=ten", "limit"],
      ["limit=1001", "limit"],
    ];
    for (const [query, field] of bad) {
      await expectProblem(await request.get(`/api/datasets/${ds.id}/rows?${query}`), 422, field);
    }
  });

  test("unknown dataset → 404 for GET, rows and profile", async ({ request }) => {
    const id = "ds_doesnotexist0000";
    const one = await expectProblem(await request.get(`/api/datasets/${id}`), 404);
    expect(one.detail).toContain(id);
    await expectProblem(await request.get(`/api/datasets/${id}/rows`), 404);
    await expectProblem(await request.patch(`/api/datasets/${id}`, { data: { columns: [{ name: "a", type: "text" }] } }), 404);
  });
});

test.describe("type overrides", () => {
  test("integer → category turns values into strings; back to integer restores numbers", async ({ request }) => {
    const ds = await upload(request, uniq("Shop data"), SHOP_CSV, "shop.csv");
    const res = await request.patch(`/api/datasets/${ds.id}`, { data: { columns: [{ name: "größe", type: "category" }] } });
    const patched = await expectJson<Dataset>(res, 200);
    const col = patched.columns.find((c) => c.name === "größe");
    expect(col).toMatchObject({ name: "größe", type: "category", inferredType: "integer", nullCount: 2 });
    // Other columns keep their types.
    expect(columnTypes(patched.columns)).toEqual({ ...SHOP_TYPES, größe: "category" });
    expect((await expectJson<Dataset>(await request.get(`/api/datasets/${ds.id}`), 200)).columns).toEqual(patched.columns);
    const rows = (await getRows(request, ds.id)).rows;
    expect(rows.map((r) => r.größe)).toEqual(["10", null, "30", "40", null]);
    expect(rows.map((r) => r.id)).toEqual([1, 2, 3, 4, 5]);

    await expectJson(await request.patch(`/api/datasets/${ds.id}`, { data: { columns: [{ name: "größe", type: "integer" }] } }), 200);
    expect((await getRows(request, ds.id)).rows).toEqual(SHOP_ROWS);
  });

  test("an unknown column or type in the override → 422, nothing changes", async ({ request }) => {
    const ds = await upload(request, uniq("Shop data"), SHOP_CSV, "shop.csv");
    const before = await expectJson<Dataset>(await request.get(`/api/datasets/${ds.id}`), 200);
    const url = `/api/datasets/${ds.id}`;
    // The valid first entry must not be applied when the second one is refused.
    await expectProblem(
      await request.patch(url, {
        data: {
          columns: [
            { name: "id", type: "text" },
            { name: "Preis", type: "number" },
          ],
        },
      }),
      422,
      "columns.1.name",
    );
    await expectProblem(await request.patch(url, { data: { columns: [{ name: "id", type: "float" }] } }), 422, "columns.0.type");
    await expectProblem(await request.patch(url, { data: { columns: [] } }), 422, "columns");
    await expectProblem(await request.patch(url, { headers: { "content-type": "application/json" }, data: raw("{") }), 400, "body");
    expect(await expectJson<Dataset>(await request.get(url), 200)).toEqual(before);
    expect((await getRows(request, ds.id)).rows).toEqual(SHOP_ROWS);
  });
});

test.describe("refused uploads: a problem naming the field, nothing created", () => {
  /** Uploads a good version 1 under `name` first, so a stray version 2 would show. */
  async function withVersion1(request: APIRequestContext, name: string) {
    await upload(request, name, uniqueCsv());
    expect(await versionsOf(request, name)).toHaveLength(1);
  }

  const cases: { what: string; content: () => Buffer; fileName?: string; mimeType?: string; status: number; field: string; detail?: RegExp }[] = [
    { what: "empty file", content: () => Buffer.alloc(0), status: 422, field: "file" },
    { what: "header only", content: () => Buffer.from(`only,a,header ${uniq("h")}\n`), status: 422, field: "file" },
    {
      what: "binary bytes with NULs posing as CSV",
      content: () => Buffer.concat([Buffer.from(`a,b\n${uniq("x")},`), Buffer.from([0, 1, 2, 3, 0, 0, 255, 0]), Buffer.from("\n")]),
      status: 415,
      field: "file",
    },
    {
      what: "a PNG posing as CSV",
      content: () =>
        Buffer.concat([
          Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52]),
          Buffer.from(uniq("png")),
        ]),
      fileName: "photo.csv",
      status: 415,
      field: "file",
    },
    {
      what: "a file declared as image/png",
      content: () => Buffer.from(`a,b\n1,${uniq("x")}\n`),
      fileName: "photo.png",
      mimeType: "image/png",
      status: 415,
      field: "file",
    },
    {
      what: "ragged rows",
      content: () => Buffer.from(`a,b,c\n1,2,3\n4,5\n6,7,${uniq("z")}\n`),
      status: 422,
      field: "file",
      detail: /line 3\b/,
    },
    { what: "duplicate column names", content: () => Buffer.from(`a,b,a\n1,2,${uniq("d")}\n`), status: 422, field: "columns" },
    { what: "an empty column name", content: () => Buffer.from(`a,,c\n1,2,${uniq("e")}\n`), status: 422, field: "columns" },
    {
      what: "a JSON file that is not an array of objects",
      content: () => Buffer.from(`[1, 2, "${uniq("j")}"]`),
      fileName: "x.json",
      mimeType: "application/json",
      status: 422,
      field: "file",
    },
    {
      what: "a JSON Lines file with a broken line",
      content: () => Buffer.from(`{"a":1}\n{"a":\n`),
      fileName: "x.jsonl",
      mimeType: "application/x-ndjson",
      status: 422,
      field: "file",
      detail: /line 2\b/,
    },
  ];

  for (const c of cases) {
    test(`${c.what} → ${c.status} naming ${c.field}`, async ({ request }) => {
      const name = uniq(`Refused ${c.what}`);
      await withVersion1(request, name);
      const content = c.content();
      const res = await postFile(request, name, content, c.fileName ?? "data.csv", c.mimeType ?? "text/csv");
      const problem = await expectProblem(res, c.status, c.field);
      if (c.detail) expect(problem.detail).toMatch(c.detail);
      await expectNothingCreated(request, name, 1, content);
    });
  }

  test("a file over the 8 MiB limit → 413 naming file", async ({ request }) => {
    const name = uniq("Too big");
    await withVersion1(request, name);
    const row = "1234567890,abcdefghij,0.123456789,some filler text to make rows longer\n";
    const big = Buffer.from("a,b,c,d\n" + row.repeat(Math.ceil((9 * 1024 * 1024) / row.length)));
    expect(big.length).toBeGreaterThan(9 * 1024 * 1024);
    await expectProblem(await postFile(request, name, big), 413, "file");
    await expectNothingCreated(request, name, 1);
  });

  test("a file just over the limit (the size is only found while streaming) → 413 naming file", async ({ request }) => {
    const name = uniq("Slightly too big");
    await withVersion1(request, name);
    const row = "1234567890,abcdefghij,0.123456789,some filler text to make rows longer\n";
    const limit = 8 * 1024 * 1024;
    const big = Buffer.from("a,b,c,d\n" + row.repeat(Math.ceil((limit + 16 * 1024) / row.length)));
    expect(big.length).toBeGreaterThan(limit);
    expect(big.length).toBeLessThan(limit + 40 * 1024);
    await expectProblem(await postFile(request, name, big), 413, "file");
    await expectNothingCreated(request, name, 1);
  });

  test("a raw body over the limit → 413", async ({ request }) => {
    const name = uniq("Too big raw");
    await withVersion1(request, name);
    const big = Buffer.alloc(9 * 1024 * 1024, "1,2\n");
    const res = await request.post(`/api/datasets?name=${encodeURIComponent(name)}`, { headers: { "content-type": "text/csv" }, data: big });
    await expectProblem(res, 413, "file");
    await expectNothingCreated(request, name, 1);
  });

  test("a chunked raw body over the limit, with no content-length → 413, and the connection serves the next request", async ({ request, baseURL }) => {
    const name = uniq("Too big chunked");
    await withVersion1(request, name);
    const row = "1234567890,abcdefghij\n";
    const csv = Buffer.from("a,b\n" + row.repeat(Math.ceil((9 * 1024 * 1024) / row.length)));
    const chunks = [csv.subarray(0, 64 * 1024), csv.subarray(64 * 1024)];
    // One kept-alive connection: the server drains a refused body, so the client reads the 413 and may send on.
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const res = await sendChunked(baseURL!, `/api/datasets?name=${encodeURIComponent(name)}`, "POST", { "content-type": "text/csv" }, chunks, agent);
      expect(res.status, res.body.slice(0, 300)).toBe(413);
      expect(res.contentType).toContain("application/problem+json");
      expect(JSON.parse(res.body).errors).toEqual([expect.objectContaining({ field: "file" })]);
      expect(res.connection).not.toBe("close");
      const next = await sendChunked(baseURL!, `/api/datasets?name=${encodeURIComponent(name)}`, "GET", {}, [], agent);
      expect(next.status, next.body.slice(0, 300)).toBe(200);
      expect(next.reusedSocket).toBe(true);
    } finally {
      agent.destroy();
    }
    await expectNothingCreated(request, name, 1);
  });

  test("an unsupported content type → 415", async ({ request }) => {
    const name = uniq("XML");
    await withVersion1(request, name);
    const body = `<rows><row a="1"/><!-- ${uniq("x")} --></rows>`;
    const xml = await request.post(`/api/datasets?name=${encodeURIComponent(name)}`, { headers: { "content-type": "application/xml" }, data: body });
    await expectProblem(xml, 415, "content-type");
    const pdf = await request.post(`/api/datasets?name=${encodeURIComponent(name)}`, { headers: { "content-type": "application/pdf" }, data: body });
    await expectProblem(pdf, 415);
    await expectNothingCreated(request, name, 1, body);
  });

  test("multipart without a file part → 422 naming file", async ({ request }) => {
    const name = uniq("No file");
    await withVersion1(request, name);
    const { contentType, body } = multipartBody([
      { name: "name", value: name },
      { name: "other", value: "a,b\n1,2\n" },
    ]);
    const res = await request.post("/api/datasets", { headers: { "content-type": contentType }, data: body });
    await expectProblem(res, 422, "file");
    await expectNothingCreated(request, name, 1);
  });

  test("a raw body without ?name= → 422 naming name", async ({ request }) => {
    const csv = uniqueCsv();
    const res = await request.post("/api/datasets", { headers: { "content-type": "text/csv" }, data: csv });
    await expectProblem(res, 422, "name");
    const blank = await request.post("/api/datasets?name=%20%20", { headers: { "content-type": "text/csv" }, data: csv });
    await expectProblem(blank, 422, "name");
    expect((await allVersions(request)).filter((d) => d.contentHash === sha256(csv))).toEqual([]);
  });

  test("a multipart name over 200 characters → 422 naming name", async ({ request }) => {
    const csv = uniqueCsv();
    await expectProblem(await postFile(request, "n".repeat(201), csv), 422, "name");
    expect((await allVersions(request)).filter((d) => d.contentHash === sha256(csv))).toEqual([]);
  });
});

test("a large upload does not stall other requests", async ({ request }) => {
  const row = (i: number) => `${i},${(i * 1.5).toFixed(2)},${["north", "south", "east", "west"][i % 4]},2024-01-${String((i % 28) + 1).padStart(2, "0")}\n`;
  const parts = ["id,amount,region,day\n"];
  let size = parts[0].length;
  for (let i = 0; size < 6 * 1024 * 1024; i++) {
    const r = row(i);
    parts.push(r);
    size += r.length;
  }
  const big = Buffer.from(parts.join(""));
  const order: string[] = [];
  const uploading = postFile(request, uniq("Big upload"), big, "big.csv").then(async (res) => {
    order.push("upload");
    return res;
  });
  const health = request.get("/api/health").then((res) => {
    order.push("health");
    return res;
  });
  const [up, h] = await Promise.all([uploading, health]);
  expect(h.status()).toBe(200);
  const ds = await expectJson<Dataset>(up, 201);
  expect(ds.rowCount).toBe(parts.length - 1);
  expect(order).toEqual(["health", "upload"]);
});
