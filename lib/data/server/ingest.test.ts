import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { AppError } from "@/lib/shared/errors";
import { getDataset, getRows, listDatasets, overrideColumnTypes, readTypedRows } from "./datasets";
import { ingestData, ingestDataset } from "./ingest";

const unique = (p: string) => `${p}-${Math.random().toString(36).slice(2, 8)}`;
const source = (text: string, chunkBytes = 7) => {
  const buf = Buffer.from(text);
  const chunks: Buffer[] = [];
  for (let i = 0; i < buf.length; i += chunkBytes) chunks.push(buf.subarray(i, i + chunkBytes));
  return { sourceKind: "upload" as const, source: "t.csv", fileName: "t.csv", stream: Readable.from(chunks), maxBytes: 1 << 20 };
};
const countRows = () => (getDb().$client.prepare("SELECT count(*) AS n FROM dataset_rows").get() as { n: number }).n;

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

  it("removes every stored row when parsing fails half-way", async () => {
    const before = countRows();
    const good = Array.from({ length: 12_000 }, (_, i) => `${i},x`).join("\n");
    const err = await ingestDataset(unique("ragged"), source(`a,b\n${good}\n1,2,3\n`, 4096)).catch((e) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err.errors[0].field).toBe("file");
    expect(countRows()).toBe(before);
  });

  it("refuses data over the size limit with 413 naming the field", async () => {
    const before = countRows();
    const err = await ingestDataset(unique("big"), { ...source("a\n" + "1\n".repeat(5000)), maxBytes: 1000, field: "url" }).catch((e) => e);
    expect(err.code).toBe("TOO_LARGE");
    expect(err.errors[0].field).toBe("url");
    expect(countRows()).toBe(before);
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

  it("a full disk mid-ingest is a 507 naming the field, and nothing of the data stays", async () => {
    const sqlite = getDb().$client;
    const before = countRows();
    const versions = () => (sqlite.prepare("SELECT count(*) AS n FROM dataset_versions").get() as { n: number }).n;
    const versionsBefore = versions();
    const pages = sqlite.pragma("page_count", { simple: true }) as number;
    const pageSize = sqlite.pragma("page_size", { simple: true }) as number;
    // SQLite's own limit: past 256 KiB more, its writes fail with SQLITE_FULL, as on a full disk.
    sqlite.pragma(`max_page_count = ${pages + Math.ceil((256 * 1024) / pageSize)}`);
    try {
      // More than the free pages other test files' deletions left in this shared database can hold, and the 256 KiB.
      const free = (sqlite.pragma("freelist_count", { simple: true }) as number) * pageSize;
      const rows = Array.from({ length: 40_000 + Math.ceil(free / 30) }, (_, i) => `${i},some text to fill the page ${i}`).join("\n");
      const err = await ingestDataset(unique("full"), { ...source(`a,b\n${rows}\n`, 64 * 1024), maxBytes: 64 << 20 }).catch((e) => e);
      expect(err).toBeInstanceOf(AppError);
      expect(err.code).toBe("INSUFFICIENT_STORAGE");
      expect(err.errors).toEqual([{ field: "file", message: "no space left on device" }]);
      expect(err.message).toMatch(/^No space left on device/);
      expect(countRows()).toBe(before);
      expect(versions()).toBe(versionsBefore);
      // The space it took is free again: a small file fits.
      expect((await ingestDataset(unique("fits"), source("a\n1\n"))).rowCount).toBe(1);
    } finally {
      sqlite.pragma("max_page_count = 4294967294");
    }
  });
});
