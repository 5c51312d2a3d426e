import { eq } from "drizzle-orm";
import { getDb } from "@/db/client";
import { datasetProfiles, datasetVersions } from "@/db/schema";
import { PENDING_PREFIX } from "./ingest";

/** Rows deleted per transaction: a crash's half million rows go without holding the write lock for seconds. */
const DELETE_BATCH_ROWS = 50_000;

/** Whether a process of that id runs on this machine (EPERM: it does, as another user). */
function processAlive(pid: number): boolean {
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
 * Removes the versions a crash left `ingesting` (a web server killed mid-upload), with their rows:
 * never visible, never finished. Web servers are the only ingesters (uploads, URL imports,
 * samples), and this runs at a web server's start before it takes requests, so this process's own
 * pid can only be a dead one's, reused; a version whose ingesting process still runs on this
 * machine (a web server that has not yet stopped) is left alone. Rows go first, in batches, and the
 * version row last, so a clean-up cut short is finished by the next one.
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
  const deleteRows = db.$client.prepare(
    "DELETE FROM dataset_rows WHERE version_id = @id AND idx IN (SELECT idx FROM dataset_rows WHERE version_id = @id ORDER BY idx LIMIT @n)",
  );
  let rows = 0;
  for (const v of pending) {
    for (;;) {
      const n = deleteRows.run({ id: v.id, n: DELETE_BATCH_ROWS }).changes;
      rows += n;
      if (n < DELETE_BATCH_ROWS) break;
      await new Promise((r) => setImmediate(r));
    }
    db.transaction((tx) => {
      tx.delete(datasetProfiles).where(eq(datasetProfiles.versionId, v.id)).run();
      tx.delete(datasetVersions).where(eq(datasetVersions.id, v.id)).run();
    });
  }
  return { versions: pending.length, rows };
}
