import fs from "node:fs";
import path from "node:path";
import { setImmediate as yieldToEventLoop } from "node:timers/promises";
import { eq, inArray } from "drizzle-orm";
import { getDb } from "@/db/client";
import { datasetProfiles, datasetVersions } from "@/db/schema";
import { spillRoot } from "./duck";
import { PENDING_PREFIX } from "./ingest";
import { datasetsDir, removeVersionFiles } from "./store";

/** Rows deleted per transaction: a crash's half million rows go without holding the write lock for seconds. */
const DELETE_BATCH_ROWS = 50_000;
/** Version ids looked up per query. */
const LOOKUP_IDS = 500;

/** Whether a process of that id runs on this machine (EPERM: it does, as another user). */
export function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The process a version's pending name says ingests it (none: a name from before owners were recorded). */
function ownerOf(pendingName: string): number | null {
  const pid = Number(pendingName.slice(PENDING_PREFIX.length).split("/")[0]);
  return Number.isInteger(pid) && pid > 0 ? pid : null;
}

/**
 * Deletes a version's rows of the database storage (versions from before Parquet files), in
 * batches with the event loop served between them; returns how many went.
 */
export async function deleteVersionRows(id: string): Promise<number> {
  const deleteRows = getDb().$client.prepare(
    "DELETE FROM dataset_rows WHERE version_id = @id AND idx IN (SELECT idx FROM dataset_rows WHERE version_id = @id ORDER BY idx LIMIT @n)",
  );
  let rows = 0;
  for (;;) {
    const n = deleteRows.run({ id, n: DELETE_BATCH_ROWS }).changes;
    rows += n;
    if (n < DELETE_BATCH_ROWS) return rows;
    await yieldToEventLoop();
  }
}

/**
 * Removes the versions a crash left `ingesting` (a web server killed mid-upload), with their files
 * (and the rows an older version stored in the database): never visible, never finished. Web
 * servers are the only ingesters (uploads, URL imports, samples), and this runs at a web server's
 * start before it takes requests, so this process's own pid can only be a dead one's, reused; a
 * version whose ingesting process still runs on this machine (a web server that has not yet
 * stopped) is left alone. Rows and files go first, the version row last, so a clean-up cut short
 * is finished by the next one.
 */
export async function removeUnfinishedVersions(): Promise<{ versions: number; rows: number }> {
  const db = getDb();
  const pending = db
    .select({ id: datasetVersions.id, name: datasetVersions.name })
    .from(datasetVersions)
    .where(eq(datasetVersions.status, "ingesting"))
    .all()
    .filter((v) => {
      const owner = ownerOf(v.name);
      return owner === null || owner === process.pid || !processAlive(owner);
    });
  let rows = 0;
  for (const v of pending) {
    rows += await deleteVersionRows(v.id);
    removeVersionFiles(v.id);
    db.transaction((tx) => {
      tx.delete(datasetProfiles).where(eq(datasetProfiles.versionId, v.id)).run();
      tx.delete(datasetVersions).where(eq(datasetVersions.id, v.id)).run();
    });
  }
  return { versions: pending.length, rows };
}

/**
 * Removes the folders under the datasets folder that no version names: a version is deleted row
 * first, then its folder (datasets.ts, ingest.ts's discard), and a crash in between leaves the
 * folder. An ingest inserts its row before it makes its folder, so a folder listed here whose id
 * has no row is never one being written.
 */
export function removeOrphanVersionFolders(): number {
  const root = datasetsDir();
  if (!fs.existsSync(root)) return 0;
  const folders = fs
    .readdirSync(root, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name);
  const known = new Set<string>();
  for (let i = 0; i < folders.length; i += LOOKUP_IDS) {
    const ids = folders.slice(i, i + LOOKUP_IDS);
    for (const v of getDb().select({ id: datasetVersions.id }).from(datasetVersions).where(inArray(datasetVersions.id, ids)).all()) known.add(v.id);
  }
  const orphans = folders.filter((id) => !known.has(id));
  for (const id of orphans) removeVersionFiles(id);
  return orphans.length;
}

/**
 * Removes the DuckDB spill folders of processes that no longer run (DuckDB removes its files as it
 * closes, which a killed process never does). Every process of the data folder spills under its
 * own pid, so a live one's folder (this one's included) is kept.
 */
export function removeDeadSpillFolders(): number {
  const root = spillRoot();
  if (!fs.existsSync(root)) return 0;
  let removed = 0;
  for (const name of fs.readdirSync(root)) {
    const pid = Number(name);
    if (pid === process.pid || processAlive(pid)) continue;
    fs.rmSync(path.join(root, name), { recursive: true, force: true });
    removed++;
  }
  return removed;
}
