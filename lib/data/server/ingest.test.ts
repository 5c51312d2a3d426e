import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { describe, expect, it, vi } from "vitest";
import { getDb } from "@/db/client";
import { AppError, isDiskFull } from "@/lib/shared/errors";
import { convertUpload } from "./convert";
import { getDataset, getRows, listDatasets, overrideColumnTypes, readTypedRows } from "./datasets";
import { PENDING_PREFIX, ingestData, ingestDataset } from "./ingest";
import { datasetsDir } from "./store";

const unique = (p: string) => `${p}-${Math.random().toString(36).slice(2, 8)}`;
const source = (text: string, chunkBytes = 7) => {
  const buf = Buffer.from(text);
  const chunks: Buffer[] = [];
  for (let i = 0; i < buf.length; i += chunkBytes) chunks.push(buf.subarray(i, i + chunkBytes));
  return { sourceKind: "upload" as const, source: "t.csv", fileName: "t.csv", stream: Readable.from(chunks), maxBytes: 1 << 20 };
};

/**
 * Runs an ingest that fails, and gives its error and what it left: versions still pending (their
 * names carry this pid; other test files run in other processes) and, of the version folders it
 * made (`made`: fs.mkdirSync under datasets/), those still there. Nothing, once it has failed.
 */
async function failedIngest(run: () => Promise<unknown>): Promise<{ error: AppError | null; made: number; left: { pending: number; folders: string[] } }> {
  const mkdir = vi.spyOn(fs, "mkdirSync");
  let error: AppError | null = null;
  let made: string[];
  try {
    await run();
  } catch (e) {
    error = e as AppError;
  } finally {
    made = mkdir.mock.calls.map((c) => String(c[0])).filter((dir) => path.dirname(dir) === datasetsDir());
    mkdir.mockRestore();
  }
  const pending = getDb()
    .$client.prepare("SELECT count(*) AS n FROM dataset_versions WHERE substr(name, 1, ?) = ?")
    .get(PENDING_PREFIX.length + String(process.pid).length + 1, `${PENDING_PREFIX}${process.pid}/`) as { n: number };
  return { error, made: made.length, left: { pending: pending.n, folders: made.filter((dir) => fs.existsSync(dir)) } };
}
const NOTHING_LEFT = { pending: 0, folders: [] };

/** A tmpfs of `bytes` over a new folder, where this process may mount one (root with CAP_SYS_ADMIN); null elsewhere. */
function smallDisk(bytes: number): { dir: string; unmount(): void } | null {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "small-disk-"));
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", `size=${bytes}`, "tmpfs", dir], { stdio: "ignore" });
  } catch {
    fs.rmdirSync(dir);
    return null;
  }
  return {
    dir,
    unmount: () => {
      execFileSync("umount", ["-l", dir], { stdio: "ignore" });
      fs.rmdirSync(dir);
    },
  };
}

