/**
 * A data folder an older workbench made, its dataset versions stored as database rows: the web
 * server started on it writes each as its Parquet file, once, before it serves, and its rows read
 * over HTTP as the older workbench read them.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { drizzle } from "drizzle-orm/better-sqlite3";
import { type APIRequestContext, expect, test } from "@playwright/test";
import { type Db, runMigrations } from "@/db/client";
import * as schema from "@/db/schema";
import { type LegacyVersion, legacyRead, writeVersionAsRows } from "@/lib/data/server/legacy-rows.fixture";
import { freePort, type OwnServer, query, ready, startOwnWebServer } from "../own-server";
import { OWN_SERVER_ADMIN_ENV } from "./auth-helpers";
import { type Dataset, expectJson, getRows, uniq } from "./helpers";

const JSON_TEXT = JSON.stringify([
  { id: 1, price: 1.5, flag: true, label: 'a, "quoted" name', when: "2024-01-02", big: 1e21 },
  { id: 2, price: 2, flag: false, label: "ünïcødé 🚀 ∑", when: "2024-02-03T04:05:06Z", big: 0.1 },
  { id: 3, price: null, flag: null, label: "line\nbreak", when: null, big: -3, late: "a key that came late" },
]);
const CSV_TEXT = 'name,qty,comment,day\n"Müller, Jörg",3,"he said ""hi""",2024-01-02\nZoë,,🚀, 2024-01-03 \n"a\nb",5,,2024-01-04\n';
const BIG_ROWS = 150_000;
const BIG_CSV = `i,x,t\n${Array.from({ length: BIG_ROWS }, (_, i) => `${i},${(i % 1000) / 8},t${i % 7}`).join("\n")}\n`;

test("a web server started on an older data folder writes its versions stored as rows as Parquet files, and reads them as before", async () => {
  test.setTimeout(300_000);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "workbench-rows-"));
  let server: OwnServer | null = null;
  let api: APIRequestContext | null = null;
  try {
    // The older workbench's database: the same schema (dataset_rows is in it still), versions written its way.
    const sqlite = new Database(path.join(dataDir, "workbench.sqlite"));
    sqlite.pragma("journal_mode = WAL");
    runMigrations(drizzle({ client: sqlite, schema, casing: "snake_case" }) as Db);
    const versions: LegacyVersion[] = [];
    versions.push(await writeVersionAsRows(sqlite, { name: uniq("json scalars"), text: JSON_TEXT, format: "json" }));
    versions.push(await writeVersionAsRows(sqlite, { name: uniq("quoted csv"), text: CSV_TEXT, format: "csv", types: { qty: "text" } }));
    versions.push(await writeVersionAsRows(sqlite, { name: uniq("big"), text: BIG_CSV, format: "csv" }));
    const stored = sqlite.prepare("SELECT id, name, version, row_count, size_bytes, content_hash FROM dataset_versions ORDER BY id").all();
    sqlite.close();

    // With the workers beside it, as `npm start` runs them: only the web server migrates.
    server = startOwnWebServer(await freePort(), OWN_SERVER_ADMIN_ENV, { dataDir, worker: true });
    api = await ready(server);
    const out = server.output();
    for (const v of versions) {
      const n = v.stored.length;
      expect(out.split(`[migrate] dataset ${v.name} v1: ${n}/${n} rows`).length - 1, out).toBe(1);
      expect(fs.existsSync(path.join(dataDir, "datasets", v.id, "data.parquet"))).toBe(true);
      const got = await expectJson<Dataset>(await api.get(`/api/datasets/${v.id}`), 200);
      expect(got).toMatchObject({ rowCount: n, columns: v.columns });
    }
    expect(out).toContain(`[migrate] dataset ${versions[2].name} v1: 100000/${BIG_ROWS} rows`);
    expect(out).toContain(`[migrate] 3 of 3 dataset version(s) written as Parquet files (${BIG_ROWS + 6} rows)`);
    // Hash, size, row count and columns as they were (the one with spaces around a cell marked so that reading trims it); no row left in the database.
    expect(query(dataDir, "SELECT id, name, version, row_count, size_bytes, content_hash FROM dataset_versions ORDER BY id")).toEqual(stored);
    const csvColumns = (await expectJson<Dataset>(await api.get(`/api/datasets/${versions[1].id}`), 200)).columns;
    expect(csvColumns.map((c) => [c.name, c.padded ?? false])).toEqual([
      ["name", false],
      ["qty", false],
      ["comment", false],
      ["day", true],
    ]);
    expect(query(dataDir, "SELECT count(*) AS n FROM dataset_rows")).toEqual([{ n: 0 }]);

    const [json, csv, big] = versions;
    expect((await getRows(api, json.id)).rows).toEqual(legacyRead(json.columns, json.stored));
    expect((await getRows(api, json.id)).rows[2]).toMatchObject({ id: 3, price: null, flag: null, label: "line\nbreak", late: "a key that came late" });
    expect((await getRows(api, csv.id)).rows).toEqual(legacyRead(csv.columns, csv.stored));
    expect((await getRows(api, csv.id)).rows[1]).toEqual({ name: "Zoë", qty: null, comment: "🚀", day: "2024-01-03T00:00:00.000Z" });
    const bigRead = legacyRead(big.columns, big.stored);
    for (const offset of [0, 99_500, BIG_ROWS - 1000]) expect((await getRows(api, big.id, offset, 1000)).rows).toEqual(bigRead.slice(offset, offset + 1000));
  } catch (e) {
    console.log(`--- the server's output ---\n${server?.output().slice(-5000)}`);
    throw e;
  } finally {
    await api?.dispose();
    server?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
