import { and, asc, eq, inArray, lte } from "drizzle-orm";
import { z } from "zod";
import { getDb } from "@/db/client";
import { endpoints, jobs, reports, schedules, type ScheduleRow } from "@/db/schema";
import { findLatestVersion } from "@/lib/data/server/datasets";
import { AppError, describeFields, type FieldError, notFound } from "@/lib/shared/errors";
import { parseWith } from "@/lib/shared/http";
import { newId } from "@/lib/shared/ids";
import { checkCron, DEFAULT_TIMEZONE, nextRunAfter, nextRunsAfter, planTick } from "../../schedule-time";
import { listJobs, type Job } from "../batch/jobs";
import { queueDatasetJob } from "../batch/queue-job";

/**
 * Schedules: score the newest version of a named dataset on an endpoint on a cron expression in a
 * time zone. The web server's scheduler (scheduler.ts) calls `runDueSchedules`; `runScheduleNow`
 * is the "run now" button and the command line's `npm run job -- schedule <id>`.
 */

/** How many of a schedule's jobs its detail lists, newest first. */
const HISTORY_LIMIT = 50;
/** Upcoming run times shown beside `nextRunAt`. */
const UPCOMING_RUNS = 3;

const nameSchema = z.string().trim().min(1).max(200);
const fields = {
  name: nameSchema,
  endpoint: z.string().min(1),
  /** A dataset name; `datasetName` is the same field under the name the REST contract first gave it (still accepted). */
  dataset: z.string().trim().min(1),
  datasetName: z.string().trim().min(1),
  cron: z.string().trim().min(1),
  timezone: z.string().trim().min(1),
  reportId: z.string().min(1).nullable(),
  enabled: z.boolean(),
};
const createSchema = z
  .object({
    ...fields,
    name: fields.name.optional(),
    dataset: fields.dataset.optional(),
    datasetName: fields.datasetName.optional(),
    timezone: fields.timezone.default(DEFAULT_TIMEZONE),
    reportId: fields.reportId.optional(),
    enabled: fields.enabled.default(true),
  })
  .strict();
const patchSchema = z.object(fields).partial().strict();