describe("ingestDataset", () => {
  it("stores a version with schema, size, hash and typed rows", async () => {
    const name = unique("sales");
    const csv = "week,store,qty,Price (€)\n2024-01-01,a,3,1.5\n2024-01-08,b,,2\n";
    const v = await ingestDataset(name, source(csv));
    expect(v).toMatchObject({ name, version: 1, rowCount: 2, sizeBytes: Buffer.byteLength(csv), format: "csv" });
    expect(v.contentHash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(v.columns.map((c) => [c.name, c.type, c.nullCount])).toEqual([
      ["week", "datetime", 0],
      ["store", "category", 0],
      ["qty", "integer", 1],
      ["Price (€)", "number", 0],
    ]);
    expect((await getRows(v.id, 1, 10)).rows).toEqual([{ week: "2024-01-08T00:00:00.000Z", store: "b", qty: null, "Price (€)": 2 }]);
  });

  it("makes version n+1 for the same name and leaves version n alone", async () => {
    const name = unique("versions");
    const v1 = await ingestDataset(name, source("a\n1\n"));
    const v2 = await ingestDataset(name, source("a\n1\n2\n"));
    expect(v2.version).toBe(2);
    expect(getDataset(v1.id).rowCount).toBe(1);
    expect(listDatasets({ name }).map((v) => v.version)).toEqual([2, 1]);
    expect(getDataset(v2.id).versions.map((v) => v.version)).toEqual([2, 1]);
  });

  it("removes everything stored when parsing fails half-way", async () => {
    const good = Array.from({ length: 12_000 }, (_, i) => `${i},x`).join("\n");
    const { error: err, made, left } = await failedIngest(() => ingestDataset(unique("ragged"), source(`a,b\n${good}\n1,2,3\n`, 4096)));
    expect(err).toBeInstanceOf(AppError);
    expect(err?.errors[0].field).toBe("file");
    expect(made).toBe(1);
    expect(left).toEqual(NOTHING_LEFT);
  });

  it("refuses data over the size limit with 413 naming the field", async () => {
    const { error: err, left } = await failedIngest(() =>
      ingestDataset(unique("big"), { ...source("a\n" + "1\n".repeat(5000)), maxBytes: 1000, field: "url" }),
    );
    expect(err?.code).toBe("TOO_LARGE");
    expect(err?.errors[0].field).toBe("url");
    expect(left).toEqual(NOTHING_LEFT);
  });

  it("keeps a version invisible until it is finalized", async () => {
    const name = unique("pending");
    const data = await ingestData(source("a\n1\n"));
    expect(listDatasets({ name })).toEqual([]);
    const v = data.finalize(name);
    expect(listDatasets({ name }).map((x) => x.id)).toEqual([v.id]);
  });

  it("overrides a column type without touching the stored values", async () => {
    const v = await ingestDataset(unique("override"), source("code,n\n7,1\n8,2\n"));
    const changed = overrideColumnTypes(v.id, { columns: [{ name: "code", type: "category" }] });
    expect(changed.columns[0]).toMatchObject({ type: "category", inferredType: "integer" });
    expect((await readTypedRows(v.id)).rows[0]).toEqual({ code: "7", n: 1 });
    expect(() => overrideColumnTypes(v.id, { columns: [{ name: "nope", type: "text" }] })).toThrow(/unknown column/);
  });

  it("keeps cells spanning lines in a JSON file whose later rows bring new keys", async () => {
    const json = JSON.stringify([
      { a: "one\nline, two", b: 1 },
      { a: 'say "hi"\r\n', b: 2, c: "late" },
      { a: null, b: 3, c: "ü" },
    ]);
    const v = await ingestDataset(unique("multiline"), { ...source(json), fileName: "t.json" });
    expect((await readTypedRows(v.id)).rows).toEqual([
      { a: "one\nline, two", b: 1, c: null },
      { a: 'say "hi"\r\n', b: 2, c: "late" },
      { a: null, b: 3, c: "ü" },
    ]);
  });

  it("a full disk under the upload's file is a 507 naming the field; nothing of the data stays, and a smaller file fits", async () => {
    // The disk is full once a file reaches 256 KiB (WORKBENCH_FAULT_FILE_FULL_AFTER_BYTES, read as the modules load).
    vi.stubEnv("WORKBENCH_FAULT_FILE_FULL_AFTER_BYTES", String(256 * 1024));
    vi.resetModules();
    const full = await import("./ingest");
    vi.unstubAllEnvs();
    const rows = Array.from({ length: 40_000 }, (_, i) => `${i},some text to fill the disk ${i}`).join("\n");
    const {
      error: err,
      made,
      left,
    } = await failedIngest(() => full.ingestDataset(unique("full"), { ...source(`a,b\n${rows}\n`, 64 * 1024), maxBytes: 64 << 20 }));
    // (Its AppError is of the modules loaded again.)
    expect(err).toMatchObject({ code: "INSUFFICIENT_STORAGE", errors: [{ field: "file", message: "no space left on device" }] });
    expect(err?.message).toMatch(/^No space left on device/);
    expect(made).toBe(1);
    expect(left).toEqual(NOTHING_LEFT);
    expect((await full.ingestDataset(unique("fits"), source("a\n1\n"))).rowCount).toBe(1);
  });

  it("DuckDB's own write meeting a full disk fails with an error isDiskFull knows (ingest's 507), on either way in", async ({ skip }) => {
    const disk = smallDisk(64 * 1024);
    if (!disk) return skip("this process may not mount a file system");
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "convert-"));
    try {
      // Hex text Parquet cannot squeeze into 64 KiB.
      const cells = Array.from({ length: 20_000 }, (_, i) => `${i},${(i * 2654435761).toString(16)}${(i * 40503).toString(16)}`);
      fs.writeFileSync(path.join(work, "plain.csv"), `a,b\n${cells.join("\n")}\n`);
      fs.writeFileSync(path.join(work, "t.jsonl"), cells.map((c) => JSON.stringify({ a: c.split(",")[0], b: c.split(",")[1] })).join("\n"));
      for (const [file, format] of [
        ["plain.csv", "csv"],
        ["t.jsonl", "jsonl"],
      ] as const) {
        const err = await convertUpload(path.join(work, file), format, path.join(disk.dir, "data.parquet"), path.join(work, "scratch.csv")).catch((e) => e);
        expect(err, format).toBeInstanceOf(Error);
        expect(isDiskFull(err), `${format}: ${err.message}`).toBe(true);
        fs.rmSync(path.join(disk.dir, "data.parquet"), { force: true });
      }
    } finally {
      disk.unmount();
      fs.rmSync(work, { recursive: true, force: true });
    }
  });
});
