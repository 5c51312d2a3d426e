import { and, asc, desc, eq, gte } from "drizzle-orm";
import { setImmediate as yieldToEventLoop } from "node:timers/promises";
import { z } from "zod";
import { getDb } from "@/db/client";
import { datasetProfiles, datasetRows, datasetVersions, projects, recipes, type DatasetVersionRow } from "@/db/schema";
import { AppError, notFound, validation } from "@/lib/shared/errors";
import { parseWith } from "@/lib/shared/http";
import { coerceRow } from "../infer";
import { COLUMN_TYPES, type ColumnInfo, type DatasetVersion, type RawCell, type Row } from "../types";

/** Rows read from the database per page when streaming a whole version. */
export const READ_PAGE_ROWS = 2_000;
export const MAX_ROWS_PAGE = 1_000;

export function presentVersion(row: DatasetVersionRow): DatasetVersion {
  return {
    id: row.id,
    name: row.name,
    version: row.version,
    sourceKind: row.sourceKind,
    source: row.source,
    format: row.format,
    sizeBytes: row.sizeBytes,
    rowCount: row.rowCount,
    columns: row.columns as ColumnInfo[],
    contentHash: row.contentHash,
    createdAt: row.createdAt.toISOString(),
  };
}

function getRow(id: string): DatasetVersionRow {
  const row = getDb().select().from(datasetVersions).where(eq(datasetVersions.id, id)).get();
  if (row?.status !== "ready") throw notFound("Dataset version", id);
  return row;
}

export function getDataset(id: string): DatasetVersion & { versions: { id: string; version: number; rowCount: number; createdAt: string }[] } {
  const v = presentVersion(getRow(id));
  const versions = getDb()
    .select({ id: datasetVersions.id, version: datasetVersions.version, rowCount: datasetVersions.rowCount, createdAt: datasetVersions.createdAt })
    .from(datasetVersions)
    .where(and(eq(datasetVersions.name, v.name), eq(datasetVersions.status, "ready")))
    .orderBy(desc(datasetVersions.version))
    .all()
    .map((x) => ({ ...x, createdAt: x.createdAt.toISOString() }));
  return { ...v, versions };
}

/** Every ready version, newest first; `name` narrows to one dataset's versions. */
export function listDatasets(opts: { name?: string } = {}): DatasetVersion[] {
  const where = opts.name ? and(eq(datasetVersions.status, "ready"), eq(datasetVersions.name, opts.name)) : eq(datasetVersions.status, "ready");
  return getDb().select().from(datasetVersions).where(where).orderBy(asc(datasetVersions.name), desc(datasetVersions.version)).all().map(presentVersion);
}

/** The newest ready version of a named dataset, if any. */
export function findLatestVersion(name: string): DatasetVersion | undefined {
  const row = getDb()
    .select()
    .from(datasetVersions)
    .where(and(eq(datasetVersions.name, name), eq(datasetVersions.status, "ready")))
    .orderBy(desc(datasetVersions.version))
    .limit(1)
    .get();
  return row ? presentVersion(row) : undefined;
}

/** A page of typed rows, keyed by exact column names. */
export function getRows(id: string, offset: number, limit: number): { rows: Row[]; total: number; offset: number; limit: number } {
  const v = getRow(id);
  const columns = v.columns as ColumnInfo[];
  const raw = getDb()
    .select({ data: datasetRows.data })
    .from(datasetRows)
    .where(and(eq(datasetRows.versionId, id), gte(datasetRows.idx, offset)))
    .orderBy(asc(datasetRows.idx))
    .limit(limit)
    .all();
  return { rows: raw.map((r) => coerceRow(columns, JSON.parse(r.data) as RawCell[])), total: v.rowCount, offset, limit };
}

/**
 * Streams a whole version as typed cell arrays in column order, a page at a time, yielding
 * to the event loop between pages so a long read never stalls other requests.
 */
export async function* streamTypedRows(id: string): AsyncGenerator<{ columns: ColumnInfo[]; rows: Row[] }> {
  const v = getRow(id);
  const columns = v.columns as ColumnInfo[];
  const stmt = getDb().$client.prepare("SELECT idx, data FROM dataset_rows WHERE version_id = ? AND idx >= ? ORDER BY idx LIMIT ?");
  let next = 0;
  for (;;) {
    const page = stmt.all(id, next, READ_PAGE_ROWS) as { idx: number; data: string }[];
    if (page.length === 0) return;
    yield { columns, rows: page.map((r) => coerceRow(columns, JSON.parse(r.data) as RawCell[])) };
    next = page[page.length - 1].idx + 1;
    await yieldToEventLoop();
  }
}

/** Reads up to `limit` typed rows of a version into memory (for recipe fitting and previews). */
export async function readTypedRows(id: string, limit = Number.MAX_SAFE_INTEGER): Promise<{ columns: ColumnInfo[]; rows: Row[] }> {
  const out: Row[] = [];
  let columns: ColumnInfo[] = (getRow(id).columns as ColumnInfo[]) ?? [];
  for await (const page of streamTypedRows(id)) {
    columns = page.columns;
    for (const r of page.rows) {
      if (out.length >= limit) return { columns, rows: out };
      out.push(r);
    }
  }
  return { columns, rows: out };
}

const overrideSchema = z
  .object({
    columns: z.array(z.object({ name: z.string().min(1), type: z.enum(COLUMN_TYPES) }).strict()).min(1, "name at least one column"),
  })
  .strict();

/**
 * Changes how columns are read: the stored values never change, only the type they are
 * coerced to. The cached profile is dropped since it described the old types.
 */
export function overrideColumnTypes(id: string, input: unknown): DatasetVersion {
  const body = parseWith(overrideSchema, input);
  const row = getRow(id);
  const columns = (row.columns as ColumnInfo[]).map((c) => ({ ...c }));
  body.columns.forEach((o, i) => {
    const col = columns.find((c) => c.name === o.name);
    if (!col) throw validation(`columns.${i}.name`, `unknown column ${JSON.stringify(o.name)}`);
    col.type = o.type;
  });
  const db = getDb();
  db.transaction((tx) => {
    tx.update(datasetVersions).set({ columns }).where(eq(datasetVersions.id, id)).run();
    tx.delete(datasetProfiles).where(eq(datasetProfiles.versionId, id)).run();
  });
  return presentVersion({ ...row, columns });
}

/** Deletes a version unless a project still uses it. */
export function deleteDataset(id: string): void {
  getRow(id);
  const db = getDb();
  const user = db.select({ id: projects.id, name: projects.name }).from(projects).where(eq(projects.datasetId, id)).get();
  if (user) {
    throw new AppError("CONFLICT", `Project "${user.name}" uses this dataset version; detach it first.`, [{ field: "id", message: "in use" }]);
  }
  const recipe = db.select({ projectId: recipes.projectId, version: recipes.version }).from(recipes).where(eq(recipes.datasetId, id)).get();
  if (recipe) {
    throw new AppError(
      "CONFLICT",
      `Recipe version ${recipe.version} of project ${recipe.projectId} was built on this dataset version; it stays so that recipe can be reproduced.`,
      [{ field: "id", message: "in use by a recipe" }],
    );
  }
  db.transaction((tx) => {
    tx.delete(datasetRows).where(eq(datasetRows.versionId, id)).run();
    tx.delete(datasetProfiles).where(eq(datasetProfiles.versionId, id)).run();
    tx.delete(datasetVersions).where(eq(datasetVersions.id, id)).run();
  });
}
