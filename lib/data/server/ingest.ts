import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { and, eq, max } from "drizzle-orm";
import { getDb } from "@/db/client";
import { datasetProfiles, datasetVersions } from "@/db/schema";
import { AppError, diskFull, isDiskFull } from "@/lib/shared/errors";
import { newId } from "@/lib/shared/ids";
import { fileWriteStream } from "@/lib/shared/server/file-fault";
import type { DatasetFormat, DatasetVersion } from "../types";
import { type Converted, convertUpload, looksLikeParquet } from "./convert";
import { presentVersion } from "./datasets";
import { detectFormat } from "./parse";
import { removeVersionFiles, versionDir, versionFile } from "./store";

/** Bytes read before the format is decided (and binary content is sniffed). */
const SNIFF_BYTES = 64 * 1024;
export const DATASET_NAME_MAX_CHARS = 200;

export interface IngestSource {
  sourceKind: "upload" | "url" | "sample";
  /** File name of an upload, the URL of an import, the path of a sample. */
  source: string;
  fileName?: string;
  contentType?: string;
  /** Forces a format instead of detecting it. */
  format?: DatasetFormat;
  stream: AsyncIterable<Buffer | Uint8Array | string>;
  maxBytes: number;
  /** The field to name when the body is too large or unreadable: "file" or "url". */
  field?: string;
}

export interface IngestedData {
  /** Gives the version its name and number and makes it visible. */
  finalize(name: string): DatasetVersion;
  /** Removes everything stored so far. */
  discard(): void;
}

/**
 * The name of a version while it is ingesting: hidden (no dataset name starts with NUL) and
 * naming the process that ingests it, so a clean-up at start (recover.ts) can tell a live
 * ingest of another process from what a dead one left.
 */
export const PENDING_PREFIX = "\u0000pending/";
const pendingName = (id: string) => `${PENDING_PREFIX}${process.pid}/${id}`;

export function checkDatasetName(name: string | undefined | null): string {
  const n = (name ?? "").trim();
  if (!n) throw new AppError("VALIDATION", "name is required.", [{ field: "name", message: "required" }]);
  if (n.length > DATASET_NAME_MAX_CHARS)
    throw new AppError("VALIDATION", `name must be at most ${DATASET_NAME_MAX_CHARS} characters.`, [{ field: "name", message: "too long" }]);
  return n;
}

/**
 * Streams a file into a new, hidden dataset version: the bytes go to disk as they come (hashed and
 * counted, so an oversized body stops at the limit), then DuckDB turns them into the version's
 * Parquet file (convert.ts) off the event loop. Nothing is visible until `finalize`; any failure
 * removes what was written, file and row.
 */
