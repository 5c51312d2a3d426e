import fs from "node:fs";
import path from "node:path";
import { inArray } from "drizzle-orm";
import { getDb } from "@/db/client";
import { jobs } from "@/db/schema";
import { removeDeadSpillFolders, removeOrphanVersionFolders, removeUnfinishedVersions } from "@/lib/data/server/recover";
import { env } from "@/lib/shared/env";
import { releaseJobOutput } from "./batch/jobs";

/** The newest modification time of a folder and the files in it. */
function lastWrittenMs(dir: string): number {
  let newest = fs.statSync(dir).mtimeMs;
  for (const f of fs.readdirSync(dir)) newest = Math.max(newest, fs.statSync(path.join(dir, f)).mtimeMs);
  return newest;
}

/**
 * Job folders without a job: a job's file is saved before its row is inserted (createJob), so a
 * web server killed mid-upload leaves the folder alone. Only the serving web server saves job
 * files, and this runs as it starts serving; a folder written since `sinceMs` is left to its writer.
 */
function removeOrphanJobFolders(sinceMs: number): number {
  const root = path.join(env.dataDir, "jobs");
  if (!fs.existsSync(root)) return 0;
  const folders = fs.readdirSync(root);
  const known = new Set<string>();
  for (let i = 0; i < folders.length; i += 500) {
    const ids = folders.slice(i, i + 500);
    for (const j of getDb().select({ id: jobs.id }).from(jobs).where(inArray(jobs.id, ids)).all()) known.add(j.id);
  }
  let removed = 0;
  for (const id of folders) {
    const dir = path.join(root, id);
    if (known.has(id) || !fs.statSync(dir).isDirectory() || lastWrittenMs(dir) >= sinceMs) continue;
    fs.rmSync(dir, { recursive: true, force: true });
    removed++;
  }
  return removed;
}

/**
 * Failed and cancelled jobs never resume (the worker requeues only running ones), so what they
 * wrote is removed when they end (executeJob); this finds what a crash in between, or a job
 * cancelled while queued, left: their folders and output tables.
 */
function releaseEndedJobs(): number {
  const db = getDb();
  const tables = new Set(
    (db.$client.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'job\\_output\\_%' ESCAPE '\\'").all() as { name: string }[]).map(
      (t) => t.name,
    ),
  );
  let released = 0;
  for (const job of db
    .select({ id: jobs.id, outputTable: jobs.outputTable })
    .from(jobs)
    .where(inArray(jobs.status, ["failed", "cancelled"]))
    .all()) {
    if (!tables.has(job.outputTable) && !fs.existsSync(path.join(env.dataDir, "jobs", job.id))) continue;
    releaseJobOutput(job);
    released++;
  }
  return released;
}

/**
 * Removes what a crash left half-made, as a web server starts serving (at its start before it
 * takes requests, or as a standby takes over from one that died), and says what went, one line
 * per kind: versions still ingesting with their files (of dead processes only), version folders
 * no version names, the DuckDB spill folders of dead processes, job folders of uploads cut off
 * (written before `servingSinceMs`, when this process began to serve), and the partial output of
 * jobs that will not resume.
 */
export async function recoverAfterCrash(servingSinceMs = Date.now()): Promise<void> {
  // Each kind on its own: a clean-up that fails is logged and tried again at the next start, never a reason not to start.
  const attempt = async <T>(what: string, fn: () => T | Promise<T>): Promise<T | null> => {
    try {
      return await fn();
    } catch (e) {
      console.error(`[recover] could not remove ${what}`, e);
      return null;
    }
  };
  const versions = await attempt("unfinished dataset versions", removeUnfinishedVersions);
  if (versions?.versions)
    console.log(
      `[recover] removed ${versions.versions} unfinished dataset version(s) left ingesting, with their files${versions.rows ? ` and ${versions.rows} database row(s)` : ""}`,
    );
  const orphans = await attempt("dataset folders without a version", removeOrphanVersionFolders);
  if (orphans) console.log(`[recover] removed ${orphans} dataset folder(s) no version names (a deletion cut off)`);
  const spills = await attempt("the DuckDB spill folders of ended processes", removeDeadSpillFolders);
  if (spills) console.log(`[recover] removed ${spills} DuckDB spill folder(s) of processes that ended`);
  const folders = await attempt("job folders without a job", () => removeOrphanJobFolders(servingSinceMs));
  if (folders) console.log(`[recover] removed ${folders} job folder(s) of uploads cut off before their job was queued`);
  const ended = await attempt("the output of failed and cancelled jobs", releaseEndedJobs);
  if (ended) console.log(`[recover] removed the partial output (files and table) of ${ended} failed or cancelled job(s)`);
}
