import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { duckRows, spillRoot } from "./duck";
import { PENDING_PREFIX } from "./ingest";
import { removeDeadSpillFolders, removeOrphanVersionFolders, removeUnfinishedVersions } from "./recover";
import { datasetsDir, versionDir } from "./store";

/** A pid no process has (pid_max is at most 2^22). */
const DEAD_PID = 4_194_304 + 7;

/**
 * An `ingesting` version of `owner` (a pid, or none as before owners were recorded) with its
 * folder (the upload half written) and `rows` rows in the database (as versions before Parquet files).
 */
function pendingVersion(owner: number | null, rows: number): string {
  const id = `ds_test${Math.random().toString(36).slice(2, 10)}`;
  const sqlite = getDb().$client;
  sqlite
    .prepare(
      "INSERT INTO dataset_versions (id, name, version, status, source_kind, source, format, columns, created_at) VALUES (?, ?, 0, 'ingesting', 'upload', 't.csv', 'csv', '[]', ?)",
    )
    .run(id, `${PENDING_PREFIX}${owner === null ? "" : `${owner}/`}${id}`, Date.now());
  const insert = sqlite.prepare("INSERT INTO dataset_rows (version_id, idx, data) VALUES (?, ?, '[1]')");
  sqlite.transaction(() => {
    for (let i = 0; i < rows; i++) insert.run(id, i);
  })();
  fs.mkdirSync(versionDir(id), { recursive: true });
  fs.writeFileSync(path.join(versionDir(id), "upload.csv"), "a\n1\n");
  return id;
}

const rowsOf = (id: string) => (getDb().$client.prepare("SELECT count(*) AS n FROM dataset_rows WHERE version_id = ?").get(id) as { n: number }).n;
const versionOf = (id: string) => getDb().$client.prepare("SELECT status FROM dataset_versions WHERE id = ?").get(id);

describe("removeUnfinishedVersions", () => {
  it("removes versions a dead process left ingesting, with their folders and all their rows, and leaves a live process's alone", async () => {
    // A dead process's, this process's own (reused: it ingests nothing yet), and none at all.
    const dead = pendingVersion(DEAD_PID, 120_000);
    const own = pendingVersion(process.pid, 3);
    const legacy = pendingVersion(null, 2);
    // The parent (the test runner) is alive: as another web server ingesting right now.
    const live = pendingVersion(process.ppid, 5);
    const removed = await removeUnfinishedVersions();
    // At least these (another test file's process may have left one too).
    expect(removed.versions).toBeGreaterThanOrEqual(3);
    expect(removed.rows).toBeGreaterThanOrEqual(120_005);
    for (const id of [dead, own, legacy]) {
      expect(versionOf(id)).toBeUndefined();
      expect(rowsOf(id)).toBe(0);
      expect(fs.existsSync(versionDir(id))).toBe(false);
    }
    expect(versionOf(live)).toEqual({ status: "ingesting" });
    expect(rowsOf(live)).toBe(5);
    expect(fs.readdirSync(versionDir(live))).toEqual(["upload.csv"]);
    getDb().$client.prepare("DELETE FROM dataset_rows WHERE version_id = ?").run(live);
    getDb().$client.prepare("DELETE FROM dataset_versions WHERE id = ?").run(live);
    fs.rmSync(versionDir(live), { recursive: true });
  });
});

describe("removeOrphanVersionFolders", () => {
  it("removes the folders under datasets/ that no version names, and keeps those of versions ingesting or ready", () => {
    const kept = pendingVersion(process.ppid, 0);
    const orphan = `ds_orphan${process.pid}`;
    fs.mkdirSync(versionDir(orphan), { recursive: true });
    fs.writeFileSync(path.join(versionDir(orphan), "data.parquet"), "PAR1");
    // A file beside the folders is not a version's: left alone.
    fs.writeFileSync(path.join(datasetsDir(), `note-${process.pid}.txt`), "not a folder");
    expect(removeOrphanVersionFolders()).toBeGreaterThanOrEqual(1);
    expect(fs.existsSync(versionDir(orphan))).toBe(false);
    expect(fs.existsSync(versionDir(kept))).toBe(true);
    expect(fs.existsSync(path.join(datasetsDir(), `note-${process.pid}.txt`))).toBe(true);
    getDb().$client.prepare("DELETE FROM dataset_versions WHERE id = ?").run(kept);
    fs.rmSync(versionDir(kept), { recursive: true });
    fs.rmSync(path.join(datasetsDir(), `note-${process.pid}.txt`));
  });
});

describe("removeDeadSpillFolders", () => {
  it("removes the DuckDB spill folders of processes that ended, and keeps this one's and a live one's", async () => {
    await duckRows("SELECT 1"); // this process's DuckDB, with its spill folder
    const own = path.join(spillRoot(), String(process.pid));
    const live = path.join(spillRoot(), String(process.ppid));
    const dead = path.join(spillRoot(), String(DEAD_PID));
    fs.mkdirSync(live, { recursive: true });
    fs.mkdirSync(dead, { recursive: true });
    fs.writeFileSync(path.join(dead, "duckdb_temp_storage-0.tmp"), "spilled");
    expect(removeDeadSpillFolders()).toBeGreaterThanOrEqual(1);
    expect(fs.existsSync(dead)).toBe(false);
    expect(fs.existsSync(own)).toBe(true);
    expect(fs.existsSync(live)).toBe(true);
    // This process's DuckDB spills on.
    expect(await duckRows("SELECT 2")).toEqual([[2]]);
    fs.rmSync(live, { recursive: true });
  });
});
