import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import Database from "better-sqlite3";
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { jobs, models } from "@/db/schema";
import { duckRows, sqlString } from "@/lib/data/server/duck";
import { ingestDataset, PENDING_PREFIX } from "@/lib/data/server/ingest";
import { versionFile } from "@/lib/data/server/store";
import { insertJobRow } from "@/lib/integrate/server/batch/test-fixtures";
import { env } from "@/lib/shared/env";
import { BackupError } from "./backup-manifest";
import { backupWorkbench, findBackup, planFiles, restoreWorkbench } from "./backup";

const made: string[] = [];
const tempDir = (name: string) => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), `${name}-`));
  made.push(d);
  return d;
};
afterEach(() => {
  for (const d of made.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

const inData = (rel: string, content: string) => {
  const file = path.join(env.dataDir, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
};

const addJob = (id: string, status: "running" | "succeeded", outputBytes: number) => insertJobRow(id, { status, outputBytes });

describe("planFiles", () => {
  const snapshot = {
    rows: { jobs: new Set(["job_a"]), "artifacts/models": new Set(["mdl_a"]), "artifacts/runs": new Set<string>(), datasets: new Set(["ds_a"]) },
    outputBytes: new Map([["job_a", 12]]),
  };

  it("keeps the folders of rows in the snapshot (a version's file alone), cuts a job's output to its committed bytes, leaves out the live database, the load signal and scratch space", () => {
    const files = [
      "workbench.sqlite",
      "workbench.sqlite-wal",
      "workbench.sqlite-shm",
      "realtime.beat",
      ".samples-seeded",
      "shop.json",
      "jobs/job_a/input.csv",
      "jobs/job_a/output.csv",
      "jobs/job_new/input.csv",
      "artifacts/models/mdl_a/manifest.json",
      "artifacts/models/mdl_new/manifest.json",
      "artifacts/runs/run_new/model.json",
      "datasets/ds_a/data.parquet",
      "datasets/ds_a/data.parquet.migrating-123",
      "datasets/ds_new/upload.csv",
      "tmp/duckdb/123/duckdb_temp_storage-0.tmp",
    ];
    expect(planFiles(files, snapshot, "workbench.sqlite")).toEqual([
      { path: ".samples-seeded" },
      { path: "shop.json" },
      { path: "jobs/job_a/input.csv" },
      { path: "jobs/job_a/output.csv", limit: 12 },
      { path: "artifacts/models/mdl_a/manifest.json" },
      { path: "datasets/ds_a/data.parquet" },
    ]);
  });
});

describe("backupWorkbench and restoreWorkbench", () => {
  it("back up the database and the files it refers to; a running job's output only to its committed bytes; restore them into an empty folder", async () => {
    const id = `job_bk_${process.pid}`;
    addJob(id, "running", 12);
    inData(`jobs/${id}/input.csv`, "a,b\n1,2\n3,4\n");
    // 12 committed bytes, then a chunk written but not committed when the snapshot was taken.
    inData(`jobs/${id}/output.csv`, "a,b,p\n1,2,3\n3,4,7\n");
    inData(`jobs/job_after_${process.pid}/input.csv`, "made after the snapshot");
    inData("realtime.beat", "0.5");
    inData("shop.json", '{"key":"secret"}\n');
    const into = tempDir("backups");
    const lines: string[] = [];
    const { dir, manifest } = await backupWorkbench({ dataDir: env.dataDir, databaseFile: env.databaseFile, into, log: (l) => lines.push(l) });

    expect(path.dirname(dir)).toBe(into);
    expect(fs.readdirSync(into)).toEqual([path.basename(dir)]); // the temporary folder was renamed
    const paths = manifest.files.map((f) => f.path);
    expect(paths).toContain("workbench.sqlite");
    expect(paths).toContain("shop.json");
    expect(paths).toContain(`jobs/${id}/input.csv`);
    expect(paths).not.toContain("realtime.beat");
    for (const f of paths) expect(fs.statSync(path.join(dir, f)).mode & 0o077, f).toBe(0);
    expect(paths.filter((p) => p.includes("job_after_"))).toEqual([]);
    expect(manifest.schema.migrations[0]).toBe("0000_init");
    expect(manifest.files.find((f) => f.path === `jobs/${id}/output.csv`)?.bytes).toBe(12);
    expect(lines.some((l) => l.startsWith("  database:"))).toBe(true);
    expect(lines.some((l) => l.startsWith("  files ("))).toBe(true);

    const to = path.join(tempDir("restored"), "data");
    restoreWorkbench({ from: into, to });
    expect(fs.readFileSync(path.join(to, `jobs/${id}/output.csv`), "utf8")).toBe("a,b,p\n1,2,3\n");
    expect(fs.readFileSync(path.join(to, "shop.json"), "utf8")).toBe('{"key":"secret"}\n');
    expect(fs.existsSync(path.join(to, ".restoring"))).toBe(false);
    const restored = new Database(path.join(to, "workbench.sqlite"), { readonly: true });
    expect(restored.prepare("SELECT status, output_bytes AS b FROM jobs WHERE id = ?").get(id)).toEqual({ status: "running", b: 12 });
    restored.close();

    // Into a folder that now holds the restored data: refused, nothing written.
    expect(() => restoreWorkbench({ from: dir, to })).toThrow(/is not empty \(it holds .*workbench\.sqlite.*\); restore only into an empty or new folder/);
  });

  it("back up each ready dataset version's Parquet file, not what an ingest has in the making or scratch space, and restore it whole", async () => {
    const csv = 'name,qty\n"Müller, Jörg",3\nZoë,\n';
    const ready = await ingestDataset(`backup ${process.pid}`, {
      sourceKind: "upload",
      source: "t.csv",
      fileName: "t.csv",
      stream: Readable.from([Buffer.from(csv)]),
      maxBytes: 1 << 20,
    });
    // An upload in flight (its version ingesting, its file half written) and a version still stored as database rows.
    const sqlite = getDb().$client;
    const insertVersion = sqlite.prepare(
      "INSERT INTO dataset_versions (id, name, version, status, source_kind, source, format, row_count, columns, created_at) VALUES (?, ?, ?, ?, 'upload', 't.csv', 'csv', ?, '[]', ?)",
    );
    const ingesting = `ds_bk_ingesting_${process.pid}`;
    insertVersion.run(ingesting, `${PENDING_PREFIX}${process.pid}/${ingesting}`, 0, "ingesting", 0, Date.now());
    inData(`datasets/${ingesting}/upload.csv`, "a\n1\n");
    const inRows = `ds_bk_rows_${process.pid}`;
    insertVersion.run(inRows, `rows ${process.pid}`, 1, "ready", 1, Date.now());
    sqlite.prepare("INSERT INTO dataset_rows (version_id, idx, data) VALUES (?, 0, '[1]')").run(inRows);
    // A DuckDB spill file of a process that ended (no pid is above 2^22).
    inData(`tmp/duckdb/${4_194_304 + 9}/duckdb_temp_storage-0.tmp`, "spilled");
    try {
      const lines: string[] = [];
      const { dir, manifest } = await backupWorkbench({
        dataDir: env.dataDir,
        databaseFile: env.databaseFile,
        into: tempDir("backups"),
        log: (l) => lines.push(l),
      });
      const paths = manifest.files.map((f) => f.path);
      expect(paths).toContain(`datasets/${ready.id}/data.parquet`);
      expect(paths.filter((p) => p.includes(ingesting) || p.includes(inRows) || p.startsWith("tmp/"))).toEqual([]);
      // The version still in database rows needs no file; the ready one's was there.
      expect(lines.filter((l) => l.includes(inRows) || l.includes(ready.id))).toEqual([]);

      const to = path.join(tempDir("restored"), "data");
      restoreWorkbench({ from: dir, to });
      const rows = (file: string) => duckRows(`SELECT * FROM read_parquet(${sqlString(file)})`);
      expect(await rows(path.join(to, "datasets", ready.id, "data.parquet"))).toEqual(await rows(versionFile(ready.id)));
      expect(await rows(path.join(to, "datasets", ready.id, "data.parquet"))).toEqual([
        ["Müller, Jörg", "3"],
        ["Zoë", null],
      ]);
      const restored = new Database(path.join(to, "workbench.sqlite"), { readonly: true });
      expect(restored.prepare("SELECT data FROM dataset_rows WHERE version_id = ?").all(inRows)).toEqual([{ data: "[1]" }]);
      restored.close();

      // A ready version's file gone from the data folder: the backup says so.
      fs.rmSync(versionFile(ready.id));
      const warned: string[] = [];
      await backupWorkbench({ dataDir: env.dataDir, databaseFile: env.databaseFile, into: tempDir("backups"), log: (l) => warned.push(l) });
      expect(warned.join("\n")).toContain(`datasets/${ready.id}/data.parquet (not there)`);
    } finally {
      sqlite.prepare("DELETE FROM dataset_rows WHERE version_id = ?").run(inRows);
      sqlite.prepare("DELETE FROM dataset_versions WHERE id IN (?, ?, ?)").run(ingesting, inRows, ready.id);
      fs.rmSync(path.join(env.dataDir, "datasets", ingesting), { recursive: true, force: true });
      fs.rmSync(path.join(env.dataDir, "datasets", ready.id), { recursive: true, force: true });
      fs.rmSync(path.join(env.dataDir, "tmp", "duckdb", String(4_194_304 + 9)), { recursive: true, force: true });
    }
  });

  it("takes a new snapshot when a file the snapshot refers to is deleted before it is copied", async () => {
    const id = `job_gone_${process.pid}`;
    addJob(id, "succeeded", 4);
    inData(`jobs/${id}/input.csv`, "a\n1\n");
    inData(`jobs/${id}/output.csv`, "a,p\n");
    const lines: string[] = [];
    let deleted = false;
    const { manifest } = await backupWorkbench({
      dataDir: env.dataDir,
      databaseFile: env.databaseFile,
      into: tempDir("backups"),
      log: (l) => {
        lines.push(l);
        // The job is deleted (row and folder) right after the first snapshot, before the copy.
        if (!deleted && l.startsWith("  database:") && l.includes("(100 %)")) {
          deleted = true;
          getDb().delete(jobs).where(eq(jobs.id, id)).run();
          fs.rmSync(path.join(env.dataDir, "jobs", id), { recursive: true });
        }
      },
    });
    expect(deleted).toBe(true);
    // (The first attempt's line names at most three missing files, and other test files' jobs share this database.)
    expect(lines.join("\n")).toMatch(/went away while copying \(.*\(not there\).*\); taking a new snapshot/);
    expect(lines).toContain(`backing up ${env.dataDir} (attempt 2)`);
    expect(manifest.files.map((f) => f.path).filter((p) => p.includes(id))).toEqual([]);
  });

  it("warns, after its attempts, of files the data folder lacks though its database refers to them", async () => {
    const id = `mdl_nofiles_${process.pid}`;
    getDb()
      .insert(models)
      .values({ id, name: `m ${id}`, version: 1, manifest: {}, createdAt: new Date() })
      .run();
    const lines: string[] = [];
    await backupWorkbench({ dataDir: env.dataDir, databaseFile: env.databaseFile, into: tempDir("backups"), log: (l) => lines.push(l) });
    expect(lines.join("\n")).toContain(
      `warning: the data folder lacks files its database refers to; the backup lacks them too:\n  artifacts/models/${id}/manifest.json (not there)`,
    );
    getDb().delete(models).where(eq(models.id, id)).run();
  });

  it("findBackup takes the newest complete backup of a folder of them, never a partial one", async () => {
    const into = tempDir("backups");
    const older = await backupWorkbench({ dataDir: env.dataDir, databaseFile: env.databaseFile, into, now: new Date("2026-01-01T00:00:00Z") });
    const newer = await backupWorkbench({ dataDir: env.dataDir, databaseFile: env.databaseFile, into, now: new Date("2026-02-01T00:00:00Z") });
    fs.mkdirSync(path.join(into, "workbench-2026-03-01T00-00-00-000Z"));
    expect(findBackup(into)).toBe(newer.dir);
    expect(findBackup(older.dir)).toBe(older.dir);
    expect(() => findBackup(tempDir("empty"))).toThrow(BackupError);
  });

  it("refuses to write a backup inside the data folder, which the next backup would copy", async () => {
    for (const into of [env.dataDir, path.join(env.dataDir, "backups")]) {
      await expect(backupWorkbench({ dataDir: env.dataDir, databaseFile: env.databaseFile, into })).rejects.toThrow(/is inside the data folder/);
    }
    expect(fs.existsSync(path.join(env.dataDir, "backups"))).toBe(false);
  });

  it("refuses a backup of a newer workbench's schema", async () => {
    const { dir, manifest } = await backupWorkbench({ dataDir: env.dataDir, databaseFile: env.databaseFile, into: tempDir("backups") });
    fs.writeFileSync(path.join(dir, "manifest.json"), JSON.stringify({ ...manifest, schema: { migrations: [...manifest.schema.migrations, "9999_future"] } }));
    const to = path.join(tempDir("restored"), "data");
    expect(() => restoreWorkbench({ from: dir, to })).toThrow(/newer workbench[\s\S]*9999_future/);
    expect(fs.existsSync(to)).toBe(false);
  });
});
