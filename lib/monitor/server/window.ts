import fs from "node:fs";
import path from "node:path";
import { and, eq, gte, lte } from "drizzle-orm";
import { getDb } from "@/db/client";
import { endpoints, jobs, requestLogs } from "@/db/schema";
import type { ColumnType, Row } from "@/lib/data/types";
import { getEndpoint } from "@/lib/integrate/server/endpoints";
import { ITEM_ID_COLUMN } from "@/lib/integrate/server/predictors";
import { flushRequestLog } from "@/lib/integrate/server/request-log";
import { quoteIdent } from "@/lib/shared/sql";
import { getModel, modelDir } from "@/lib/train/server/models";
import { DEFAULT_DRIFT_THRESHOLDS, driftReport, qualityReport, type DriftThresholds } from "../drift";

/** The window monitoring looks at unless asked otherwise. */
const DEFAULT_WINDOW_MS = 24 * 60 * 60 * 1000;
/** Rows of batch job output read into one window (the newest jobs first). */
const MAX_BATCH_ROWS = 1_000_000;

export interface MonitorWindow {
  since: string;
  until: string;
  /** Scored rows in the window: from real-time requests and from batch jobs. */
  rows: number;
  requests: number;
  jobs: number;
  referenceRows: number;
  model: { id: string; name: string; version: number };
}

interface Gathered {
  window: MonitorWindow;
  columns: { name: string; type: ColumnType }[];
  reference: { inputs: Row[]; predictions: unknown[] };
  current: { inputs: Row[]; predictions: unknown[] };
  /** Inputs that could not be scored (422 requests, batch rows with an error): data quality counts them, drift does not. */
  rejected: Row[];
  thresholds: DriftThresholds;
}

function timeWindow(opts: { since?: Date; until?: Date }): { since: Date; until: Date } {
  const until = opts.until ?? new Date();
  return { since: opts.since ?? new Date(until.getTime() - DEFAULT_WINDOW_MS), until };
}

/**
 * What monitoring compares: the endpoint's model version's reference sample (kept in its bundle)
 * and the inputs and predictions scored in the window, from the request log (real time) and from
 * the output tables of the endpoint's batch jobs that ran in it.
 */
