/**
 * Parquet uploads: a file made here with DuckDB (ints, doubles, booleans, dates and times, strings
 * and nulls) is read back typed, sent as a multipart file or as a raw body; a file that only claims
 * to be Parquet, or is cut short, is refused naming `file`, and nothing of it is kept.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { expect, test, type APIRequestContext } from "@playwright/test";
import { columnTypes, type Dataset, expectJson, expectProblem, getRows, nullCounts, postFile, sha256, uniq, versionsOf } from "./helpers";

/** A Parquet file of a query's rows, written by DuckDB in this process. */
async function parquetOf(select: string): Promise<Buffer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "wb-parquet-"));
  const file = path.join(dir, "x.parquet");
  const db = await DuckDBInstance.create(":memory:");
  const c = await db.connect();
  try {
    await c.run(`COPY (${select}) TO '${file}' (FORMAT parquet)`);
    return fs.readFileSync(file);
  } finally {
    c.closeSync();
    db.closeSync();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** One column of each Parquet type the workbench reads, a null in each, and names with spaces and non-ASCII. */
const TRIPS_SQL = `
  SELECT v1::INTEGER AS n, v2::BIGINT AS big, v3::DOUBLE AS "Price (€)", v4::BOOLEAN AS ok, v5::DATE AS day,
         v6::TIMESTAMP AS "at", v7::TIMESTAMPTZ AS "at zone", v8::VARCHAR AS label
  FROM (VALUES
    (1, 3000000000, 1.5, true, DATE '2024-01-31', TIMESTAMP '2024-01-02 03:04:05.123', TIMESTAMPTZ '2024-01-02 03:04:05+02:00', 'alpha'),
    (2, -7, NULL, false, DATE '2024-02-29', TIMESTAMP '2024-02-29 23:59:59', TIMESTAMPTZ '2024-06-30 12:00:00+00:00', 'beta, "quoted"'),
    (NULL, 0, -0.25, NULL, NULL, NULL, NULL, 'größe'),
    (4, NULL, 0.001, true, DATE '1999-12-31', TIMESTAMP '1999-12-31 00:00:00', TIMESTAMPTZ '2000-01-01 00:30:00+01:00', NULL)
  ) AS t(v1, v2, v3, v4, v5, v6, v7, v8)
  ORDER BY v1 NULLS LAST`;

const TRIPS_TYPES = {
  n: "integer",
  big: "integer",
  "Price (€)": "number",
  ok: "boolean",
  day: "datetime",
  at: "datetime",
  "at zone": "datetime",
  label: "category",
};
const TRIPS_NULLS = { n: 1, big: 1, "Price (€)": 1, ok: 1, day: 1, at: 1, "at zone": 1, label: 1 };
const TRIPS_ROWS = [
  {
    n: 1,
    big: 3000000000,
    "Price (€)": 1.5,
    ok: true,
    day: "2024-01-31T00:00:00.000Z",
    at: "2024-01-02T03:04:05.123Z",
    "at zone": "2024-01-02T01:04:05.000Z",
    label: "alpha",
  },
  {
    n: 2,
    big: -7,
    "Price (€)": null,
    ok: false,
    day: "2024-02-29T00:00:00.000Z",
    at: "2024-02-29T23:59:59.000Z",
    "at zone": "2024-06-30T12:00:00.000Z",
    label: 'beta, "quoted"',
  },
  {
    n: 4,
    big: null,
    "Price (€)": 0.001,
    ok: true,
    day: "1999-12-31T00:00:00.000Z",
    at: "1999-12-31T00:00:00.000Z",
    "at zone": "1999-12-31T23:30:00.000Z",
    label: null,
  },
  { n: null, big: 0, "Price (€)": -0.25, ok: null, day: null, at: null, "at zone": null, label: "größe" },
];

let trips: Buffer;
test.beforeAll(async () => {
  trips = await parquetOf(TRIPS_SQL);
});

/** Posts a raw body with `?name=`. */
const postRaw = (request: APIRequestContext, name: string, body: Buffer, contentType: string) =>
  request.post(`/api/datasets?name=${encodeURIComponent(name)}`, { headers: { "content-type": contentType }, data: body });

async function expectTrips(request: APIRequestContext, ds: Dataset, name: string) {
  expect(ds).toMatchObject({ name, version: 1, rowCount: 4, format: "parquet", sizeBytes: trips.length, contentHash: sha256(trips) });
  expect(ds.columns.map((c) => c.name)).toEqual(Object.keys(TRIPS_TYPES));
  expect(columnTypes(ds.columns)).toEqual(TRIPS_TYPES);
  expect(nullCounts(ds.columns)).toEqual(TRIPS_NULLS);
  const page = await getRows(request, ds.id);
  expect(page.total).toBe(4);
  expect(page.rows).toEqual(TRIPS_ROWS);
  expect(Object.keys(page.rows[0])).toEqual(Object.keys(TRIPS_TYPES));
}

test.describe("Parquet uploads", () => {
  test("multipart, as Parquet's registered type: inferred column types, null counts and typed rows", async ({ request }) => {
    const name = uniq("trips multipart");
    const ds = await expectJson<Dataset>(await postFile(request, name, trips, "trips.parquet", "application/vnd.apache.parquet"), 201);
    expect(ds.source).toBe("trips.parquet");
    await expectTrips(request, ds, name);
  });

  test("multipart as octet-stream under another name: the magic bytes say Parquet", async ({ request }) => {
    const name = uniq("trips bytes");
    const ds = await expectJson<Dataset>(await postFile(request, name, trips, "export.bin", "application/octet-stream"), 201);
    await expectTrips(request, ds, name);
  });

  test("raw bodies, as application/vnd.apache.parquet and as application/octet-stream", async ({ request }) => {
    for (const type of ["application/vnd.apache.parquet", "application/octet-stream"]) {
      const name = uniq("trips raw");
      const ds = await expectJson<Dataset>(await postRaw(request, name, trips, type), 201);
      await expectTrips(request, ds, name);
    }
  });

  test("rows of a Parquet version sort and filter by their types", async ({ request }) => {
    const ds = await expectJson<Dataset>(await postFile(request, uniq("trips sorted"), trips, "trips.parquet", "application/octet-stream"), 201);
    const search = new URLSearchParams({ sort: "at zone", order: "desc", filter: JSON.stringify([{ column: "ok", op: "==", value: true }]) });
    const page = await expectJson<{ rows: { n: number }[]; matched: number; rowNumbers: number[] }>(
      await request.get(`/api/datasets/${ds.id}/rows?${search}`),
      200,
    );
    expect(page.rows.map((r) => r.n)).toEqual([1, 4]);
    expect(page.rowNumbers).toEqual([0, 2]);
    expect(page.matched).toBe(2);
  });
});

test.describe("refused Parquet uploads store nothing", () => {
  const cases: { what: string; content: () => Buffer; raw: boolean }[] = [
    { what: "a CSV named .parquet", content: () => Buffer.from("a,b\n1,2\n3,4\n"), raw: false },
    { what: "a Parquet file whose tail was cut off (multipart)", content: () => trips.subarray(0, trips.length - 64), raw: false },
    { what: "a Parquet file whose tail was cut off (raw body)", content: () => trips.subarray(0, Math.floor(trips.length / 2)), raw: true },
    {
      what: "Parquet's magic bytes around garbage",
      content: () => Buffer.concat([Buffer.from("PAR1"), Buffer.alloc(300, 0x5a), Buffer.from("PAR1")]),
      raw: false,
    },
  ];
  for (const c of cases) {
    test(`${c.what} is a 422 naming file`, async ({ request }) => {
      const name = uniq("bad parquet");
      const content = c.content();
      const before = (await expectJson<{ items: Dataset[] }>(await request.get("/api/datasets"), 200)).items.map((d) => d.id);
      const res = c.raw
        ? await postRaw(request, name, content, "application/vnd.apache.parquet")
        : await postFile(request, name, content, "broken.parquet", "application/octet-stream");
      const problem = await expectProblem(res, 422, "file");
      expect(problem.detail).toMatch(/parquet/i);
      expect(await versionsOf(request, name)).toEqual([]);
      const after = (await expectJson<{ items: Dataset[] }>(await request.get("/api/datasets"), 200)).items;
      // Other tests upload meanwhile; none of what is new is this file.
      expect(after.filter((d) => !before.includes(d.id) && (d.name === name || d.contentHash === sha256(content)))).toEqual([]);
    });
  }
});
