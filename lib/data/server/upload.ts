import { PassThrough, Readable } from "node:stream";
import busboy from "busboy";
import { z } from "zod";
import { env } from "@/lib/shared/env";
import { AppError } from "@/lib/shared/errors";
import { drainRest, isJsonContentType, readJson } from "@/lib/shared/http";
import type { DatasetVersion } from "../types";
import { checkDatasetName, ingestData, ingestDataset, type IngestedData, isParquetType } from "./ingest";
import { openUrl } from "./url-import";

/** Declared types that can never be tabular text; anything else is sniffed. */
const REFUSED_TYPES = /^(image|audio|video|font)\/|^application\/(pdf|zip|gzip|x-gzip|x-tar|x-7z-compressed|vnd\.|msword|x-msdownload|wasm)/;

const importSchema = z.object({ name: z.string(), url: z.string().min(1, "required").max(4096) }).strict();

function refuseType(type: string | undefined, field: string) {
  // Parquet's registered type is an application/vnd.* one, refused by the pattern otherwise.
  if (type && REFUSED_TYPES.test(type.toLowerCase()) && !isParquetType(type)) {
    throw new AppError("UNSUPPORTED_MEDIA_TYPE", `${type} is not a supported data format; send CSV, TSV, JSON, JSON Lines or Parquet.`, [
      { field, message: `unsupported type ${type}` },
    ]);
  }
}

function baseName(fileName: string): string {
  return fileName.replace(/\.[^.]+$/, "").trim() || fileName;
}

/**
 * `POST /api/datasets`: a multipart upload (`file`, `name`), a JSON URL import (`{name, url}`),
 * or a raw CSV/TSV/JSON/Parquet body with `?name=`. Every path streams; nothing is stored on failure.
 */
export async function createDatasetFromRequest(req: Request): Promise<DatasetVersion> {
  // Lower-cased for matching only: a multipart boundary is case-sensitive.
  const rawContentType = req.headers.get("content-type") ?? "";
  const contentType = rawContentType.toLowerCase();
  const declared = Number(req.headers.get("content-length") ?? "0");
  const queryName = new URL(req.url).searchParams.get("name") ?? undefined;

  if (isJsonContentType(contentType) && !queryName) {
    const body = await readJson(req, importSchema);
    const name = checkDatasetName(body.name);
    const opened = await openUrl(body.url, {
      maxBytes: env.URL_IMPORT_MAX_BYTES,
      timeoutMs: env.URL_IMPORT_TIMEOUT_MS,
      allowedHosts: env.URL_IMPORT_ALLOWED_HOSTS,
    });
    refuseType(opened.contentType, "url");
    return ingestDataset(name, {
      sourceKind: "url",
      source: opened.finalUrl,
      fileName: opened.fileName,
      contentType: opened.contentType,
      stream: opened.stream,
      maxBytes: env.URL_IMPORT_MAX_BYTES,
      field: "url",
    });
  }

  if (declared > env.MAX_UPLOAD_BYTES + 64 * 1024) {
    throw new AppError("TOO_LARGE", `Uploads are limited to ${env.MAX_UPLOAD_BYTES} bytes.`, [{ field: "file", message: "too large" }]);
  }
  if (!req.body) throw new AppError("VALIDATION", "The request has no body; send a file.", [{ field: "file", message: "required" }]);

  if (contentType.startsWith("multipart/form-data")) return ingestMultipart(req, rawContentType, queryName);

  if (/^(text\/(csv|plain|tab-separated-values)|application\/(json|x-ndjson|jsonl|octet-stream))/.test(contentType) || isParquetType(contentType)) {
    const name = checkDatasetName(queryName);
    const body = Readable.fromWeb(req.body as import("node:stream/web").ReadableStream);
    // The ingest reads a copy, which it destroys when it stops on an error; the rest of the body
    // is then drained here, so a client that keeps its connection reads the answer.
    const copy = body.pipe(new PassThrough());
    body.on("error", (e) => copy.destroy(e));
    try {
      return await ingestDataset(name, { sourceKind: "upload", source: name, contentType, stream: copy, maxBytes: env.MAX_UPLOAD_BYTES });
    } catch (e) {
      await drainRest(body);
      throw e;
    }
  }
  throw new AppError(
    "UNSUPPORTED_MEDIA_TYPE",
    `Content-Type ${contentType || "(none)"} is not accepted; send multipart/form-data with a file, JSON {name, url}, or a text/csv (or application/vnd.apache.parquet) body with ?name=.`,
    [{ field: "content-type", message: "unsupported" }],
  );
}

function ingestMultipart(req: Request, contentType: string, queryName: string | undefined): Promise<DatasetVersion> {
  return new Promise<DatasetVersion>((resolve, reject) => {
    const fields: Record<string, string> = {};
    let ingest: Promise<IngestedData> | null = null;
    let fileName = "";
    let failed = false;
    const fail = (e: unknown) => {
      if (failed) return;
      failed = true;
      reject(e);
    };

    let bb: busboy.Busboy;
    try {
      bb = busboy({
        headers: { "content-type": contentType },
        // File names arrive as UTF-8 from browsers and curl; busboy's default is Latin-1.
        defParamCharset: "utf8",
        limits: { files: 1, fields: 20, fieldSize: 64 * 1024, fileSize: env.MAX_UPLOAD_BYTES + 1 },
      });
    } catch {
      return reject(new AppError("BAD_REQUEST", "Malformed multipart/form-data request.", [{ field: "content-type", message: "no boundary" }]));
    }

    bb.on("field", (key, value) => {
      fields[key] = value;
    });
    bb.on("file", (key, file, info) => {
      if (key !== "file" || ingest) {
        file.resume();
        return;
      }
      fileName = info.filename ?? "upload";
      try {
        refuseType(info.mimeType, "file");
      } catch (e) {
        file.resume();
        return fail(e);
      }
      ingest = ingestData({
        sourceKind: "upload",
        source: fileName,
        fileName,
        contentType: info.mimeType,
        stream: file,
        maxBytes: env.MAX_UPLOAD_BYTES,
      });
      // A failed parse stops reading; drain the rest so the request completes.
      ingest.catch((e) => {
        file.resume();
        fail(e);
      });
    });
    bb.on("error", (e) => fail(new AppError("BAD_REQUEST", `Malformed multipart body: ${(e as Error).message}`, [{ field: "file", message: "malformed" }])));
    bb.on("close", async () => {
      if (failed) {
        // The ingest, if it started, discards its own rows on failure; finalize never ran.
        ingest?.then(
          (d) => d.discard(),
          () => undefined,
        );
        return;
      }
      if (!ingest) return fail(new AppError("VALIDATION", 'The form has no file part named "file".', [{ field: "file", message: "required" }]));
      try {
        const data = await ingest;
        try {
          const name = checkDatasetName(fields.name ?? queryName ?? baseName(fileName));
          resolve(data.finalize(name));
        } catch (e) {
          data.discard();
          fail(e);
        }
      } catch (e) {
        fail(e);
      }
    });

    Readable.fromWeb(req.body as import("node:stream/web").ReadableStream)
      .on("error", fail)
      .pipe(bb);
  });
}