function gather(name: string, opts: { since?: Date; until?: Date }): Gathered {
  const endpoint = getEndpoint(name);
  const { since, until } = timeWindow(opts);
  flushRequestLog();
  const db = getDb();
  const model = getModel(endpoint.model.id);
  const reference = JSON.parse(fs.readFileSync(path.join(modelDir(model.id), "reference.json"), "utf8")) as { inputs: Row[]; predictions: unknown[] };
  const recommender = model.manifest.task === "recommendation";
  const itemColumn = String((model.manifest.hyperparameters as { itemColumn?: string } | undefined)?.itemColumn ?? ITEM_ID_COLUMN);
  const columns = recommender ? [{ name: ITEM_ID_COLUMN, type: "category" as ColumnType }] : (endpoint.inputSchema as { name: string; type: ColumnType }[]);
  // A recommender's reference rows name the item in its item column; requests say itemId.
  const refInputs = recommender ? reference.inputs.map((r) => ({ [ITEM_ID_COLUMN]: r[itemColumn] ?? null })) : reference.inputs;

  const inputs: Row[] = [];
  const predictions: unknown[] = [];
  const rejected: Row[] = [];
  const asInput = (row: Row): Row => (recommender ? { [ITEM_ID_COLUMN]: row[ITEM_ID_COLUMN] ?? row[itemColumn] ?? null } : row);
  const logs = db
    .select({ inputs: requestLogs.inputs, outputs: requestLogs.outputs })
    .from(requestLogs)
    .where(and(eq(requestLogs.endpointName, name), eq(requestLogs.status, 200), gte(requestLogs.createdAt, since), lte(requestLogs.createdAt, until)))
    .all();
  for (const l of logs) {
    const rows = (l.inputs ?? []) as Row[];
    const outs = (l.outputs ?? []) as unknown[];
    for (let i = 0; i < rows.length; i++) {
      inputs.push(asInput(rows[i]));
      predictions.push(outs[i]);
    }
  }
  // Requests refused for their content (a cell of the wrong type, a missing value): their rows were parsed and logged.
  const refused = db
    .select({ inputs: requestLogs.inputs })
    .from(requestLogs)
    .where(and(eq(requestLogs.endpointName, name), eq(requestLogs.status, 422), gte(requestLogs.createdAt, since), lte(requestLogs.createdAt, until)))
    .all();
  for (const l of refused) for (const row of (l.inputs ?? []) as Row[]) if (row && typeof row === "object") rejected.push(asInput(row));

  const batch = db
    .select({ id: jobs.id, outputTable: jobs.outputTable })
    .from(jobs)
    .where(and(eq(jobs.endpointName, name), eq(jobs.status, "succeeded"), gte(jobs.finishedAt, since), lte(jobs.finishedAt, until)))
    .all()
    .reverse();
  let batchRows = 0;
  for (const job of batch) {
    if (batchRows >= MAX_BATCH_ROWS) break;
    const wanted = recommender ? [itemColumn] : columns.map((c) => c.name);
    const table = quoteIdent(job.outputTable);
    let rows: Record<string, unknown>[];
    try {
      rows = db.$client.prepare(`SELECT * FROM ${table} LIMIT ?`).all(MAX_BATCH_ROWS - batchRows) as Record<string, unknown>[];
    } catch {
      continue; // an output table dropped by hand
    }
    for (const r of rows) {
      const row: Row = {};
      for (const c of wanted) row[recommender ? ITEM_ID_COLUMN : c] = (r[c] ?? null) as Row[string];
      if (r.error !== null && r.error !== undefined) {
        rejected.push(row);
        continue;
      }
      inputs.push(row);
      predictions.push(r.prediction ?? null);
    }
    batchRows += rows.length;
  }

  const stored = db.select({ t: endpoints.driftThresholds }).from(endpoints).where(eq(endpoints.name, name)).get()?.t;
  return {
    window: { since: since.toISOString(), until: until.toISOString(), rows: inputs.length, requests: logs.length, jobs: batch.length, referenceRows: refInputs.length, model: endpoint.model },
    columns,
    reference: { inputs: refInputs, predictions: reference.predictions },
    current: { inputs, predictions },
    rejected,
    thresholds: { ...DEFAULT_DRIFT_THRESHOLDS, ...(stored ?? {}) },
  };
}

/** `GET /api/endpoints/{name}/drift`: per input feature and for the predictions, against the reference sample. */
export function endpointDrift(name: string, opts: { since?: Date; until?: Date } = {}) {
  const g = gather(name, opts);
  if (g.current.inputs.length === 0) {
    return { window: g.window, thresholds: g.thresholds, features: [], prediction: null, driftedFeatures: 0, datasetDrifted: false, note: "No scored rows in this window." };
  }
  const report = driftReport(g.columns, g.reference.inputs, g.current.inputs, { thresholds: g.thresholds, predictions: { reference: g.reference.predictions, current: g.current.predictions } });
  return { window: g.window, thresholds: g.thresholds, ...report };
}

/**
 * `GET /api/endpoints/{name}/quality`: null, type-error and out-of-range rates per input column,
 * over every row that reached the endpoint in the window: scored ones and refused ones (a row
 * refused for a text where a number belongs is exactly what the type-error rate is for).
 */
export function endpointQuality(name: string, opts: { since?: Date; until?: Date } = {}) {
  const g = gather(name, opts);
  const rows = g.rejected.length ? [...g.current.inputs, ...g.rejected] : g.current.inputs;
  return { window: { ...g.window, rejectedRows: g.rejected.length }, features: rows.length ? qualityReport(g.columns, g.reference.inputs, rows) : [] };
}

/** The worst feature's share of bad cells (null, wrong type or out of range) in the window: what a data-quality alert watches. */
export function worstQuality(name: string, opts: { since?: Date; until?: Date } = {}): { feature: string | null; rate: number; rows: number } {
  const q = endpointQuality(name, opts);
  let worst: { feature: string | null; rate: number } = { feature: null, rate: 0 };
  for (const f of q.features) {
    const rate = f.nullRate + f.typeErrorRate + f.outOfRangeRate;
    if (rate > worst.rate) worst = { feature: f.name, rate };
  }
  return { ...worst, rows: q.features[0]?.rows ?? 0 };
}
