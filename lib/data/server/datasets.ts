import { and, asc, desc, eq } from "drizzle-orm";
import { z } from "zod";
import { getDb } from "@/db/client";
import { datasetProfiles, datasetVersions, projects, recipes, type DatasetVersionRow } from "@/db/schema";
import { setCell } from "@/lib/shared/cells";
import { AppError, notFound, validation } from "@/lib/shared/errors";
import { parseWith } from "@/lib/shared/http";
import { type ColumnBatch, rowsOfBatch } from "../column-batch";
import { COLUMN_TYPES, type ColumnInfo, type DatasetVersion, type Row } from "../types";
import { checkRowsQuery, type RowsQueryParams } from "./rows-query";
import { type BatchQuery, readBatch, readPage, removeVersionFiles } from "./store";

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

/**
 * A page of typed rows, keyed by exact column names, with each row's number in the version (from
 * 0): sorted and filtered by DuckDB over the version's file. `matched` counts the rows that pass
 * the filters, when there are any. The query is checked against the columns first (422s).
 */
export async function getRows(
  id: string,
  offset: number,
  limit: number,
  params: RowsQueryParams = {},
): Promise<{ rows: Row[]; total: number; offset: number; limit: number; matched?: number; rowNumbers: number[] }> {
  const v = getRow(id);
  const columns = v.columns as ColumnInfo[];
  const query = checkRowsQuery(params, columns);
  const page = await readPage(id, columns, { offset, limit, ...query });
  const rows = page.rows.map((r) => {
    const row: Row = {};
    columns.forEach((c, j) => setCell(row, c.name, cellOfSql(r.cells[j], c.type)));
    return row;
  });
  return { rows, total: v.rowCount, offset, limit, ...(page.matched === null ? {} : { matched: page.matched }), rowNumbers: page.rows.map((r) => r.row) };
}

/** A value DuckDB gave for a typed column as a row's cell (datetimes as ISO text, booleans as true/false). */
function cellOfSql(value: unknown, type: ColumnInfo["type"]): Row[string] {
  if (value === null || value === undefined) return null;
  if (type === "datetime") return new Date(Number(value)).toISOString();
  if (type === "boolean") return Number(value) === 1;
  if (type === "category" || type === "text") return String(value);
  return Number(value);
}

/** The columns of a ready version (its types as they are now, overrides included). */
export function versionColumns(id: string): ColumnInfo[] {
  return getRow(id).columns as ColumnInfo[];
}

/**
 * Reads a version's typed columns into memory: every row, the first `limit`, or a seeded sample
 * (DuckDB reads the file; no per-row object is made).
 */
export async function readColumns(id: string, q: BatchQuery = {}): Promise<{ columns: ColumnInfo[]; batch: ColumnBatch }> {
  const v = getRow(id);
  const columns = v.columns as ColumnInfo[];
  const { batch } = await readBatch(id, columns, q, Math.min(v.rowCount, q.limit ?? v.rowCount, q.sample?.rows ?? v.rowCount));
  return { columns, batch };
}

/** Reads up to `limit` typed rows of a version into memory (for recipe fitting and previews). */
export async function readTypedRows(id: string, limit?: number): Promise<{ columns: ColumnInfo[]; rows: Row[] }> {
  const { columns, batch } = await readColumns(id, limit === undefined ? {} : { limit });
  return { columns, rows: rowsOfBatch(batch) };
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
    tx.delete(datasetProfiles).where(eq(datasetProfiles.versionId, id)).run();
    tx.delete(datasetVersions).where(eq(datasetVersions.id, id)).run();
  });
  // The row first: a crash between the two leaves a file no version names, which the next start removes (recover.ts).
  removeVersionFiles(id);
}
