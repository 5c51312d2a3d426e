import { and, desc, eq } from "drizzle-orm";
import { getDb } from "@/db/client";
import { type actuals, jobs, projects } from "@/db/schema";
import { metricInfo, meetsCriterion, type Task } from "@/lib/define/tasks";
import { getEndpoint } from "@/lib/integrate/server/endpoints/endpoints";
import { requestLogWritten } from "@/lib/integrate/server/serving/request-log";
import { AppError } from "@/lib/shared/errors";
import { cachedRead } from "@/lib/shared/server/read-cache";
import { readOffThread } from "@/lib/shared/server/read-pool";
import { readJson, readTextLimited } from "@/lib/shared/http";
import { newId } from "@/lib/shared/ids";
import { METRICS_BY_TASK } from "@/lib/train/metrics";
import { z } from "zod";
import { actualFor, outputRowPrediction, parseActualItems, parseActualsCsv, type ActualItem, type Bucket, type SeriesPoint, type Unmatched } from "../actuals";
import { actualsSignature, loggedPredictions, matchBatchKeys, readPerformance, type ActualsWindow } from "./actuals-read";

const READ_MODULE = "lib/monitor/server/actuals-read.ts";

/** Largest CSV of actuals (a week of a store-by-brand forecast is a few kB). */
const MAX_ACTUALS_CSV_BYTES = 8 * 1024 * 1024;

type ActualInsert = typeof actuals.$inferInsert;

/** The items of a JSON or `text/csv` body, validated. */
async function readItems(req: Request): Promise<ActualItem[]> {
  const type = (req.headers.get("content-type") ?? "").toLowerCase();
  if (/^text\/(csv|plain)/.test(type)) return parseActualsCsv(await readTextLimited(req, MAX_ACTUALS_CSV_BYTES));
  return parseActualItems(await readJson(req, z.unknown()));
}

/**
 * `POST /api/endpoints/{name}/actuals`: joins each actual to the prediction it belongs to (a logged
 * request's row, or the newest succeeded batch output's row with the same key values) and stores
 * the pair; a later post for the same prediction replaces the actual.
 */
export async function submitActuals(name: string, req: Request): Promise<{ matched: number; unmatched: Unmatched[] }> {
  const endpoint = getEndpoint(name);
  const task = endpoint.task as Task;
  const items = await readItems(req);
  const unmatched: Unmatched[] = [];
  const pairs: ActualInsert[] = [];
  const now = new Date();
  const store = (pair: Omit<ActualInsert, "id" | "endpointName" | "receivedAt">) =>
    pairs.push({ id: newId("act"), endpointName: name, receivedAt: now, ...pair });

  const byRequest = items.filter((i): i is Extract<ActualItem, { requestId: string }> => "requestId" in i);
  if (byRequest.length) {
    // Every request answered before this post is in the log (the writer thread may not have written the last ones yet).
    await requestLogWritten();
    // The logged requests are read on a reader thread: a post can name thousands, each with up to 100 rows of JSON.
    const found = await readOffThread({
      module: READ_MODULE,
      fn: "loggedPredictions",
      local: loggedPredictions,
      args: [name, byRequest.map(({ requestId, row }) => ({ requestId, row }))],
    });
    byRequest.forEach((item, i) => {
      const { log, ...prediction } = found[i];
      const actual = actualFor(task, item.actual);
      if ("reason" in prediction) unmatched.push({ index: item.index, reason: prediction.reason });
      else if ("reason" in actual) unmatched.push({ index: item.index, reason: actual.reason });
      else
        store({
          source: "realtime",
          matchKey: `req:${item.requestId}:${item.row}`,
          requestId: item.requestId,
          jobId: null,
          row: item.row,
          keys: null,
          modelId: log!.modelId,
          modelVersion: log!.modelVersion,
          prediction: prediction.prediction,
          actual: actual.value,
          predictedAt: new Date(log!.createdAtMs),
        });
    });
  }

  const byKeys = items.filter((i): i is Extract<ActualItem, { keys: Record<string, unknown> }> => "keys" in i);
  if (byKeys.length) {
    const job = getDb()
      .select()
      .from(jobs)
      .where(and(eq(jobs.endpointName, name), eq(jobs.status, "succeeded")))
      .orderBy(desc(jobs.finishedAt))
      .limit(1)
      .get();
    // The output table is read and indexed on a reader thread: it can hold hundreds of thousands of rows.
    const matches = job
      ? await readOffThread({
          module: READ_MODULE,
          fn: "matchBatchKeys",
          local: matchBatchKeys,
          args: [{ outputTable: job.outputTable }, byKeys.map((item) => item.keys)],
        })
      : null;
    byKeys.forEach((item, i) => {
      if (!job || !matches) return void unmatched.push({ index: item.index, reason: "the endpoint has no succeeded batch job to match keys against" });
      const found = matches[i];
      const actual = actualFor(task, item.actual);
      if ("reason" in found) unmatched.push({ index: item.index, reason: found.reason });
      else if (found.row.error !== null && found.row.error !== undefined)
        unmatched.push({ index: item.index, reason: `that row could not be scored: ${String(found.row.error)}` });
      else if ("reason" in actual) unmatched.push({ index: item.index, reason: actual.reason });
      else
        store({
          source: "batch",
          matchKey: `job:${job.id}:${found.row.row}`,
          requestId: null,
          jobId: job.id,
          row: Number(found.row.row),
          keys: item.keys,
          modelId: job.modelId,
          modelVersion: job.modelVersion,
          prediction: outputRowPrediction(found.row),
          actual: actual.value,
          predictedAt: job.finishedAt ?? job.createdAt,
        });
    });
  }

  if (pairs.length) storePairs(pairs);
  unmatched.sort((a, b) => a.index - b.index);
  return { matched: pairs.length, unmatched };
}

