import fs from "node:fs";
import type Database from "better-sqlite3";
import type { ColumnType, Row } from "@/lib/data/types";
import { logSignature, type LogWindow } from "@/lib/integrate/server/traffic-read";
import { quoteIdent } from "@/lib/shared/sql";
import { driftReport, qualityReport, type DriftThresholds } from "../drift";

/**
 * What monitoring reads over a window, as plain functions of a connection: run on a reader
 * thread (lib/shared/server/read-pool.ts), so they import nothing that opens the database and
 * take everything else (the endpoint's columns, its reference sample's file) from the caller.
 */

/** Rows of batch job output read into one window (the newest jobs first). */
const MAX_BATCH_ROWS = 1_000_000;

export interface ModelRef {
  id: string;
  name: string;
  version: number;
}

export interface MonitorWindow {
  since: string;
  until: string;
  /** Scored rows in the window: from real-time requests and from batch jobs. */
  rows: number;
  requests: number;
  jobs: number;
  referenceRows: number;
  model: ModelRef;
}

/** A window of an endpoint and what its monitoring compares against. */
export interface WindowSpec extends LogWindow {
  model: ModelRef;
  columns: { name: string; type: ColumnType }[];
  /** A recommender's rows are one item each, under `itemIdColumn` in requests and `itemColumn` in its reference and batch output. */
  recommender: boolean;
  itemColumn: string;
  itemIdColumn: string;
  /** The model bundle's reference sample (`reference.json`). */
  referenceFile: string;
  thresholds: DriftThresholds;
}

interface Gathered {
  window: MonitorWindow;
  reference: { inputs: Row[]; predictions: unknown[] };
  current: { inputs: Row[]; predictions: unknown[] };
  /** Inputs that could not be scored (422 requests, batch rows with an error): data quality counts them, drift does not. */
  rejected: Row[];
}

/** Reference samples parsed, by file: a thread reads the same endpoint's again and again. */
const references = new Map<string, { stamp: string; value: { inputs: Row[]; predictions: unknown[] } }>();

function readReference(file: string): { inputs: Row[]; predictions: unknown[] } {
  const st = fs.statSync(file);
  const stamp = `${st.mtimeMs}:${st.size}`;
  const known = references.get(file);
  if (known?.stamp === stamp) return known.value;
  const value = JSON.parse(fs.readFileSync(file, "utf8")) as { inputs: Row[]; predictions: unknown[] };
  references.set(file, { stamp, value });
  return value;
}

const succeededJobsSql = "SELECT id, output_table AS outputTable FROM jobs WHERE endpoint_name = ? AND status = 'succeeded' AND finished_at >= ? AND finished_at <= ? ORDER BY created_at DESC, rowid DESC";

/** The window's request-log rows and its succeeded batch jobs: what a drift or quality answer is computed from. */
export function windowSignature(db: Database.Database, w: LogWindow): string {
  const jobs = (db.prepare(succeededJobsSql).all(w.name, w.sinceMs, w.untilMs) as { id: string }[]).map((j) => j.id);
  return `${logSignature(db, w)}|${jobs.join(",")}`;
}

export const parseJson = <T>(text: string | null): T | null => (text === null ? null : (JSON.parse(text) as T));

/**
 * What monitoring compares: the model version's reference sample and the inputs and predictions
 * scored in the window, from the request log (real time) and from the output tables of the
 * endpoint's batch jobs that finished in it.
 */
