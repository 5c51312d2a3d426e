import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import type Database from "better-sqlite3";
import { newId } from "@/lib/shared/ids";
import { coerceRow, createTypeInferrer } from "../infer";
import type { ColumnInfo, ColumnType, DatasetFormat, RawCell, Row } from "../types";
import { parseRecords } from "./parse";

/**
 * Tests only: dataset versions as the workbench stored them before Parquet files (its ingest.ts
 * before commit 9198269): the file parsed by parse.ts, types inferred, one JSON array of raw cells
 * per row in dataset_rows, the version ready. For the tests of their migration (migrate-rows.ts).
 */

export interface LegacyVersion {
  id: string;
  name: string;
  columns: ColumnInfo[];
  /** The cells as stored, row by row. */
  stored: RawCell[][];
}

/** Writes `text` as a ready version of `name` stored as rows; `types` overrides columns afterwards, as a user could have. */
export async function writeVersionAsRows(
  sqlite: Database.Database,
  opts: { name: string; text: string; format: DatasetFormat; types?: Record<string, ColumnType> },
): Promise<LegacyVersion> {
  const id = newId("ds");
  const inferrer = createTypeInferrer();
  const stored: RawCell[][] = [];
  let names: string[] = [];
  for await (const batch of parseRecords(Readable.from([Buffer.from(opts.text)]), opts.format)) {
    names = batch.columns;
    for (const row of batch.rows) {
      inferrer.add(names, row);
      stored.push(row);
    }
  }
  const columns = inferrer.finish(names, stored.length).map((c) => ({ ...c, type: opts.types?.[c.name] ?? c.type }));
  const last = sqlite.prepare("SELECT max(version) AS v FROM dataset_versions WHERE name = ? AND status = 'ready'").get(opts.name) as { v: number | null };
  sqlite
    .prepare(
      "INSERT INTO dataset_versions (id, name, version, status, source_kind, source, format, size_bytes, row_count, columns, content_hash, created_at) VALUES (?, ?, ?, 'ready', 'upload', ?, ?, ?, ?, ?, ?, ?)",
    )
    .run(
      id,
      opts.name,
      (last.v ?? 0) + 1,
      `data.${opts.format}`,
      opts.format,
      Buffer.byteLength(opts.text),
      stored.length,
      JSON.stringify(columns),
      `sha256:${createHash("sha256").update(opts.text).digest("hex")}`,
      Date.now(),
    );
  insertLegacyRows(sqlite, id, stored);
  return { id, name: opts.name, columns, stored };
}

/** Rows as the old ingest inserted them: `idx` from 0, each row's cells as a JSON array. */
export function insertLegacyRows(sqlite: Database.Database, id: string, rows: RawCell[][]): void {
  const insert = sqlite.prepare("INSERT INTO dataset_rows (version_id, idx, data) VALUES (?, ?, ?)");
  sqlite.transaction(() => rows.forEach((r, i) => insert.run(id, i, JSON.stringify(r))))();
}

/** What the reader before Parquet files gave for a version's stored cells: coerceRow over each row. */
export const legacyRead = (columns: ColumnInfo[], stored: RawCell[][]): Row[] => stored.map((r) => coerceRow(columns, r));
