import { and, desc, eq, isNotNull } from "drizzle-orm";
import { z } from "zod";
import { getDb } from "@/db/client";
import { actuals, datasetVersions, endpoints, jobs, reports, schedules, type JobRow, type ReportRow } from "@/db/schema";
import { rowsOfBatch } from "@/lib/data/column-batch";
import { findLatestVersion, readColumns } from "@/lib/data/server/datasets";
import { AppError, describeFields, type FieldError, notFound } from "@/lib/shared/errors";
import { parseWith } from "@/lib/shared/http";
import { quoteIdent } from "@/lib/shared/sql";
import { newId } from "@/lib/shared/ids";
import { shapeReport, type ReportRowIn, type ReportShape } from "../../report-data";
import { getEndpoint } from "../endpoints/endpoints";
import type { Job } from "../batch/jobs";
import { queueDatasetJob } from "../batch/queue-job";
import { listSchedules, type Schedule } from "../schedules/schedules";

/**
 * Reports: a history dataset (its newest version) joined with the newest succeeded batch output
 * of an endpoint. A report stores no forecast of its own: refreshing it is scoring again, and it
 * shows the new output as soon as that job succeeds (a schedule does the same weekly).
 */

const PREDICTION_COLUMN = "prediction";
const NUMERIC_TYPES = new Set(["number", "integer"]);

const createSchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    endpoint: z.string().min(1),
    historyDataset: z.string().trim().min(1),
    timeColumn: z.string().min(1),
    valueColumn: z.string().min(1),
    seriesColumns: z.array(z.string().min(1)).max(10).default([]),
  })
  .strict();

const refreshSchema = z.object({ datasetId: z.string().min(1).optional() }).strict();

export interface ReportJobRef {
  id: string;
  status: JobRow["status"];
  source: string;
  rowsTotal: number | null;
  finishedAt: string | null;
  outputUrl: string | null;
}

export interface Report {
  id: string;
  name: string;
  endpoint: string;
  historyDataset: string;
  timeColumn: string;
  valueColumn: string;
  seriesColumns: string[];
  /** The job whose output the report shows: the endpoint's newest succeeded one that has the report's columns. */
  job: ReportJobRef | null;
  /** When the shown output was written (that job's finishedAt). */
  refreshedAt: string | null;
  /** Schedules that keep the report fresh. */
  schedules: Pick<Schedule, "id" | "name" | "cron" | "timezone" | "nextRunAt" | "enabled">[];
  createdAt: string;
  updatedAt: string;
}

export interface ReportData extends ReportShape {
  refreshedAt: string | null;
  jobId: string | null;
  timeColumn: string;
  valueColumn: string;
  seriesColumns: string[];
  /** The history dataset version read. */
  historyDatasetId: string | null;
}

function tableColumns(table: string): Set<string> {
  const rows = getDb().$client.prepare(`SELECT name FROM pragma_table_info(?)`).all(table) as { name: string }[];
  return new Set(rows.map((r) => r.name));
}

/** The newest succeeded job of the endpoint whose output table has every one of `columns`. */
function outputJob(endpoint: string, columns: string[]): JobRow | undefined {
  const succeeded = getDb()
    .select()
    .from(jobs)
    .where(and(eq(jobs.endpointName, endpoint), eq(jobs.status, "succeeded")))
    .orderBy(desc(jobs.finishedAt))
    .limit(20)
    .all();
  return succeeded.find((j) => {
    const have = tableColumns(j.outputTable);
    return columns.every((c) => have.has(c));
  });
}

const jobColumns = (r: Pick<ReportRow, "timeColumn" | "seriesColumns">) => [r.timeColumn, ...r.seriesColumns, PREDICTION_COLUMN];

/** Rows of one SQLite statement's `IN (…)` list, well under SQLite's variable limit. */
const IN_LIST_ROWS = 500;

/**
 * The actuals posted for the endpoint's batch outputs, as report rows: the time and series
 * columns of the output row each was joined to, the actual, and the prediction it was compared
 * with. Oldest received first, so that a later actual for the same time and series wins.
 */
