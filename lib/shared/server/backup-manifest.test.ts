import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { BACKUP_FORMAT, BACKUP_FORMAT_VERSION, BackupError, copyHashed, listFiles, verifyBackup, writeManifest, type BackupManifest } from "./backup-manifest";

const made: string[] = [];
afterEach(() => {
  for (const d of made.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

const sha = (s: string | Buffer) => createHash("sha256").update(s).digest("hex");

/** A backup folder with `files` (path → content) and a manifest that lists them as they are. */
function backupOf(files: Record<string, string>): { dir: string; manifest: BackupManifest } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "backup-manifest-"));
  made.push(dir);
  for (const [p, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, p)), { recursive: true });
    fs.writeFileSync(path.join(dir, p), content);
  }
  const manifest: BackupManifest = {
    format: BACKUP_FORMAT,
    formatVersion: BACKUP_FORMAT_VERSION,
    createdAt: new Date().toISOString(),
    workbenchVersion: "0.1.0",
    schema: { migrations: ["0000_init"] },
    files: Object.entries(files).map(([p, content]) => ({ path: p, bytes: Buffer.byteLength(content), sha256: sha(content) })),
  };
  writeManifest(dir, manifest);
  return { dir, manifest };
}

function refusal(dir: string): BackupError {
  try {
    verifyBackup(dir);
  } catch (e) {
    expect(e).toBeInstanceOf(BackupError);
    return e as BackupError;
  }
  throw new Error("expected the backup to be refused");
}

const FILES = { "workbench.sqlite": "SQLite format 3\0…", "jobs/job_1/output.csv": "a,b\n1,2\n", "shop.json": "{}\n" };

describe("copyHashed", () => {
  it("copies and hashes only the first `limit` bytes: a job's committed output, not what a running chunk wrote past it", () => {
    const { dir } = backupOf({ "output.csv": "a,b\n1,2\n3,4\n" });
    const fd = fs.openSync(path.join(dir, "output.csv"), "r");
    const dest = path.join(dir, "copy.csv");
    const copied = copyHashed(fd, dest, 8);
    fs.closeSync(fd);
    expect(copied).toEqual({ bytes: 8, sha256: sha("a,b\n1,2\n") });
    expect(fs.readFileSync(dest, "utf8")).toBe("a,b\n1,2\n");
  });

  it("reads a file deleted after it was opened whole", () => {
    const { dir } = backupOf({ "input.csv": "x\n".repeat(1000) });
    const fd = fs.openSync(path.join(dir, "input.csv"), "r");
    fs.rmSync(path.join(dir, "input.csv"));
    expect(copyHashed(fd, null)).toEqual({ bytes: 2000, sha256: sha("x\n".repeat(1000)) });
    fs.closeSync(fd);
  });
});

describe("verifyBackup", () => {
  it("accepts a backup whose files all match the manifest", () => {
    const { dir, manifest } = backupOf(FILES);
    expect(verifyBackup(dir)).toEqual(manifest);
    expect(listFiles(dir)).toEqual(["jobs/job_1/output.csv", "manifest.json", "shop.json", "workbench.sqlite"]);
  });

  it("refuses a file with a flipped byte, naming it", () => {
    const { dir } = backupOf(FILES);
    const file = path.join(dir, "jobs/job_1/output.csv");
    const bytes = fs.readFileSync(file);
    bytes[5] ^= 0x01;
    fs.writeFileSync(file, bytes);
    const e = refusal(dir);
    expect(e.problems).toEqual(["jobs/job_1/output.csv: its checksum differs from the manifest's (the file is corrupt)"]);
    expect(e.message).toContain("jobs/job_1/output.csv");
  });

  it("refuses missing, truncated and unlisted files, naming each", () => {
    const { dir } = backupOf(FILES);
    fs.rmSync(path.join(dir, "shop.json"));
    fs.truncateSync(path.join(dir, "workbench.sqlite"), 3);
    fs.writeFileSync(path.join(dir, "stray.txt"), "?");
    expect(refusal(dir).problems.sort()).toEqual([
      "shop.json: missing",
      "stray.txt: not in the manifest",
      `workbench.sqlite: 3 bytes, the manifest says ${Buffer.byteLength(FILES["workbench.sqlite"])}`,
    ]);
  });

  it("refuses a folder without a manifest as not a complete backup", () => {
    const { dir } = backupOf(FILES);
    fs.rmSync(path.join(dir, "manifest.json"));
    expect(refusal(dir).message).toMatch(/not a complete backup: it has no manifest\.json/);
  });

  it("refuses a manifest that is not JSON, of another format, or names a path outside the folder", () => {
    const { dir, manifest } = backupOf(FILES);
    fs.writeFileSync(path.join(dir, "manifest.json"), "{ not json");
    expect(refusal(dir).problems[0]).toMatch(/^manifest\.json: not JSON/);
    fs.writeFileSync(path.join(dir, "manifest.json"), JSON.stringify({ ...manifest, formatVersion: 99 }));
    expect(refusal(dir).problems.join()).toMatch(/formatVersion/);
    for (const p of ["../outside", "/etc/passwd", "jobs/../../x", "a//b"]) {
      writeManifest(dir, { ...manifest, files: [...manifest.files, { path: p, bytes: 0, sha256: sha("") }] });
      expect(refusal(dir).problems.join(), p).toMatch(/not a plain relative path/);
    }
  });

  it("refuses a manifest listing a file twice", () => {
    const { dir, manifest } = backupOf(FILES);
    writeManifest(dir, { ...manifest, files: [...manifest.files, manifest.files[1]] });
    expect(refusal(dir).problems).toEqual(["manifest.json: jobs/job_1/output.csv is listed twice"]);
  });
});
