import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { drizzle } from "drizzle-orm/better-sqlite3";
import { BUSY_TIMEOUT_MS, MIGRATIONS_DIR } from "@/db/client";
import { jobs, models, runs } from "@/db/schema";
import {
  BACKUP_FORMAT,
  BACKUP_FORMAT_VERSION,
  BackupError,
  copyHashed,
  listFiles,
  MANIFEST_FILE,
  readManifest,
  verifyBackup,
  writeManifest,
  type BackupFile,
  type BackupManifest,
} from "./backup-manifest";

/**
 * Backups of a running workbench (`npm run backup` / `npm run restore`, scripts/backup.ts and
 * scripts/restore.ts). The database is copied first, through SQLite's online backup inside one
 * read transaction (a fixed snapshot: the app's writes go on meanwhile, and a stepped backup
 * without it starts over at every write); then the files that snapshot refers to. Files are
 * written once before the row that refers to them, except a job's output.csv, which grows as
 * chunks commit: only the bytes the snapshot counts as committed (`outputBytes`) are copied, so
 * a job running at the snapshot resumes after a restore from exactly its committed chunks.
 */

/**
 * Folders of the data folder holding one folder per row of a table (jobs.ts jobDir, models.ts
 * modelDir, execute.ts runArtifactsDir, the dataset versions' store.ts versionDir).
 */
const ROW_FOLDERS = ["jobs", "artifacts/models", "artifacts/runs", "datasets"] as const;
type RowFolder = (typeof ROW_FOLDERS)[number];
/** Not copied as files: the web server's load signal for the worker, which means nothing later. */
const TRANSIENT_FILES = new Set(["realtime.beat"]);
/** Not copied: scratch space (each process's DuckDB spill folder, duck.ts), which means nothing later. */
const TRANSIENT_FOLDERS = ["tmp/"];
/**
 * The one file of a version's folder that is the version (store.ts versionFile); beside it only
 * an ingest's or a migration's files in the making, which a restored workbench would remove.
 */
const VERSION_FILE = "data.parquet";
/** Pages copied per step of the online backup (4 MiB of 4 KiB pages), between which it reports progress. */
const BACKUP_STEP_PAGES = 1024;
/** Snapshots taken before giving up on files deleted between a snapshot and their copy. */
const MAX_ATTEMPTS = 3;
/** Backup folders are named so that sorting their names sorts them by time. */
const BACKUP_PREFIX = "workbench-";

export type Log = (line: string) => void;