function actualRows(row: ReportRow): ReportRowIn[] {
  const db = getDb();
  const posted = db
    .select({ jobId: actuals.jobId, row: actuals.row, actual: actuals.actual, prediction: actuals.prediction })
    .from(actuals)
    .where(and(eq(actuals.endpointName, row.endpointName), eq(actuals.source, "batch")))
    .orderBy(actuals.receivedAt)
    .all();
  const byJob = new Map<string, typeof posted>();
  for (const a of posted) if (a.jobId) byJob.set(a.jobId, [...(byJob.get(a.jobId) ?? []), a]);
  const keyColumns = [row.timeColumn, ...row.seriesColumns];
  const out: ReportRowIn[] = [];
  for (const [jobId, list] of byJob) {
    const table = db.select({ t: jobs.outputTable }).from(jobs).where(eq(jobs.id, jobId)).get()?.t;
    if (!table) continue;
    const have = tableColumns(table);
    if (!keyColumns.every((c) => have.has(c))) continue; // a job over other columns (or its table dropped)
    const keysOf = new Map<number, ReportRowIn>();
    for (let i = 0; i < list.length; i += IN_LIST_ROWS) {
      const part = list.slice(i, i + IN_LIST_ROWS);
      const found = db.$client
        .prepare(`SELECT "row", ${keyColumns.map(quoteIdent).join(", ")} FROM ${quoteIdent(table)} WHERE "row" IN (${part.map(() => "?").join(", ")})`)
        .all(...part.map((a) => a.row)) as (ReportRowIn & { row: number })[];
      for (const f of found) keysOf.set(f.row, f);
    }
    for (const a of list) {
      const keys = keysOf.get(a.row);
      if (keys) out.push({ ...keys, actual: a.actual as ReportRowIn[string], predicted: a.prediction as ReportRowIn[string] });
    }
  }
  return out;
}

function jobRef(j: JobRow): ReportJobRef {
  return {
    id: j.id,
    status: j.status,
    source: j.sourceName,
    rowsTotal: j.rowsTotal,
    finishedAt: j.finishedAt?.toISOString() ?? null,
    outputUrl: j.status === "succeeded" ? `/api/jobs/${j.id}/output.csv` : null,
  };
}