const UPSERT_ACTUAL_SQL =
  "INSERT INTO actuals (id, endpoint_name, source, match_key, request_id, job_id, row, keys, model_id, model_version, prediction, actual, predicted_at, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (endpoint_name, match_key) DO UPDATE SET actual = excluded.actual, keys = excluded.keys, received_at = excluded.received_at";

const jsonCell = (v: unknown) => (v === null || v === undefined ? null : JSON.stringify(v));

/**
 * Stores a post's pairs in one transaction; a pair already stored gets the new actual. One
 * prepared statement rather than a query built per pair: 10,000 pairs took seconds of the web
 * server's event loop that way, and take a fraction of one so.
 */
function storePairs(pairs: ActualInsert[]): void {
  const sqlite = getDb().$client;
  const upsert = sqlite.prepare(UPSERT_ACTUAL_SQL);
  sqlite
    .transaction(() => {
      for (const p of pairs) {
        upsert.run(
          p.id,
          p.endpointName,
          p.source,
          p.matchKey,
          p.requestId ?? null,
          p.jobId ?? null,
          p.row,
          jsonCell(p.keys),
          p.modelId ?? null,
          p.modelVersion ?? null,
          jsonCell(p.prediction),
          jsonCell(p.actual),
          p.predictedAt.getTime(),
          p.receivedAt.getTime(),
        );
      }
    })
    .immediate();
}

/** The metric a project is judged by (its success metric, else its task's first) and its threshold. */
export function successCriterion(projectId: string | null, task: Task): { metric: string; threshold: number | null; higherIsBetter: boolean } {
  const project = projectId ? getDb().select().from(projects).where(eq(projects.id, projectId)).get() : undefined;
  const names = METRICS_BY_TASK[task] as readonly string[];
  const metric = project?.successMetric && names.includes(project.successMetric) ? project.successMetric : names[0];
  return {
    metric,
    threshold: project?.successMetric === metric ? (project?.successThreshold ?? null) : null,
    higherIsBetter: metricInfo(task, metric)?.higherIsBetter ?? true,
  };
}

export interface Performance {
  metric: string;
  threshold: number | null;
  higherIsBetter: boolean;
  overall: Record<string, number | null> & { rows: number };
  series: SeriesPoint[];
  /** Null when there is no threshold or nothing to measure yet. */
  meetsThreshold: boolean | null;
}

/**
 * `GET /api/endpoints/{name}/performance`: the task's metrics on the matched pairs, overall and per
 * day or week, computed on a reader thread and cached while the window's actuals are unchanged.
 */
export async function endpointPerformance(name: string, opts: { since?: Date; until?: Date; bucket?: Bucket } = {}): Promise<Performance> {
  const endpoint = getEndpoint(name);
  const task = endpoint.task as Task;
  if (opts.bucket !== undefined && opts.bucket !== "day" && opts.bucket !== "week") {
    throw new AppError("VALIDATION", "bucket must be day or week.", [{ field: "bucket", message: "use day or week" }]);
  }
  const criterion = successCriterion(endpoint.projectId, task);
  const window: ActualsWindow = { name, sinceMs: opts.since?.getTime(), untilMs: opts.until?.getTime() };
  const read = { ...window, task, bucket: opts.bucket ?? "day" };
  // Actuals arrive for past predictions: even a closed window is read again when its actuals changed.
  const signature = await readOffThread({ module: READ_MODULE, fn: "actualsSignature", local: actualsSignature, args: [window] });
  const { overall, series } = await cachedRead(`performance:${JSON.stringify(read)}`, signature, () =>
    readOffThread({ module: READ_MODULE, fn: "readPerformance", local: readPerformance, args: [read] }),
  );
  const value = overall[criterion.metric];
  return {
    ...criterion,
    overall,
    series: series as SeriesPoint[],
    meetsThreshold:
      criterion.threshold === null || value === null || value === undefined || overall.rows === 0
        ? null
        : meetsCriterion(task, criterion.metric, criterion.threshold, value),
  };
}