export interface Schedule {
  id: string;
  name: string;
  endpoint: string;
  dataset: string;
  /** The same as `dataset`, under the contract's first name for it. */
  datasetName: string;
  cron: string;
  timezone: string;
  reportId: string | null;
  enabled: boolean;
  nextRunAt: string | null;
  /** The next few run times (nextRunAt first), for people to check the expression. */
  upcoming: string[];
  lastRunAt: string | null;
  lastJobId: string | null;
  lastSkippedAt: string | null;
  lastError: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface ScheduleDetail extends Schedule {
  /** The jobs the schedule queued, newest first, each with its status and output link. */
  runs: Job[];
}

const iso = (d: Date | null) => d?.toISOString() ?? null;

export function presentSchedule(row: ScheduleRow): Schedule {
  let upcoming: string[] = [];
  if (row.enabled && row.nextRunAt) {
    try {
      upcoming = [row.nextRunAt, ...nextRunsAfter(row.cron, row.timezone, row.nextRunAt, UPCOMING_RUNS - 1)].map((d) => d.toISOString());
    } catch {
      upcoming = [row.nextRunAt.toISOString()];
    }
  }
  return {
    id: row.id,
    name: row.name,
    endpoint: row.endpointName,
    dataset: row.datasetName,
    datasetName: row.datasetName,
    cron: row.cron,
    timezone: row.timezone,
    reportId: row.reportId,
    enabled: row.enabled,
    nextRunAt: row.enabled ? iso(row.nextRunAt) : null,
    upcoming,
    lastRunAt: iso(row.lastRunAt),
    lastJobId: row.lastJobId,
    lastSkippedAt: iso(row.lastSkippedAt),
    lastError: row.lastError,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

function getRow(id: string): ScheduleRow {
  const row = getDb().select().from(schedules).where(eq(schedules.id, id)).get();
  if (!row) throw notFound("Schedule", id);
  return row;
}

/** The references of a schedule, checked together so one answer names every bad field. */
function checkReferences(v: { endpoint: string; dataset: string; datasetField: string; cron: string; timezone: string; reportId: string | null }): string {
  const errors: FieldError[] = [];
  const db = getDb();
  if (!db.select({ n: endpoints.name }).from(endpoints).where(eq(endpoints.name, v.endpoint)).get()) {
    errors.push({ field: "endpoint", message: `no endpoint is named ${JSON.stringify(v.endpoint)}` });
  }
  if (!findLatestVersion(v.dataset)) errors.push({ field: v.datasetField, message: `no dataset is named ${JSON.stringify(v.dataset)}` });
  const cron = checkCron(v.cron, v.timezone);
  errors.push(...cron.errors);
  if (v.reportId) {
    const report = db.select({ endpoint: reports.endpointName }).from(reports).where(eq(reports.id, v.reportId)).get();
    if (!report) errors.push({ field: "reportId", message: `no report has the id ${JSON.stringify(v.reportId)}` });
    else if (report.endpoint !== v.endpoint)
      errors.push({ field: "reportId", message: `the report reads the endpoint "${report.endpoint}", not "${v.endpoint}"` });
  }
  if (errors.length) throw new AppError("VALIDATION", describeFields(errors), errors);
  return cron.timezone!;
}

export function createSchedule(input: unknown): Schedule {
  const body = parseWith(createSchema, input);
  const dataset = body.dataset ?? body.datasetName;
  const datasetField = body.dataset !== undefined || body.datasetName === undefined ? "dataset" : "datasetName";
  if (!dataset)
    throw new AppError("VALIDATION", "dataset: name the dataset to score (its newest version is scored each run).", [
      { field: "dataset", message: "required" },
    ]);
  const timezone = checkReferences({
    endpoint: body.endpoint,
    dataset,
    datasetField,
    cron: body.cron,
    timezone: body.timezone,
    reportId: body.reportId ?? null,
  });
  const now = new Date();
  const row: ScheduleRow = {
    id: newId("sch"),
    name: body.name ?? `${body.endpoint} · ${dataset}`,
    endpointName: body.endpoint,
    datasetName: dataset,
    cron: body.cron,
    timezone,
    reportId: body.reportId ?? null,
    enabled: body.enabled,
    nextRunAt: body.enabled ? nextRunAfter(body.cron, timezone, now) : null,
    lastRunAt: null,
    lastJobId: null,
    lastSkippedAt: null,
    lastError: null,
    createdAt: now,
    updatedAt: now,
  };
  getDb().insert(schedules).values(row).run();
  return presentSchedule(row);
}

export function listSchedules(opts: { reportId?: string; endpoint?: string } = {}): Schedule[] {
  return getDb()
    .select()
    .from(schedules)
    .where(and(opts.reportId ? eq(schedules.reportId, opts.reportId) : undefined, opts.endpoint ? eq(schedules.endpointName, opts.endpoint) : undefined))
    .orderBy(asc(schedules.createdAt))
    .all()
    .map(presentSchedule);
}

export function getSchedule(id: string): ScheduleDetail {
  return { ...presentSchedule(getRow(id)), runs: listJobs({ scheduleId: id }).slice(0, HISTORY_LIMIT) };
}

/** Changes any field; a new cron, time zone or a re-enabled schedule gets its next run from now. */
export function updateSchedule(id: string, input: unknown): Schedule {
  const body = parseWith(patchSchema, input);
  const current = getRow(id);
  const dataset = body.dataset ?? body.datasetName ?? current.datasetName;
  const merged = {
    endpoint: body.endpoint ?? current.endpointName,
    dataset,
    datasetField: body.datasetName !== undefined && body.dataset === undefined ? "datasetName" : "dataset",
    cron: body.cron ?? current.cron,
    timezone: body.timezone ?? current.timezone,
    reportId: body.reportId === undefined ? current.reportId : body.reportId,
  };
  const timezone = checkReferences(merged);
  const enabled = body.enabled ?? current.enabled;
  const timing = merged.cron !== current.cron || timezone !== current.timezone || enabled !== current.enabled;
  const now = new Date();
  const set: Partial<ScheduleRow> = {
    name: body.name ?? current.name,
    endpointName: merged.endpoint,
    datasetName: dataset,
    cron: merged.cron,
    timezone,
    reportId: merged.reportId,
    enabled,
    updatedAt: now,
  };
  if (timing) set.nextRunAt = enabled ? nextRunAfter(merged.cron, timezone, now) : null;
  getDb().update(schedules).set(set).where(eq(schedules.id, id)).run();
  return presentSchedule(getRow(id));
}

/** Deletes the schedule; the jobs it ran stay, with their outputs. */
export function deleteSchedule(id: string): void {
  getRow(id);
  getDb().delete(schedules).where(eq(schedules.id, id)).run();
}

/** Whether a job the schedule queued is still queued or running: a new run would overlap it. */
function activeJobOf(id: string): string | null {
  const row = getDb()
    .select({ id: jobs.id })
    .from(jobs)
    .where(and(eq(jobs.scheduleId, id), inArray(jobs.status, ["queued", "running"])))
    .get();
  return row?.id ?? null;
}

/** A batch job over the newest version of the schedule's dataset, as the REST route would queue it. */
async function queueJob(row: ScheduleRow): Promise<Job> {
  const dataset = findLatestVersion(row.datasetName);
  if (!dataset) throw new AppError("VALIDATION", `The dataset "${row.datasetName}" has no version any more.`, [{ field: "dataset", message: "no version" }]);
  return queueDatasetJob(row.endpointName, dataset.id, { scheduleId: row.id });
}

/** Run now: queues one job at once (409 while the previous one still runs); the cron's next run is unchanged. */
export async function runScheduleNow(id: string): Promise<Job> {
  const row = getRow(id);
  const active = activeJobOf(id);
  if (active)
    throw new AppError("CONFLICT", `The schedule's job ${active} is still queued or running; runs of one schedule never overlap.`, [
      { field: "id", message: "a run is in progress" },
    ]);
  const job = await queueJob(row);
  getDb().update(schedules).set({ lastRunAt: new Date(), lastJobId: job.id, lastError: null, updatedAt: new Date() }).where(eq(schedules.id, id)).run();
  return job;
}

export interface TickOutcome {
  scheduleId: string;
  action: "run" | "skip" | "error";
  jobId?: string;
  error?: string;
}

/**
 * One scheduler tick: each due schedule queues one job, or is skipped while its previous job
 * runs, and moves its next run past `now`. The slot is claimed with a conditional update first,
 * so two processes ticking at once cannot both queue it.
 */
export async function runDueSchedules(now = new Date()): Promise<TickOutcome[]> {
  const db = getDb();
  const due = db
    .select()
    .from(schedules)
    .where(and(eq(schedules.enabled, true), lte(schedules.nextRunAt, now)))
    .all();
  const outcomes: TickOutcome[] = [];
  for (const row of due) {
    let decision: ReturnType<typeof planTick>;
    try {
      decision = planTick({ ...row, previousActive: activeJobOf(row.id) !== null }, now);
    } catch (e) {
      // A stored expression croner no longer accepts: stop the schedule rather than retry every tick.
      db.update(schedules)
        .set({ enabled: false, nextRunAt: null, lastError: `the cron expression no longer parses: ${(e as Error).message}`, updatedAt: now })
        .where(eq(schedules.id, row.id))
        .run();
      outcomes.push({ scheduleId: row.id, action: "error", error: (e as Error).message });
      continue;
    }
    if (decision.action === "wait") continue;
    const claimed = db
      .update(schedules)
      .set({
        nextRunAt: decision.nextRunAt,
        ...(decision.action === "run" ? { lastRunAt: now } : { lastSkippedAt: now, lastError: "skipped: the previous run was still queued or running" }),
        updatedAt: now,
      })
      .where(and(eq(schedules.id, row.id), eq(schedules.nextRunAt, row.nextRunAt!)))
      .run().changes;
    if (!claimed) continue;
    if (decision.action === "skip") {
      outcomes.push({ scheduleId: row.id, action: "skip" });
      continue;
    }
    try {
      const job = await queueJob(row);
      db.update(schedules).set({ lastJobId: job.id, lastError: null }).where(eq(schedules.id, row.id)).run();
      outcomes.push({ scheduleId: row.id, action: "run", jobId: job.id });
    } catch (e) {
      const message = e instanceof AppError ? e.message : `queueing the job failed: ${(e as Error).message}`;
      db.update(schedules).set({ lastSkippedAt: now, lastError: message }).where(eq(schedules.id, row.id)).run();
      outcomes.push({ scheduleId: row.id, action: "error", error: message });
    }
  }
  return outcomes;
}