function present(row: ReportRow): Report {
  const job = outputJob(row.endpointName, jobColumns(row));
  return {
    id: row.id,
    name: row.name,
    endpoint: row.endpointName,
    historyDataset: row.historyDataset,
    timeColumn: row.timeColumn,
    valueColumn: row.valueColumn,
    seriesColumns: row.seriesColumns,
    job: job ? jobRef(job) : null,
    refreshedAt: job?.finishedAt?.toISOString() ?? null,
    schedules: listSchedules({ reportId: row.id }).map(({ id, name, cron, timezone, nextRunAt, enabled }) => ({
      id,
      name,
      cron,
      timezone,
      nextRunAt,
      enabled,
    })),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

function getRow(id: string): ReportRow {
  const row = getDb().select().from(reports).where(eq(reports.id, id)).get();
  if (!row) throw notFound("Report", id);
  return row;
}

/**
 * Checks the columns: all in the history dataset (the value a number), and the time and series
 * columns in what the endpoint's batch output carries — its model's input columns, or the
 * columns of an output it has already written.
 */
function checkReport(body: z.infer<typeof createSchema>): void {
  const errors: FieldError[] = [];
  const endpointExists = getDb().select({ n: endpoints.name }).from(endpoints).where(eq(endpoints.name, body.endpoint)).get();
  if (!endpointExists) errors.push({ field: "endpoint", message: `no endpoint is named ${JSON.stringify(body.endpoint)}` });
  const history = findLatestVersion(body.historyDataset);
  if (!history) errors.push({ field: "historyDataset", message: `no dataset is named ${JSON.stringify(body.historyDataset)}` });
  const historyTypes = new Map(history?.columns.map((c) => [c.name, c.type]) ?? []);
  let outputColumns: Set<string> | null = null;
  if (endpointExists) {
    outputColumns = new Set(getEndpoint(body.endpoint).inputSchema.map((c) => c.name));
    const latest = getDb()
      .select({ table: jobs.outputTable })
      .from(jobs)
      .where(and(eq(jobs.endpointName, body.endpoint), eq(jobs.status, "succeeded")))
      .orderBy(desc(jobs.finishedAt))
      .limit(1)
      .get();
    if (latest) for (const c of tableColumns(latest.table)) outputColumns.add(c);
  }
  const check = (field: string, column: string, inOutput: boolean) => {
    if (history && !historyTypes.has(column))
      errors.push({ field, message: `the history dataset "${body.historyDataset}" has no column ${JSON.stringify(column)}` });
    else if (inOutput && outputColumns && !outputColumns.has(column)) {
      errors.push({
        field,
        message: `the batch output of "${body.endpoint}" has no column ${JSON.stringify(column)} (it keeps the scored rows' columns and adds "prediction")`,
      });
    }
  };
  check("timeColumn", body.timeColumn, true);
  check("valueColumn", body.valueColumn, false);
  if (history && historyTypes.has(body.valueColumn) && !NUMERIC_TYPES.has(historyTypes.get(body.valueColumn)!)) {
    errors.push({
      field: "valueColumn",
      message: `the column ${JSON.stringify(body.valueColumn)} holds ${historyTypes.get(body.valueColumn)} values, not numbers`,
    });
  }
  body.seriesColumns.forEach((c, i) => check(`seriesColumns.${i}`, c, true));
  if (new Set(body.seriesColumns).size !== body.seriesColumns.length) errors.push({ field: "seriesColumns", message: "a column is named twice" });
  if (errors.length) throw new AppError("VALIDATION", describeFields(errors), errors);
}

export function createReport(input: unknown): Report {
  const body = parseWith(createSchema, input);
  checkReport(body);
  const now = new Date();
  const row: ReportRow = {
    id: newId("rpt"),
    name: body.name,
    endpointName: body.endpoint,
    historyDataset: body.historyDataset,
    timeColumn: body.timeColumn,
    valueColumn: body.valueColumn,
    seriesColumns: body.seriesColumns,
    createdAt: now,
    updatedAt: now,
  };
  getDb().insert(reports).values(row).run();
  return present(row);
}

export function listReports(): Report[] {
  return getDb().select().from(reports).orderBy(desc(reports.createdAt)).all().map(present);
}

export const getReport = (id: string): Report => present(getRow(id));

/** Deletes the report; a schedule that refreshed it keeps scoring, without the link. */
export function deleteReport(id: string): void {
  getRow(id);
  getDb().transaction((tx) => {
    tx.update(schedules).set({ reportId: null }).where(eq(schedules.reportId, id)).run();
    tx.delete(reports).where(eq(reports.id, id)).run();
  });
}

/** History from the newest version of the history dataset, forecast from the newest usable batch output. */
export async function reportData(id: string): Promise<ReportData> {
  const row = getRow(id);
  const history = findLatestVersion(row.historyDataset);
  let historyRows: ReportRowIn[] = [];
  if (history) {
    // Only the columns the report draws, read by DuckDB from the version's file (not every column of every row).
    const names = new Set(history.columns.map((c) => c.name));
    const wanted = [...new Set([row.timeColumn, row.valueColumn, ...row.seriesColumns])].filter((c) => names.has(c));
    historyRows = rowsOfBatch((await readColumns(history.id, { columns: wanted })).batch);
  }
  const job = outputJob(row.endpointName, jobColumns(row));
  let forecastRows: ReportRowIn[] = [];
  if (job) {
    const columns = [row.timeColumn, ...row.seriesColumns, PREDICTION_COLUMN];
    forecastRows = getDb()
      .$client.prepare(`SELECT ${columns.map(quoteIdent).join(", ")} FROM ${quoteIdent(job.outputTable)} ORDER BY "row"`)
      .all() as ReportRowIn[];
  }
  const shape = shapeReport({
    historyRows,
    forecastRows,
    actualRows: actualRows(row),
    timeColumn: row.timeColumn,
    valueColumn: row.valueColumn,
    seriesColumns: row.seriesColumns,
    predictionColumn: PREDICTION_COLUMN,
  });
  return {
    ...shape,
    refreshedAt: job?.finishedAt?.toISOString() ?? null,
    jobId: job?.id ?? null,
    timeColumn: row.timeColumn,
    valueColumn: row.valueColumn,
    seriesColumns: row.seriesColumns,
    historyDatasetId: history?.id ?? null,
  };
}

/**
 * The dataset a refresh scores: the newest version of the one the endpoint's last dataset job
 * scored, else of the dataset a schedule of the report scores.
 */
function refreshDatasetId(row: ReportRow): string {
  const last = getDb()
    .select({ datasetId: jobs.datasetId })
    .from(jobs)
    .where(and(eq(jobs.endpointName, row.endpointName), isNotNull(jobs.datasetId)))
    .orderBy(desc(jobs.createdAt))
    .limit(1)
    .get();
  const name = last?.datasetId
    ? getDb().select({ name: datasetVersions.name }).from(datasetVersions).where(eq(datasetVersions.id, last.datasetId)).get()?.name
    : listSchedules({ reportId: row.id })[0]?.dataset;
  const latest = name ? findLatestVersion(name) : undefined;
  if (!latest) {
    throw new AppError("VALIDATION", `No job has scored a dataset on "${row.endpointName}" yet: send {"datasetId"} to say which to score.`, [
      { field: "datasetId", message: "required: nothing scored before" },
    ]);
  }
  return latest.id;
}

/** Re-runs the batch scoring behind the report: 202 with the job; the report shows its output once it succeeds. */
export async function refreshReport(id: string, input: unknown): Promise<Job> {
  // No body reads as {}; a JSON null is a body, and not an object.
  const body = parseWith(refreshSchema, input === undefined ? {} : input);
  const row = getRow(id);
  return queueDatasetJob(row.endpointName, body.datasetId ?? refreshDatasetId(row));
}