/** Logs `what: done/total` at most once a second, and always at the end. */
function progressLog(log: Log, what: string, unit: (n: number) => string): (done: number, total: number) => void {
  let last = 0;
  let ended = false;
  return (done, total) => {
    const now = Date.now();
    if (ended || (done < total && now - last < 1000)) return;
    last = now;
    ended = done >= total;
    log(`  ${what}: ${unit(done)} of ${unit(total)}${total > 0 ? ` (${Math.floor((done / total) * 100)} %)` : ""}`);
  };
}
const mib = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MiB`;

/** What the database snapshot refers to on disk. */
interface Snapshot {
  rows: Record<RowFolder, Set<string>>;
  /** Committed bytes of each job's output.csv. */
  outputBytes: Map<string, number>;
  /** Files that must be there for the snapshot to be whole. */
  required: string[];
  migrations: string[];
}

/** Drizzle's journal: each migration's tag by the time drizzle records it under. */
function migrationTags(): Map<number, string> {
  const journal = JSON.parse(fs.readFileSync(path.join(MIGRATIONS_DIR, "meta", "_journal.json"), "utf8")) as { entries: { when: number; tag: string }[] };
  return new Map(journal.entries.map((e) => [e.when, e.tag]));
}

/** Copies the live database to `dest` in steps, within one read transaction on a connection of its own. */
async function snapshotDatabase(databaseFile: string, dest: string, log: Log): Promise<void> {
  const source = new Database(databaseFile, { readonly: true, fileMustExist: true });
  try {
    source.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    source.exec("BEGIN");
    source.prepare("SELECT count(*) FROM sqlite_master").get(); // opens the read transaction: the snapshot is now
    log(`  database snapshot taken at ${new Date().toISOString()}; copying it`);
    const pageBytes = source.pragma("page_size", { simple: true }) as number;
    const report = progressLog(log, "database", (pages) => mib(pages * pageBytes));
    const { totalPages } = await source.backup(dest, {
      progress: ({ totalPages: total, remainingPages }) => {
        report(total - remainingPages, total);
        return BACKUP_STEP_PAGES;
      },
    });
    report(totalPages, totalPages);
    source.exec("COMMIT");
  } finally {
    source.close();
  }
}

/** Reads what the copied database refers to, and leaves it a single self-contained file (no WAL). */
function inspectSnapshot(file: string): Snapshot {
  const sqlite = new Database(file);
  try {
    sqlite.pragma("journal_mode = DELETE");
    const db = drizzle({ client: sqlite, casing: "snake_case" });
    const jobRows = db.select({ id: jobs.id, sourceKind: jobs.sourceKind, outputBytes: jobs.outputBytes }).from(jobs).all();
    const modelIds = db
      .select({ id: models.id })
      .from(models)
      .all()
      .map((m) => m.id);
    const runIds = db
      .select({ id: runs.id })
      .from(runs)
      .all()
      .map((r) => r.id);
    // Ready versions only (one still ingesting is removed at a restored start), and whether each is
    // still stored as database rows (before Parquet files: its file is not written yet).
    const versions = sqlite
      .prepare("SELECT id, EXISTS (SELECT 1 FROM dataset_rows r WHERE r.version_id = v.id) AS inRows FROM dataset_versions v WHERE status = 'ready'")
      .all() as { id: string; inRows: number }[];
    const tags = migrationTags();
    const applied = sqlite.prepare("SELECT created_at AS at FROM __drizzle_migrations ORDER BY created_at").all() as { at: number }[];
    const required = [
      // A model's manifest.json is written last, after its row.
      ...modelIds.map((id) => `artifacts/models/${id}/${MANIFEST_FILE}`),
      ...jobRows.filter((j) => j.sourceKind === "file").map((j) => `jobs/${j.id}/input.csv`),
      ...jobRows.filter((j) => j.outputBytes > 0).map((j) => `jobs/${j.id}/output.csv`),
      ...versions.filter((v) => !v.inRows).map((v) => `datasets/${v.id}/${VERSION_FILE}`),
    ];
    return {
      rows: {
        jobs: new Set(jobRows.map((j) => j.id)),
        "artifacts/models": new Set(modelIds),
        "artifacts/runs": new Set(runIds),
        datasets: new Set(versions.map((v) => v.id)),
      },
      outputBytes: new Map(jobRows.map((j) => [j.id, j.outputBytes])),
      required,
      migrations: applied.map((m) => tags.get(Number(m.at)) ?? `unknown migration of ${new Date(Number(m.at)).toISOString()}`),
    };
  } finally {
    sqlite.close();
  }
}

interface PlannedFile {
  path: string;
  /** Copy only this many bytes (a job's committed output). */
  limit?: number;
}

/**
 * The data folder's files that belong with the snapshot: the folders of rows it holds (not those
 * of rows made after it; of a dataset version, only its file), everything outside those folders,
 * never the live database or scratch space.
 */
export function planFiles(files: string[], snapshot: Pick<Snapshot, "rows" | "outputBytes">, databaseName: string): PlannedFile[] {
  const live = new Set(["", "-wal", "-shm", "-journal"].map((s) => databaseName + s));
  const planned: PlannedFile[] = [];
  for (const file of files) {
    if (live.has(file) || TRANSIENT_FILES.has(file) || TRANSIENT_FOLDERS.some((f) => file.startsWith(f))) continue;
    const folder = ROW_FOLDERS.find((f) => file.startsWith(`${f}/`));
    if (!folder) {
      planned.push({ path: file });
      continue;
    }
    const [id, ...rest] = file.slice(folder.length + 1).split("/");
    if (rest.length === 0 || !snapshot.rows[folder].has(id)) continue;
    if (folder === "datasets" && rest.join("/") !== VERSION_FILE) continue;
    planned.push(folder === "jobs" && rest.join("/") === "output.csv" ? { path: file, limit: snapshot.outputBytes.get(id) ?? 0 } : { path: file });
  }
  return planned;
}

/** Copies the planned files into `into`; returns their manifest entries and the required files that were gone or short. */
function copyFiles(dataDir: string, into: string, planned: PlannedFile[], required: Set<string>, log: Log): { files: BackupFile[]; missing: string[] } {
  const sizes = planned.map((p) => {
    try {
      return Math.min(fs.statSync(path.join(dataDir, p.path)).size, p.limit ?? Infinity);
    } catch {
      return 0;
    }
  });
  const total = sizes.reduce((a, b) => a + b, 0);
  const report = progressLog(log, `files (${planned.length})`, mib);
  const files: BackupFile[] = [];
  const short = new Map<string, string>();
  let done = 0;
  planned.forEach((p, i) => {
    let fd: number;
    try {
      fd = fs.openSync(path.join(dataDir, p.path), "r");
    } catch (e) {
      // Deleted since it was listed: only a loss when the snapshot needs it (below).
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
      return;
    }
    try {
      const dest = path.join(into, ...p.path.split("/"));
      fs.mkdirSync(path.dirname(dest), { recursive: true, mode: 0o700 });
      const copied = copyHashed(fd, dest, p.limit);
      if (p.limit !== undefined && copied.bytes < p.limit) short.set(p.path, `${p.path} (${copied.bytes} of its ${p.limit} committed bytes)`);
      files.push({ path: p.path, ...copied });
    } finally {
      fs.closeSync(fd);
    }
    done += sizes[i];
    report(done, total);
  });
  report(total, total);
  const copied = new Set(files.map((f) => f.path));
  const missing = [...required].filter((r) => short.has(r) || !copied.has(r)).map((r) => short.get(r) ?? `${r} (not there)`);
  return { files, missing };
}

function workbenchVersion(): string {
  try {
    return String((JSON.parse(fs.readFileSync(path.join(process.cwd(), "package.json"), "utf8")) as { version?: string }).version ?? "unknown");
  } catch {
    return "unknown";
  }
}

const fsyncDir = (dir: string) => {
  const fd = fs.openSync(dir, "r");
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
};

/**
 * Writes a backup of the workbench whose database is `databaseFile` and whose files are under
 * `dataDir` into a new folder in `into` (made under a temporary name, renamed when complete).
 * Returns the folder and its manifest.
 */
export async function backupWorkbench(opts: {
  dataDir: string;
  databaseFile: string;
  into: string;
  log?: Log;
  now?: Date;
}): Promise<{ dir: string; manifest: BackupManifest }> {
  const log = opts.log ?? (() => undefined);
  if (!fs.existsSync(opts.databaseFile)) throw new BackupError(`There is no workbench database at ${opts.databaseFile} (check WORKBENCH_DATA_DIR)`);
  const inside = path.relative(path.resolve(opts.dataDir), path.resolve(opts.into));
  // Inside the data folder, each backup would hold the ones before it (and itself, half-made).
  if (inside !== ".." && !inside.startsWith(`..${path.sep}`) && !path.isAbsolute(inside))
    throw new BackupError(`${opts.into} is inside the data folder ${opts.dataDir}; write backups elsewhere (another disk is best)`);
  const now = opts.now ?? new Date();
  const name = BACKUP_PREFIX + now.toISOString().replace(/[:.]/g, "-");
  fs.mkdirSync(opts.into, { recursive: true, mode: 0o700 });
  const temp = path.join(opts.into, `.partial-${name}-${process.pid}`);
  try {
    for (let attempt = 1; ; attempt++) {
      fs.rmSync(temp, { recursive: true, force: true });
      fs.mkdirSync(temp, { mode: 0o700 });
      const databaseName = path.basename(opts.databaseFile);
      const snapshotFile = path.join(temp, databaseName);
      log(`backing up ${opts.dataDir}${attempt > 1 ? ` (attempt ${attempt})` : ""}`);
      await snapshotDatabase(opts.databaseFile, snapshotFile, log);
      const snapshot = inspectSnapshot(snapshotFile);
      // After the snapshot: every file it refers to was written before it, so is there now.
      const planned = planFiles(listFiles(opts.dataDir), snapshot, databaseName);
      const { files, missing } = copyFiles(opts.dataDir, temp, planned, new Set(snapshot.required), log);
      if (missing.length && attempt < MAX_ATTEMPTS) {
        // Deleted after the snapshot (a job deleted meanwhile): a new snapshot no longer refers to them.
        log(`  ${missing.length} file(s) the snapshot refers to went away while copying (${missing.slice(0, 3).join(", ")}); taking a new snapshot`);
        continue;
      }
      if (missing.length) log(`warning: the data folder lacks files its database refers to; the backup lacks them too:\n  ${missing.join("\n  ")}`);
      const manifest: BackupManifest = {
        format: BACKUP_FORMAT,
        formatVersion: BACKUP_FORMAT_VERSION,
        createdAt: now.toISOString(),
        workbenchVersion: workbenchVersion(),
        schema: { migrations: snapshot.migrations },
        files: [{ path: databaseName, ...hashSnapshot(snapshotFile) }, ...files],
      };
      writeManifest(temp, manifest);
      fsyncDir(temp);
      let dir = path.join(opts.into, name);
      for (let n = 2; fs.existsSync(dir); n++) dir = path.join(opts.into, `${name}-${n}`);
      fs.renameSync(temp, dir);
      fsyncDir(opts.into);
      return { dir, manifest };
    }
  } catch (e) {
    fs.rmSync(temp, { recursive: true, force: true });
    throw e;
  }
}

function hashSnapshot(file: string): { bytes: number; sha256: string } {
  fs.chmodSync(file, 0o600); // SQLite made it with the usual mode; it holds every secret
  const fd = fs.openSync(file, "r+");
  try {
    fs.fsyncSync(fd);
    return copyHashed(fd, null);
  } finally {
    fs.closeSync(fd);
  }
}

/** The backup in `from`: that folder when it holds a manifest, else the newest complete backup in it. */
export function findBackup(from: string): string {
  if (!fs.existsSync(from)) throw new BackupError(`${from} does not exist`);
  if (!fs.statSync(from).isDirectory()) throw new BackupError(`${from} is not a folder: name a backup folder, or a folder of them`);
  if (fs.existsSync(path.join(from, MANIFEST_FILE))) return from;
  const backups = fs
    .readdirSync(from)
    .filter((n) => n.startsWith(BACKUP_PREFIX) && fs.existsSync(path.join(from, n, MANIFEST_FILE)))
    .sort();
  if (backups.length === 0)
    throw new BackupError(`${from} holds no backup (no ${MANIFEST_FILE} in it or in a ${BACKUP_PREFIX}… folder; a backup that did not finish has none)`);
  return path.join(from, backups[backups.length - 1]);
}

/**
 * Restores the backup in `from` (see findBackup) into the data folder `to`, which must be empty
 * or absent. The whole backup is checked against its manifest before anything is written, and
 * each file again as it is copied; the files go to a folder inside `to`, moved in place at the end.
 */
export function restoreWorkbench(opts: { from: string; to: string; log?: Log }): { dir: string; manifest: BackupManifest } {
  const log = opts.log ?? (() => undefined);
  const dir = findBackup(opts.from);
  const entries = fs.existsSync(opts.to) ? fs.readdirSync(opts.to) : [];
  if (entries.length) {
    throw new BackupError(
      `${opts.to} is not empty (it holds ${entries.slice(0, 5).join(", ")}${entries.length > 5 ? ", …" : ""}); restore only into an empty or new folder, so that nothing there is overwritten`,
    );
  }
  log(`checking the backup ${dir} (made ${readManifest(dir).createdAt})`);
  const manifest = verifyBackup(
    dir,
    progressLog(log, "checked", (n) => `${n} files`),
  );
  const known = new Set(migrationTags().values());
  const unknown = manifest.schema.migrations.filter((m) => !known.has(m));
  if (unknown.length) {
    throw new BackupError(
      `The backup was made by a newer workbench (${manifest.workbenchVersion}) whose database has migrations this one does not know; restore it with that version or a later one`,
      unknown,
    );
  }
  fs.mkdirSync(opts.to, { recursive: true, mode: 0o700 });
  const staging = path.join(opts.to, ".restoring");
  fs.mkdirSync(staging, { mode: 0o700 });
  try {
    const total = manifest.files.reduce((a, f) => a + f.bytes, 0);
    const report = progressLog(log, `restored (${manifest.files.length} files)`, mib);
    let done = 0;
    for (const f of manifest.files) {
      const dest = path.join(staging, ...f.path.split("/"));
      fs.mkdirSync(path.dirname(dest), { recursive: true, mode: 0o700 });
      const fd = fs.openSync(path.join(dir, ...f.path.split("/")), "r");
      try {
        // Checked again as copied: the backup could have changed since it was verified.
        const copied = copyHashed(fd, dest);
        if (copied.bytes !== f.bytes || copied.sha256 !== f.sha256)
          throw new BackupError(`The backup in ${dir} changed while it was restored; nothing was restored`, [f.path]);
      } finally {
        fs.closeSync(fd);
      }
      done += f.bytes;
      report(done, total);
    }
    for (const name of fs.readdirSync(staging)) fs.renameSync(path.join(staging, name), path.join(opts.to, name));
    fs.rmdirSync(staging);
    fsyncDir(opts.to);
  } catch (e) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw e;
  }
  return { dir, manifest };
}
