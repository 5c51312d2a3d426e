import fs from "node:fs";
import path from "node:path";
import { describe, expect, it, vi } from "vitest";
import { getDb } from "@/db/client";
import type { ColumnInfo, ColumnType, DatasetFormat, DatasetVersion, RawCell, Row } from "../types";
import { getDataset, getRows, readTypedRows } from "./datasets";
import { duckRows, sqlString } from "./duck";
import { insertLegacyRows, legacyRead, writeVersionAsRows } from "./legacy-rows.fixture";
import { migrateRowVersions, rawText } from "./migrate-rows";
import { versionDir, versionFile } from "./store";

const unique = (p: string) => `${p}-${Math.random().toString(36).slice(2, 8)}`;
const sqlite = () => getDb().$client;

/** A ready version stored as rows, as before Parquet files (legacy-rows.fixture.ts); its id. */
const ingestTheOldWay = async (text: string, format: DatasetFormat, types: Record<string, ColumnType> = {}) =>
  (await writeVersionAsRows(sqlite(), { name: unique("old"), text, format, types })).id;

const storedRows = (id: string) =>
  (sqlite().prepare("SELECT data FROM dataset_rows WHERE version_id = ? ORDER BY idx").all(id) as { data: string }[]).map(
    (r) => JSON.parse(r.data) as RawCell[],
  );
const rowCountIn = (id: string) => (sqlite().prepare("SELECT count(*) AS n FROM dataset_rows WHERE version_id = ?").get(id) as { n: number }).n;

/** What the reader before Parquet files gave for the version's rows now in the database. */
const oldReader = (id: string): Row[] => legacyRead(getDataset(id).columns as ColumnInfo[], storedRows(id));

/** The file's raw text columns, row by row. */
const rawFile = async (id: string) =>
  (await duckRows(`SELECT * FROM read_parquet(${sqlString(versionFile(id))})`)).map((r) => r.map((v) => (v === null ? null : String(v))));

const JSON_ROWS = JSON.stringify([
  { id: 1, price: 1.5, flag: true, label: 'a, "quoted" name', when: "2024-01-02", code: 7, big: 1e21 },
  { id: 2, price: 2, flag: false, label: "ünïcødé 🚀 ∑", when: "2024-02-03T04:05:06Z", code: 8, big: 0.1 },
  { id: 3, price: null, flag: null, label: "line\nbreak and \r\n too", when: null, code: 9, big: -3 },
  { id: 4, price: -0.25, flag: true, label: "NA", when: "not a date", code: 10, big: 123456789, extra: "a key that came late" },
  { id: 5, price: 1e-7, flag: false, label: " padded ", when: "2024-03-04", code: 11, big: 2, extra: "," },
]);
const CSV_TEXT = 'name,qty,comment,day\n"Müller, Jörg",3,"he said ""hi""",2024-01-02\nZoë,,🚀, 2024-01-03 \n"a\nb",5,,2024-01-04\n';

/** The version as it was, with the columns that have a cell with whitespace around it marked `padded` (reading trims them). */
function marked(v: DatasetVersion, stored: RawCell[][]): DatasetVersion {
  const padded = (j: number) => stored.some((r) => typeof r[j] === "string" && /^\s|\s$/.test(r[j] as string));
  return { ...v, columns: v.columns.map((c, j) => (padded(j) ? { ...c, padded: true as const } : c)) };
}