export async function ingestData(src: IngestSource): Promise<IngestedData> {
  const db = getDb();
  const id = newId("ds");
  const field = src.field ?? "file";
  const hash = createHash("sha256");
  let sizeBytes = 0;

  const counted = countBytes(src.stream, (chunk) => {
    sizeBytes += chunk.byteLength;
    if (sizeBytes > src.maxBytes) {
      throw new AppError("TOO_LARGE", `The data is larger than the limit of ${src.maxBytes} bytes.`, [{ field, message: `larger than ${src.maxBytes} bytes` }]);
    }
    hash.update(chunk);
  });
  const { head, rest } = await peek(counted, SNIFF_BYTES);
  const format =
    src.format ?? (looksLikeParquet(head) || isParquetName(src.fileName, src.contentType) ? "parquet" : detectFormat(src.fileName, src.contentType, head));

  const discard = () => {
    db.delete(datasetVersions).where(eq(datasetVersions.id, id)).run();
    removeVersionFiles(id);
  };
  // A full disk is the server's problem, not the file's: a 507 naming the field.
  const asStored = (e: unknown) => (isDiskFull(e) ? diskFull(field, "the data") : e);

  try {
    db.insert(datasetVersions)
      .values({
        id,
        name: pendingName(id),
        version: 0,
        status: "ingesting",
        sourceKind: src.sourceKind,
        source: src.source,
        format,
        columns: [],
        createdAt: new Date(),
      })
      .run();
  } catch (e) {
    throw asStored(e);
  }

  let converted: Converted;
  try {
    const dir = versionDir(id);
    fs.mkdirSync(dir, { recursive: true });
    const upload = path.join(dir, `upload.${format}`);
    await pipeline(Readable.from(rest), fileWriteStream(upload));
    // The upload's bytes are the version's hash; the Parquet file keeps every cell of them as text.
    converted = await convertUpload(upload, format, versionFile(id), path.join(dir, "plain.csv"));
    fs.rmSync(upload, { force: true });
  } catch (e) {
    try {
      discard();
    } catch (d) {
      // The disk may be too full even to delete; the next start removes what is left (recover.ts).
      console.error(`[ingest] could not remove the unfinished version ${id}`, d);
    }
    throw asStored(e);
  }
  const { columns: info, rowCount } = converted;
  const contentHash = `sha256:${hash.digest("hex")}`;

  return {
    discard,
    finalize(rawName: string) {
      const name = checkDatasetName(rawName);
      try {
        return db.transaction((tx) => {
          const last = tx
            .select({ v: max(datasetVersions.version) })
            .from(datasetVersions)
            .where(and(eq(datasetVersions.name, name), eq(datasetVersions.status, "ready")))
            .get();
          const version = (last?.v ?? 0) + 1;
          tx.update(datasetVersions)
            .set({ name, version, status: "ready", columns: info, rowCount, sizeBytes, contentHash })
            .where(eq(datasetVersions.id, id))
            .run();
          tx.delete(datasetProfiles).where(eq(datasetProfiles.versionId, id)).run();
          const row = tx.select().from(datasetVersions).where(eq(datasetVersions.id, id)).get();
          return presentVersion(row!);
        });
      } catch (e) {
        throw asStored(e);
      }
    },
  };
}

const PARQUET_TYPES = new Set(["application/vnd.apache.parquet", "application/x-parquet", "application/parquet"]);

/** Whether a declared content type is one of Parquet's (the registered one and those in common use). */
export const isParquetType = (contentType: string | undefined | null): boolean => PARQUET_TYPES.has(contentType?.split(";")[0].trim().toLowerCase() ?? "");

/** A Parquet upload by its name or type (its bytes decide too: looksLikeParquet); one that is not Parquet inside is refused as such. */
function isParquetName(fileName: string | undefined, contentType: string | undefined): boolean {
  return /\.parquet$/i.test(fileName ?? "") || isParquetType(contentType);
}

/** Ingests and names in one go (URL imports, samples, uploads whose name is known up front). */
export async function ingestDataset(name: string, src: IngestSource): Promise<DatasetVersion> {
  checkDatasetName(name);
  const data = await ingestData(src);
  try {
    return data.finalize(name);
  } catch (e) {
    data.discard();
    throw e;
  }
}

async function* countBytes(stream: AsyncIterable<Buffer | Uint8Array | string>, onChunk: (chunk: Buffer) => void): AsyncGenerator<Buffer> {
  for await (const c of stream) {
    const chunk = typeof c === "string" ? Buffer.from(c) : Buffer.isBuffer(c) ? c : Buffer.from(c.buffer, c.byteOffset, c.byteLength);
    onChunk(chunk);
    yield chunk;
  }
}

/** Reads up to `bytes` from the front of a stream and gives back a stream that still starts there. */
async function peek(stream: AsyncGenerator<Buffer>, bytes: number): Promise<{ head: Buffer; rest: AsyncIterable<Buffer> }> {
  const buffered: Buffer[] = [];
  let size = 0;
  let done = false;
  while (size < bytes) {
    const next = await stream.next();
    if (next.done) {
      done = true;
      break;
    }
    buffered.push(next.value);
    size += next.value.byteLength;
  }
  const head = Buffer.concat(buffered).subarray(0, bytes);
  async function* rest() {
    yield* buffered;
    if (!done) yield* stream;
  }
  return { head, rest: rest() };
}
