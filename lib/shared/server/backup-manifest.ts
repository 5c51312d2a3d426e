import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";

/**
 * A backup's manifest (`manifest.json` in the backup folder): when it was made, by which workbench
 * and schema, and every file with its size and SHA-256, so a restore can refuse a partial or
 * corrupt backup before it writes anything.
 */

export const MANIFEST_FILE = "manifest.json";
export const BACKUP_FORMAT = "ml-workbench-backup";
export const BACKUP_FORMAT_VERSION = 1;

/** A path inside the backup: relative, forward slashes, no `..`, `.` or empty segment (a manifest must not write outside the restored folder). */
const relativePath = z
  .string()
  .min(1)
  .refine((p) => !p.startsWith("/") && !p.includes("\\") && p.split("/").every((s) => s !== "" && s !== "." && s !== ".."), "not a plain relative path")
  .refine((p) => p !== MANIFEST_FILE, "the manifest itself");

const fileEntry = z.object({
  path: relativePath,
  bytes: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});
export type BackupFile = z.infer<typeof fileEntry>;

const manifestSchema = z.object({
  format: z.literal(BACKUP_FORMAT),
  formatVersion: z.literal(BACKUP_FORMAT_VERSION),
  createdAt: z.string(),
  workbenchVersion: z.string(),
  /** The migrations applied to the database, oldest first (drizzle's journal tags). */
  schema: z.object({ migrations: z.array(z.string()) }),
  files: z.array(fileEntry),
});
export type BackupManifest = z.infer<typeof manifestSchema>;

/** A backup that cannot be restored; `problems` names each file that is wrong and how. */
export class BackupError extends Error {
  constructor(
    message: string,
    readonly problems: string[] = [],
  ) {
    super(problems.length ? `${message}:\n  ${problems.join("\n  ")}` : message);
  }
}

const BUFFER_BYTES = 1 << 20;

/**
 * Copies the first `limit` bytes (all when undefined) of an open file to `dest` (or only reads
 * them), hashing as it goes. Reading from a descriptor: a file deleted meanwhile is still read whole.
 */
export function copyHashed(fd: number, dest: string | null, limit = Infinity): { bytes: number; sha256: string } {
  const hash = createHash("sha256");
  const buf = Buffer.allocUnsafe(BUFFER_BYTES);
  const out = dest === null ? null : fs.openSync(dest, "wx", 0o600);
  let bytes = 0;
  try {
    for (;;) {
      const n = fs.readSync(fd, buf, 0, Math.min(BUFFER_BYTES, limit - bytes), bytes);
      if (n === 0) break;
      hash.update(buf.subarray(0, n));
      if (out !== null) fs.writeSync(out, buf, 0, n);
      bytes += n;
    }
    if (out !== null) fs.fsyncSync(out);
  } finally {
    if (out !== null) fs.closeSync(out);
  }
  return { bytes, sha256: hash.digest("hex") };
}

export function hashFile(file: string): { bytes: number; sha256: string } {
  const fd = fs.openSync(file, "r");
  try {
    return copyHashed(fd, null);
  } finally {
    fs.closeSync(fd);
  }
}

/** Every file under `dir`, as relative forward-slash paths (sorted). */
export function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(r);
      else out.push(r);
    }
  };
  walk("");
  return out.sort();
}

export function writeManifest(dir: string, manifest: BackupManifest): void {
  fs.writeFileSync(path.join(dir, MANIFEST_FILE), JSON.stringify(manifest, null, 2) + "\n", { mode: 0o600 });
}

export function readManifest(dir: string): BackupManifest {
  const file = path.join(dir, MANIFEST_FILE);
  if (!fs.existsSync(file)) throw new BackupError(`${dir} is not a complete backup: it has no ${MANIFEST_FILE} (a backup that did not finish has none)`);
  let value: unknown;
  try {
    value = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    throw new BackupError(`${MANIFEST_FILE} in ${dir} is corrupt`, [`${MANIFEST_FILE}: not JSON (${(e as Error).message})`]);
  }
  const parsed = manifestSchema.safeParse(value);
  if (!parsed.success) {
    throw new BackupError(
      `${MANIFEST_FILE} in ${dir} is corrupt or of another format`,
      parsed.error.issues.map((i) => `${MANIFEST_FILE}: ${i.path.join(".") || "(top)"}: ${i.message}`),
    );
  }
  const seen = new Set<string>();
  const twice: string[] = [];
  for (const f of parsed.data.files) {
    if (seen.has(f.path)) twice.push(`${MANIFEST_FILE}: ${f.path} is listed twice`);
    seen.add(f.path);
  }
  if (twice.length) throw new BackupError(`${MANIFEST_FILE} in ${dir} is corrupt`, twice);
  return parsed.data;
}

/**
 * Checks a backup folder against its manifest: every listed file there with its size and
 * checksum, and nothing else. Throws a BackupError naming each file that is missing, short,
 * altered or unexpected; returns the manifest when all agree.
 */
export function verifyBackup(dir: string, onFile?: (done: number, total: number) => void): BackupManifest {
  const manifest = readManifest(dir);
  const problems: string[] = [];
  const listed = new Set(manifest.files.map((f) => f.path));
  for (const extra of listFiles(dir).filter((p) => p !== MANIFEST_FILE && !listed.has(p))) problems.push(`${extra}: not in the manifest`);
  manifest.files.forEach((f, i) => {
    const file = path.join(dir, ...f.path.split("/"));
    let actual: { bytes: number; sha256: string };
    try {
      actual = hashFile(file);
    } catch (e) {
      problems.push(`${f.path}: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "missing" : (e as Error).message}`);
      return;
    }
    if (actual.bytes !== f.bytes) problems.push(`${f.path}: ${actual.bytes} bytes, the manifest says ${f.bytes}`);
    else if (actual.sha256 !== f.sha256) problems.push(`${f.path}: its checksum differs from the manifest's (the file is corrupt)`);
    onFile?.(i + 1, manifest.files.length);
  });
  if (problems.length) throw new BackupError(`The backup in ${dir} is damaged; nothing was restored`, problems);
  return manifest;
}