describe("migrateRowVersions", () => {
  it("writes each version stored as rows as its Parquet file: rows read as the old reader read them, hash, columns and row count unchanged", async () => {
    const json = await ingestTheOldWay(JSON_ROWS, "json");
    // Types a user overrode: the cast then refuses what does not fit, as coerceCell did.
    const overridden = await ingestTheOldWay(JSON_ROWS, "json", { code: "category", flag: "integer", price: "text", when: "datetime", big: "boolean" });
    const csv = await ingestTheOldWay(CSV_TEXT, "csv");
    const ids = [json, overridden, csv];
    const before = new Map(ids.map((id) => [id, { version: getDataset(id), rows: oldReader(id), stored: storedRows(id) }]));
    expect(before.get(json)!.stored[0]).toEqual([1, 1.5, true, 'a, "quoted" name', "2024-01-02", 7, 1e21]);
    expect(fs.existsSync(versionFile(json))).toBe(false);

    const lines: string[] = [];
    const done = await migrateRowVersions((l) => lines.push(l));
    expect(done.versions).toBeGreaterThanOrEqual(3);

    for (const id of ids) {
      const was = before.get(id)!;
      expect(getDataset(id)).toEqual(marked(was.version, was.stored));
      expect((await readTypedRows(id)).rows).toEqual(was.rows);
      expect((await getRows(id, 0, 100)).rows).toEqual(was.rows);
      expect(rowCountIn(id)).toBe(0);
      // Raw text columns c0…, as ingest writes them: JSON scalars as String() gives them, missing cells and "" as null.
      const width = was.version.columns.length;
      expect(await rawFile(id)).toEqual(
        was.stored.map((r) => Array.from({ length: width }, (_, i) => (r[i] === undefined || r[i] === "" ? null : rawText(r[i])))),
      );
      // Nothing temporary is left beside the file.
      expect(fs.readdirSync(versionDir(id))).toEqual(["data.parquet"]);
    }
    expect(before.get(json)!.rows[0]).toMatchObject({ id: 1, price: 1.5, flag: true, big: 1e21, extra: null });
    expect(before.get(overridden)!.rows[0]).toMatchObject({ code: "7", flag: null, price: "1.5", big: null });
    // A datetime with spaces around it reads as the old reader read it: trimmed.
    expect(before.get(csv)!.rows[1]).toMatchObject({ name: "Zoë", qty: null, day: "2024-01-03T00:00:00.000Z" });
    expect(
      getDataset(csv)
        .columns.filter((c) => c.padded)
        .map((c) => c.name),
    ).toEqual(["day"]);
    expect(
      getDataset(json)
        .columns.filter((c) => c.padded)
        .map((c) => c.name),
    ).toEqual(["label"]);
    for (const id of ids) {
      const v = before.get(id)!.version;
      expect(lines).toContain(`[migrate] dataset ${v.name} v1: ${v.rowCount}/${v.rowCount} rows`);
    }
  });

  it("logs progress, deletes a large version's rows in batches, and does nothing more once done", async () => {
    const rows = 120_001;
    const text = `i,t\n${Array.from({ length: rows }, (_, i) => `${i},t${i % 13}`).join("\n")}\n`;
    const id = await ingestTheOldWay(text, "csv");
    const name = getDataset(id).name;
    const lines: string[] = [];
    await migrateRowVersions((l) => lines.push(l));
    expect(lines.filter((l) => l.startsWith(`[migrate] dataset ${name} v1:`))).toEqual([
      `[migrate] dataset ${name} v1: 100000/${rows} rows`,
      `[migrate] dataset ${name} v1: ${rows}/${rows} rows`,
    ]);
    expect(rowCountIn(id)).toBe(0);
    expect((await getRows(id, 120_000, 5)).rows).toEqual([{ i: 120_000, t: `t${120_000 % 13}` }]);
    const again: string[] = [];
    await migrateRowVersions((l) => again.push(l));
    expect(again.filter((l) => l.includes(name))).toEqual([]);
  });

  it("resumes what a killed start left: its temporary files go, a complete file is kept and only its rows deleted", async () => {
    const id = await ingestTheOldWay(CSV_TEXT, "csv");
    const expected = oldReader(id);
    // A process that died writing: its temporary files, under a pid no process has (pid_max is at most 2^22).
    const dead = 4_194_304 + 11;
    fs.mkdirSync(versionDir(id), { recursive: true });
    fs.writeFileSync(path.join(versionDir(id), `data.parquet.migrating-${dead}`), "PAR1 half");
    fs.writeFileSync(path.join(versionDir(id), `rows.csv.migrating-${dead}`), '"a",');
    await migrateRowVersions(() => undefined);
    expect(fs.readdirSync(versionDir(id))).toEqual(["data.parquet"]);
    expect((await readTypedRows(id)).rows).toEqual(expected);

    // Killed after the file was renamed into place, before its rows were deleted; its columns'
    // marks lost too, as in a backup whose database snapshot was taken before they were made.
    insertLegacyRows(sqlite(), id, [
      ["x", 1, "y", "z"],
      ["z", 2, "w", "z"],
      ["q", 3, "r", "z"],
    ]);
    const unmarked = getDataset(id).columns.map(({ padded, ...c }) => c);
    sqlite().prepare("UPDATE dataset_versions SET columns = ? WHERE id = ?").run(JSON.stringify(unmarked), id);
    const inode = fs.statSync(versionFile(id)).ino;
    const lines: string[] = [];
    await migrateRowVersions((l) => lines.push(l));
    expect(rowCountIn(id)).toBe(0);
    expect(fs.statSync(versionFile(id)).ino).toBe(inode);
    expect((await readTypedRows(id)).rows).toEqual(expected);
    expect(lines.some((l) => l.includes(getDataset(id).name))).toBe(false);
    expect(
      getDataset(id)
        .columns.filter((c) => c.padded)
        .map((c) => c.name),
    ).toEqual(["day"]);
  });

  it("leaves a version whose rows do not add up to its row count as it was", async () => {
    const id = await ingestTheOldWay(CSV_TEXT, "csv");
    sqlite().prepare("DELETE FROM dataset_rows WHERE version_id = ? AND idx = 1").run(id);
    const errors = vi.spyOn(console, "error").mockImplementation(() => undefined);
    try {
      await migrateRowVersions(() => undefined);
      expect(String(errors.mock.calls.find((e) => String(e[0]).includes(id))?.[1])).toMatch(/the database holds 2 of its 3 rows/);
    } finally {
      errors.mockRestore();
    }
    expect(fs.existsSync(versionFile(id))).toBe(false);
    expect(fs.readdirSync(versionDir(id))).toEqual([]);
    expect(rowCountIn(id)).toBe(2);
    sqlite().prepare("DELETE FROM dataset_rows WHERE version_id = ?").run(id);
    sqlite().prepare("DELETE FROM dataset_versions WHERE id = ?").run(id);
  });
});