function gather(db: Database.Database, spec: WindowSpec): Gathered {
  const reference = readReference(spec.referenceFile);
  const { recommender, itemColumn, itemIdColumn: itemId } = spec;
  // A recommender's reference rows name the item in its item column; requests say itemId.
  const refInputs = recommender ? reference.inputs.map((r) => ({ [itemId]: r[itemColumn] ?? null })) : reference.inputs;

  const inputs: Row[] = [];
  const predictions: unknown[] = [];
  const rejected: Row[] = [];
  const asInput = (row: Row): Row => (recommender ? { [itemId]: row[itemId] ?? row[itemColumn] ?? null } : row);
  const logged = db.prepare("SELECT inputs, outputs FROM request_logs WHERE endpoint_name = ? AND status = ? AND created_at >= ? AND created_at <= ?");
  const logs = logged.all(spec.name, 200, spec.sinceMs, spec.untilMs) as { inputs: string | null; outputs: string | null }[];
  for (const l of logs) {
    const rows = parseJson<Row[]>(l.inputs) ?? [];
    const outs = parseJson<unknown[]>(l.outputs) ?? [];
    for (let i = 0; i < rows.length; i++) {
      inputs.push(asInput(rows[i]));
      predictions.push(outs[i]);
    }
  }
  // Requests refused for their content (a cell of the wrong type, a missing value): their rows were parsed and logged.
  for (const l of logged.all(spec.name, 422, spec.sinceMs, spec.untilMs) as { inputs: string | null }[]) {
    for (const row of parseJson<Row[]>(l.inputs) ?? []) if (row && typeof row === "object") rejected.push(asInput(row));
  }

  const batch = db.prepare(succeededJobsSql).all(spec.name, spec.sinceMs, spec.untilMs) as { id: string; outputTable: string }[];
  const wanted = recommender ? [itemColumn] : spec.columns.map((c) => c.name);
  let batchRows = 0;
  for (const job of batch) {
    if (batchRows >= MAX_BATCH_ROWS) break;
    const table = quoteIdent(job.outputTable);
    let rows: Record<string, unknown>[];
    try {
      // Only the columns compared (a wide output table's others are not copied out of SQLite).
      const present = new Set((db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((c) => c.name));
      if (present.size === 0) continue; // an output table dropped by hand
      const select = [...new Set([...wanted, "prediction", "error"])].filter((c) => present.has(c)).map(quoteIdent);
      rows = db.prepare(`SELECT ${select.join(", ") || "NULL AS none"} FROM ${table} LIMIT ?`).all(MAX_BATCH_ROWS - batchRows) as Record<string, unknown>[];
    } catch {
      continue;
    }
    for (const r of rows) {
      const row: Row = {};
      for (const c of wanted) row[recommender ? itemId : c] = (r[c] ?? null) as Row[string];
      if (r.error !== null && r.error !== undefined) {
        rejected.push(row);
        continue;
      }
      inputs.push(row);
      predictions.push(r.prediction ?? null);
    }
    batchRows += rows.length;
  }

  return {
    window: { since: new Date(spec.sinceMs).toISOString(), until: new Date(spec.untilMs).toISOString(), rows: inputs.length, requests: logs.length, jobs: batch.length, referenceRows: refInputs.length, model: spec.model },
    reference: { inputs: refInputs, predictions: reference.predictions },
    current: { inputs, predictions },
    rejected,
  };
}

/** Drift per input feature and for the predictions, against the reference sample. */
export function readDrift(db: Database.Database, spec: WindowSpec) {
  const g = gather(db, spec);
  if (g.current.inputs.length === 0) {
    return { window: g.window, thresholds: spec.thresholds, features: [], prediction: null, driftedFeatures: 0, datasetDrifted: false, note: "No scored rows in this window." };
  }
  const report = driftReport(spec.columns, g.reference.inputs, g.current.inputs, { thresholds: spec.thresholds, predictions: { reference: g.reference.predictions, current: g.current.predictions } });
  return { window: g.window, thresholds: spec.thresholds, ...report };
}

/** Null, type-error and out-of-range rates per input column over every row that reached the endpoint: scored and refused. */
export function readQuality(db: Database.Database, spec: WindowSpec) {
  const g = gather(db, spec);
  const rows = g.rejected.length ? [...g.current.inputs, ...g.rejected] : g.current.inputs;
  return { window: { ...g.window, rejectedRows: g.rejected.length }, features: rows.length ? qualityReport(spec.columns, g.reference.inputs, rows) : [] };
}
