import { describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { PENDING_PREFIX } from "./ingest";
import { removeUnfinishedVersions } from "./recover";

/** An `ingesting` version of `owner` (a pid, or none as before owners were recorded) with `rows` rows. */
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
  return id;
}

const rowsOf = (id: string) => (getDb().$client.prepare("SELECT count(*) AS n FROM dataset_rows WHERE version_id = ?").get(id) as { n: number }).n;
const versionOf = (id: string) => getDb().$client.prepare("SELECT status FROM dataset_versions WHERE id = ?").get(id);

describe("removeUnfinishedVersions", () => {
  it("removes versions a dead process left ingesting, with all their rows, and leaves a live process's alone", async () => {
    // A pid no process has (pid_max is at most 2^22), this process's own (reused: it ingests nothing yet), and none at all.
    const dead = pendingVersion(4_194_304 + 7, 120_000);
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
    }
    expect(versionOf(live)).toEqual({ status: "ingesting" });
    expect(rowsOf(live)).toBe(5);
    getDb().$client.prepare("DELETE FROM dataset_rows WHERE version_id = ?").run(live);
    getDb().$client.prepare("DELETE FROM dataset_versions WHERE id = ?").run(live);
  });
});
