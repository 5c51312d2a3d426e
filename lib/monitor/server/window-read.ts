import fs from "node:fs";
import type Database from "better-sqlite3";
import type { ColumnType, Row } from "@/lib/data/types";
import { ASKED_FOR_MS, askLogTail, grownTo, logSignature, newLogTail, readLogTail, type LogTail, type LogWindow } from "@/lib/integrate/server/traffic-read";
import { quoteIdent } from "@/lib/shared/sql";
import { sortNumbers } from "@/lib/prepare/profile";
import {
  DEFAULT_DRIFT_THRESHOLDS,
  driftKindOf,
  driftOfValues,
  driftReportOf,
  featureQuality,
  featureValues,
  predictionLabel,
  rangeCheckOf,
  type DriftKind,
  type DriftThresholds,
  type FeatureDrift,
  type FeatureValues,
} from "../drift";
import { Block, Labels, NO_PREDICTION, NULL, NUMBER_PREDICTION, WRONG_TYPE } from "./window-columns";

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
 * One endpoint's scored and refused rows, for one set of compared columns: the request log's
 * rows with a created_at from `floor` on, up to rowid `lastRowid` (a read fetches only the rows
 * past it: rowids grow as rows are inserted), and the output columns of succeeded batch jobs (a
 * finished job's table does not change), by job id. Rows are kept in rowid order; a row written
 * late has an older created_at than the rows before it, so every read filters on created_at.
 */
interface Store {
  key: string;
  labels: Labels;
  logs: Block;
  /** created_at of each logged 200 request (one with no rows counts too). */
  answered: { at: Float64Array; length: number };
  tail: LogTail;
  jobs: Map<string, { block: Block | null; usedAt: number }>;
  /** Numeric columns' sorted values over the last window read (see sortedLog); gone when rows are dropped. */
  sorted: Map<string, { since: number; until: number; upto: number; values: Float64Array }>;
  /** Columns' quality counts over the last window read, with the reference sample they were counted against (see readQuality). */
  quality: Map<string, { since: number; until: number; upto: number; reference: unknown; counts: QualityCounts }>;
}

/**
 * Logged rows kept over every endpoint's stores; beyond it the least recently read stores go
 * (a store holds its windows' rows whatever the total: the cap bounds the others). A row costs
 * about 17 bytes a compared column plus 30. Batch jobs' rows are bounded per store by
 * MAX_BATCH_ROWS (jobs outside the windows read lately are dropped).
 */
const MAX_CACHED_LOG_ROWS = 2_000_000;
/** Batch output rows kept per store: the jobs of the windows read lately, newest used first. */
const MAX_CACHED_JOB_ROWS = 2 * MAX_BATCH_ROWS;
const stores = new Map<string, Store>();

function storeOf(spec: WindowSpec, fresh = false): Store {
  const key = JSON.stringify([spec.name, spec.columns, spec.recommender, spec.itemColumn, spec.itemIdColumn]);
  let store = stores.get(key);
  // A window starting before the rows kept: read the log again from its start.
  if (store && (fresh || spec.sinceMs < store.tail.floor)) store = undefined;
  if (!store) {
    const labels = new Labels();
    store = { key, labels, logs: new Block(spec.columns, labels), answered: { at: new Float64Array(0), length: 0 }, tail: newLogTail(spec.sinceMs), jobs: new Map(), sorted: new Map(), quality: new Map() };
  }
  stores.delete(key);
  stores.set(key, store); // most recently used last
  return store;
}

/** Appends the log's rows past the last seen (or, new, every row from the floor) of the store's endpoint. */
function syncLogs(db: Database.Database, spec: WindowSpec, store: Store): Store {
  const { recommender, itemColumn, itemIdColumn: itemId } = spec;
  const asInput = (row: Row): Row => (recommender ? { [itemId]: row[itemId] ?? row[itemColumn] ?? null } : row);
  const logs = readLogTail<{ status: number; inputs: string | null; outputs: string | null; createdAt: number }>(db, spec.name, store.tail, "status, inputs, outputs, created_at AS createdAt", "status IN (200, 422)");
  if (!logs) return syncLogs(db, spec, storeOf(spec, true));
  for (const l of logs) {
    if (l.status === 200) {
      const answered = store.answered;
      answered.at = grownTo(answered.at, answered.length + 1);
      answered.at[answered.length++] = l.createdAt;
      const rows = parseJson<Row[]>(l.inputs) ?? [];
      const outs = parseJson<unknown[]>(l.outputs) ?? [];
      for (let i = 0; i < rows.length; i++) store.logs.push(asInput(rows[i]), l.createdAt, true, outs[i]);
    } else {
      // Requests refused for their content (a cell of the wrong type, a missing value): their rows were parsed and logged.
      for (const row of parseJson<Row[]>(l.inputs) ?? []) if (row && typeof row === "object") store.logs.push(asInput(row), l.createdAt, false, undefined);
    }
  }
  return store;
}

/**
 * Keeps the most recently used jobs' blocks up to `maxRows` rows; the others go. Jobs past the
 * newest MAX_BATCH_ROWS are read by no window asked lately, and a job every 10 s would otherwise
 * keep ten minutes of jobs (gigabytes) for windows no one asks.
 */
export function evictJobs(jobs: Map<string, { block: { length: number } | null; usedAt: number }>, maxRows: number): void {
  let rows = 0;
  for (const [id, job] of [...jobs].sort((a, b) => b[1].usedAt - a[1].usedAt)) {
    rows += job.block?.length ?? 0;
    if (rows > maxRows) jobs.delete(id);
  }
}

/** Drops rows older than every window asked lately, once they are a quarter of the store; then the stores beyond the cap, least recently read first. */
function prune(store: Store, sinceMs: number): void {
  const floor = askLogTail(store.tail, sinceMs);
  if (floor > store.tail.floor) {
    const logs = store.logs;
    let old = 0;
    for (let i = 0; i < logs.length; i++) if (logs.createdAt[i] < floor) old++;
    if (old * 4 > logs.length) {
      logs.compact((i) => logs.createdAt[i] >= floor);
      store.sorted.clear();
      store.quality.clear();
      const answered = store.answered;
      let n = 0;
      for (let i = 0; i < answered.length; i++) if (answered.at[i] >= floor) answered.at[n++] = answered.at[i];
      answered.length = n;
      store.tail.floor = floor;
    }
  }
  const now = Date.now();
  for (const [id, job] of store.jobs) if (job.usedAt < now - ASKED_FOR_MS) store.jobs.delete(id);
  evictJobs(store.jobs, MAX_CACHED_JOB_ROWS);
  let total = 0;
  for (const s of stores.values()) total += s.logs.length;
  for (const s of stores.values()) {
    if (total <= MAX_CACHED_LOG_ROWS || s === store) break;
    stores.delete(s.key);
    total -= s.logs.length;
  }
}

/** A succeeded job's output rows (the compared columns, its prediction and error), read once; null when its table is gone. */
function jobBlock(db: Database.Database, spec: WindowSpec, store: Store, job: { id: string; outputTable: string }): Block | null {
  const known = store.jobs.get(job.id);
  if (known) {
    known.usedAt = Date.now();
    return known.block;
  }
  const { recommender, itemColumn, itemIdColumn: itemId } = spec;
  const wanted = recommender ? [itemColumn] : spec.columns.map((c) => c.name);
  const table = quoteIdent(job.outputTable);
  let block: Block | null = null;
  try {
    // Only the columns compared (a wide output table's others are not copied out of SQLite).
    const present = new Set((db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((c) => c.name));
    if (present.size > 0) {
      const selected = [...new Set([...wanted, "prediction", "error"])].filter((c) => present.has(c));
      const at = (c: string) => selected.indexOf(c);
      // Rows as arrays, copied into one row object in turn: as the row the reads built before, without an object per row from SQLite.
      const cells = wanted.map((c) => ({ name: recommender ? itemId : c, at: at(c), absent: (({}) as Record<string, unknown>)[c] ?? null }));
      const [predictionAt, errorAt] = [at("prediction"), at("error")];
      const rows = db.prepare(`SELECT ${selected.map(quoteIdent).join(", ") || "NULL AS none"} FROM ${table} LIMIT ?`).raw().iterate(MAX_BATCH_ROWS) as Iterable<unknown[]>;
      block = new Block(spec.columns, store.labels);
      const row: Row = {};
      for (const r of rows) {
        for (const c of cells) row[c.name] = (c.at < 0 ? c.absent : (r[c.at] ?? null)) as Row[string];
        const error = errorAt < 0 ? undefined : r[errorAt];
        const failed = error !== null && error !== undefined;
        block.push(row, NaN, !failed, failed ? undefined : ((predictionAt < 0 ? undefined : r[predictionAt]) ?? null));
      }
    }
  } catch {
    block = null; // an output table dropped by hand, or unreadable: skipped, as before
  }
  store.jobs.set(job.id, { block, usedAt: Date.now() });
  return block;
}

/** A stretch of a block the window takes: log rows with created_at in [since, until], or a job's first `limit` rows. */
interface Part {
  block: Block;
  limit: number;
  window: [number, number] | null;
  /** A job's sorted numeric columns (of its first `limit` rows), by column. */
  sorted?: Map<string, Float64Array>;
  /** The log's rows in the window (in rowid order), found once a read. */
  rows?: Int32Array;
  /** A job's quality counts (of its first `limit` rows) by column, with the reference sample they were counted against. */
  counts?: Map<string, { reference: unknown; counts: QualityCounts }>;
}

interface Columns {
  window: MonitorWindow;
  parts: Part[];
  reference: { inputs: Row[]; predictions: unknown[] };
  /** The reference sample as read from its file (the same object while the file is unchanged). */
  sample: unknown;
  labels: string[];
  store: Store;
  /** Log rows that left and entered the window since an earlier window (see deltaFrom), by that window. */
  deltas: Map<string, { left: Int32Array; entered: Int32Array }>;
}

/**
 * What monitoring compares: the model version's reference sample and the rows scored in the
 * window, from the request log (real time) and from the output tables of the endpoint's batch
 * jobs that finished in it (newest first, MAX_BATCH_ROWS rows at most).
 */
function columnsOf(db: Database.Database, spec: WindowSpec): Columns {
  const reference = readReference(spec.referenceFile);
  const { recommender, itemColumn, itemIdColumn: itemId } = spec;
  // A recommender's reference rows name the item in its item column; requests say itemId.
  const refInputs = recommender ? reference.inputs.map((r) => ({ [itemId]: r[itemColumn] ?? null })) : reference.inputs;
  const store = syncLogs(db, spec, storeOf(spec));
  const within = (at: number) => at >= spec.sinceMs && at <= spec.untilMs;
  const logRows = new Int32Array(store.logs.length);
  let inWindow = 0;
  for (let i = 0; i < store.logs.length; i++) if (within(store.logs.createdAt[i])) logRows[inWindow++] = i;
  const parts: Part[] = [{ block: store.logs, limit: store.logs.length, window: [spec.sinceMs, spec.untilMs], rows: logRows.subarray(0, inWindow) }];
  // What is computed of a job's first `limit` rows is kept with it.
  const jobCache = (id: string, limit: number) => {
    const job = store.jobs.get(id) as { sorted?: Part["sorted"]; counts?: Part["counts"]; limit?: number };
    if (job.limit !== limit) Object.assign(job, { sorted: new Map(), counts: new Map(), limit });
    return { sorted: job.sorted, counts: job.counts };
  };
  let requests = 0;
  for (let i = 0; i < store.answered.length; i++) if (within(store.answered.at[i])) requests++;
  const batch = db.prepare(succeededJobsSql).all(spec.name, spec.sinceMs, spec.untilMs) as { id: string; outputTable: string }[];
  let batchRows = 0;
  for (const job of batch) {
    if (batchRows >= MAX_BATCH_ROWS) break;
    const block = jobBlock(db, spec, store, job);
    if (!block) continue;
    const limit = Math.min(block.length, MAX_BATCH_ROWS - batchRows);
    parts.push({ block, limit, window: null, ...jobCache(job.id, limit) });
    batchRows += limit;
  }
  prune(store, spec.sinceMs);
  let rows = 0;
  forEachRow(parts, (block, i) => void (rows += block.scored[i]));
  return {
    window: { since: new Date(spec.sinceMs).toISOString(), until: new Date(spec.untilMs).toISOString(), rows, requests, jobs: batch.length, referenceRows: refInputs.length, model: spec.model },
    parts,
    reference: { inputs: refInputs, predictions: reference.predictions },
    sample: reference,
    labels: store.labels.labels,
    store,
    deltas: new Map(),
  };
}

/** Every row of the window, in the order the log (by created_at, then rowid) and the jobs would give them: logged rows in rowid order, filtered on created_at. */
function forEachRow(parts: readonly Part[], visit: (block: Block, i: number) => void): void {
  for (const { block, limit, rows } of parts) {
    if (rows) for (let r = 0; r < rows.length; r++) visit(block, rows[r]);
    else for (let i = 0; i < limit; i++) visit(block, i);
  }
}

/** The rows of a part in the window, as a loop over them wants them: the log's indices, or a job's first `limit`. */
const rowAt = (part: Part, r: number) => (part.rows ? part.rows[r] : r);
const rowCount = (part: Part) => (part.rows ? part.rows.length : part.limit);

/**
 * The order the rows were read in before (the log by created_at then rowid, then each job's rows):
 * the rank of a log row's (created_at, position) and after them the jobs' rows in turn. Category
 * counts go in their first row's order, as a Map filled row by row would have them.
 */
class FirstSeen {
  private readonly at: Float64Array;
  private readonly position: Float64Array;
  private jobOrder: number[] = [];
  private seen: Uint8Array;

  constructor(codes: number) {
    this.at = new Float64Array(codes).fill(Infinity);
    this.position = new Float64Array(codes);
    this.seen = new Uint8Array(codes);
  }

  see(code: number, part: number, at: number, i: number): void {
    if (part === 0) {
      // Rows are visited in rowid order: the first of equal times is the first seen.
      if (at < this.at[code]) {
        this.at[code] = at;
        this.position[code] = i;
      }
    } else if (this.seen[code] === 0 && this.at[code] === Infinity) {
      this.seen[code] = 1;
      this.jobOrder.push(code);
    }
  }

  order(): number[] {
    const logged: number[] = [];
    for (let c = 0; c < this.at.length; c++) if (this.at[c] !== Infinity) logged.push(c);
    logged.sort((x, y) => this.at[x] - this.at[y] || this.position[x] - this.position[y]);
    return [...logged, ...this.jobOrder];
  }
}

/** Counts of the codes the rows `take` picks, as label → count in first-seen order. */
function countsOf(parts: readonly Part[], labels: readonly string[], codeOf: (block: Block, i: number) => number, take: (block: Block, i: number) => boolean): Map<string, number> {
  const counts = new Float64Array(labels.length);
  const first = new FirstSeen(labels.length);
  parts.forEach((part, p) => {
    forEachRow([part], (block, i) => {
      if (!take(block, i)) return;
      const code = codeOf(block, i);
      if (code < 0) return;
      counts[code]++;
      first.see(code, p, block.createdAt[i], i);
    });
  });
  return new Map(first.order().map((c) => [labels[c], counts[c]]));
}

/**
 * Sorted values of a numeric column over the window's scored rows: the log's part moved from the
 * last window read by removing the values of rows that left it and merging in those of rows that
 * entered it (no sort of the whole window), each job's sorted once; then all merged.
 */
function sortedOf(c: Columns, key: string, column: (block: Block) => Float64Array): Float64Array {
  const [log, ...jobs] = c.parts;
  let merged = sortedLog(c, key, column(log.block), log.window!);
  for (const part of jobs) {
    let sorted = part.sorted!.get(key);
    if (!sorted) {
      const values = column(part.block);
      const scored = part.block.scored;
      const picked: number[] = [];
      for (let i = 0; i < part.limit; i++) if (scored[i] === 1 && values[i] === values[i]) picked.push(values[i]);
      part.sorted!.set(key, (sorted = sortNumbers(Float64Array.from(picked))));
    }
    merged = mergeSorted(merged, sorted);
  }
  return merged;
}

function sortedLog(c: Columns, key: string, values: Float64Array, [since, until]: [number, number]): Float64Array {
  const store = c.store;
  const block = store.logs;
  const scored = block.scored;
  const prev = store.sorted.get(key);
  let sorted: Float64Array;
  const delta = prev && deltaFrom(c, prev);
  if (prev && delta) {
    const valuesOf = (rows: Int32Array) => {
      const picked: number[] = [];
      for (const i of rows) if (scored[i] === 1 && values[i] === values[i]) picked.push(values[i]);
      return sortNumbers(Float64Array.from(picked));
    };
    sorted = mergeSorted(withoutSorted(prev.values, valuesOf(delta.left)), valuesOf(delta.entered));
  } else {
    const rows = c.parts[0].rows!;
    const picked = new Float64Array(rows.length);
    let n = 0;
    for (const i of rows) if (scored[i] === 1 && values[i] === values[i]) picked[n++] = values[i];
    sorted = sortNumbers(picked.subarray(0, n));
  }
  store.sorted.set(key, { since, until, upto: block.length, values: sorted });
  return sorted;
}

/**
 * The log rows that left the window and those that entered it since an earlier window read (of
 * the first `upto` rows), found in one sweep of the rows' times and shared by every column; null
 * when the window started or ended earlier than that one (the columns are then counted anew).
 */
function deltaFrom(c: Columns, from: { since: number; until: number; upto: number }): { left: Int32Array; entered: Int32Array } | null {
  const [since, until] = c.parts[0].window!;
  const block = c.store.logs;
  if (since < from.since || until < from.until || from.upto > block.length) return null;
  const key = `${from.since}:${from.until}:${from.upto}`;
  let delta = c.deltas.get(key);
  if (!delta) {
    const at = block.createdAt;
    const left: number[] = [];
    const entered: number[] = [];
    for (let i = 0; i < block.length; i++) {
      const was = i < from.upto && at[i] >= from.since && at[i] <= from.until;
      const is = at[i] >= since && at[i] <= until;
      if (was && !is) left.push(i);
      else if (is && !was) entered.push(i);
    }
    c.deltas.set(key, (delta = { left: Int32Array.from(left), entered: Int32Array.from(entered) }));
  }
  return delta;
}

/** Two sorted arrays as one. */
function mergeSorted(a: Float64Array, b: Float64Array): Float64Array {
  if (b.length === 0) return a;
  if (a.length === 0) return b;
  const out = new Float64Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) out[k++] = b[j] < a[i] ? b[j++] : a[i++];
  while (i < a.length) out[k++] = a[i++];
  while (j < b.length) out[k++] = b[j++];
  return out;
}

/** A sorted array without the values of another (sorted, each taken from it). */
function withoutSorted(a: Float64Array, gone: Float64Array): Float64Array {
  if (gone.length === 0) return a;
  const out = new Float64Array(a.length - gone.length);
  let j = 0;
  let k = 0;
  for (let i = 0; i < a.length; i++) {
    while (j < gone.length && gone[j] < a[i]) j++;
    if (j < gone.length && gone[j] === a[i]) j++;
    else out[k++] = a[i];
  }
  return out;
}

const isScored = (block: Block, i: number) => block.scored[i] === 1;

/** The current side of a feature (its index in the spec's columns) for drift. */
function currentValues(c: Columns, k: number, kind: DriftKind): FeatureValues {
  const rows = c.window.rows;
  if (kind === "numeric") return { kind, rows, sorted: sortedOf(c, `feature ${k}`, (b) => b.features[k].drift as Float64Array) };
  return { kind, rows, counts: countsOf(c.parts, c.labels, (b, i) => b.features[k].drift[i], isScored) };
}

/** The predictions' drift: numbers as numbers, anything else as categories (decided by the reference's first present prediction, else the window's). */
function predictionDriftOf(c: Columns, t: DriftThresholds): FeatureDrift {
  const present = (p: unknown) => p !== null && p !== undefined;
  let first: unknown = c.reference.predictions.find(present);
  if (first === undefined) {
    let best: { part: number; at: number; kind: number } | null = null;
    c.parts.forEach((part, p) => {
      if (best && best.part > 0) return;
      forEachRow([part], (block, i) => {
        const kind = block.predictionKind[i];
        if (kind === NO_PREDICTION) return;
        if (!best || (p === 0 && best.part === 0 && block.createdAt[i] < best.at)) best = { part: p, at: block.createdAt[i], kind };
      });
    });
    first = (best as { kind: number } | null)?.kind === NUMBER_PREDICTION ? 0 : undefined;
  }
  const rows = c.window.rows;
  if (typeof first === "number") {
    return driftOfValues("prediction", featureValues("numeric", c.reference.predictions), { kind: "numeric", rows, sorted: sortedOf(c, "prediction", (b) => b.predictionNumber) }, t);
  }
  forEachRow(c.parts, (b, i) => b.predictionCodeAt(i)); // every label coded before they are counted
  const current: FeatureValues = { kind: "categorical", rows, counts: countsOf(c.parts, c.labels, (b, i) => b.predictionCode[i], isScored) };
  return driftOfValues("prediction", featureValues("categorical", c.reference.predictions, predictionLabel), current, t);
}

/** Drift per input feature and for the predictions, against the reference sample. */
export function readDrift(db: Database.Database, spec: WindowSpec) {
  const c = columnsOf(db, spec);
  if (c.window.rows === 0) {
    return { window: c.window, thresholds: spec.thresholds, features: [], prediction: null, driftedFeatures: 0, datasetDrifted: false, note: "No scored rows in this window." };
  }
  const t = { ...DEFAULT_DRIFT_THRESHOLDS, ...spec.thresholds };
  const features: FeatureDrift[] = [];
  spec.columns.forEach(({ name, type }, k) => {
    const kind = driftKindOf(type);
    if (kind === null) return;
    const reference = featureValues(kind, c.reference.inputs.map((r) => r[name]));
    features.push(driftOfValues(name, reference, currentValues(c, k, kind), t));
  });
  return { window: c.window, thresholds: spec.thresholds, ...driftReportOf(features, predictionDriftOf(c, t), t) };
}

let identity = new Int32Array(0);

/** 0, 1, …, n - 1: a job's first n rows. */
function firstRows(n: number): Int32Array {
  if (identity.length < n) identity = Int32Array.from({ length: Math.max(n, identity.length * 2) }, (_, i) => i);
  return identity.subarray(0, n);
}

interface QualityCounts {
  rows: number;
  nulls: number;
  typeErrors: number;
  outOfRange: number;
}

/** Null, type-error and out-of-range rates per input column over every row that reached the endpoint: scored and refused. */
export function readQuality(db: Database.Database, spec: WindowSpec) {
  const c = columnsOf(db, spec);
  let all = 0;
  for (const part of c.parts) all += rowCount(part);
  const rejectedRows = all - c.window.rows;
  const [log, ...jobs] = c.parts;
  const features = spec.columns.map(({ name, type }, k) => {
    const inRange = rangeCheckOf(type, c.reference.inputs, name);
    // Whether a category's code is in range, looked up once per code.
    const codeInRange = new Int8Array(c.labels.length).fill(-1);
    const numeric = type === "number" || type === "integer";
    /** Adds (sign 1) or takes away (-1) the rows' cells of the block to the counts. */
    const count = (counts: QualityCounts, block: Block, rows: ArrayLike<number>, sign: number) => {
      const { state, value } = block.features[k];
      counts.rows += sign * rows.length;
      for (let r = 0; r < rows.length; r++) {
        const i = rows[r];
        const s = state[i];
        if (s === NULL) counts.nulls += sign;
        else if (s === WRONG_TYPE) counts.typeErrors += sign;
        else if (numeric) {
          if (!inRange(value[i])) counts.outOfRange += sign;
        } else if (type === "category") {
          const code = value[i];
          if (codeInRange[code] === -1) codeInRange[code] = inRange(c.labels[code]) ? 1 : 0;
          if (codeInRange[code] === 0) counts.outOfRange += sign;
        } else if (!inRange(true)) counts.outOfRange += sign;
      }
    };
    // The log's counts moved from the last window read (against the same reference sample); a job's counted once.
    const key = `feature ${k}`;
    const prev = c.store.quality.get(key);
    const delta = prev && prev.reference === c.sample && deltaFrom(c, prev);
    let counts: QualityCounts;
    if (prev && delta) {
      counts = { ...prev.counts };
      count(counts, log.block, delta.left, -1);
      count(counts, log.block, delta.entered, 1);
    } else {
      counts = { rows: 0, nulls: 0, typeErrors: 0, outOfRange: 0 };
      count(counts, log.block, log.rows!, 1);
    }
    c.store.quality.set(key, { since: log.window![0], until: log.window![1], upto: log.block.length, reference: c.sample, counts });
    const total = { ...counts };
    for (const part of jobs) {
      const jobKey = `quality ${k}`;
      let jobCounts = part.counts!.get(jobKey);
      if (jobCounts?.reference !== c.sample) {
        part.counts!.set(jobKey, (jobCounts = { reference: c.sample, counts: { rows: 0, nulls: 0, typeErrors: 0, outOfRange: 0 } }));
        count(jobCounts.counts, part.block, firstRows(part.limit), 1);
      }
      total.rows += jobCounts!.counts.rows;
      total.nulls += jobCounts!.counts.nulls;
      total.typeErrors += jobCounts!.counts.typeErrors;
      total.outOfRange += jobCounts!.counts.outOfRange;
    }
    return featureQuality(name, type, total);
  });
  return { window: { ...c.window, rejectedRows }, features: all ? features : [] };
}
