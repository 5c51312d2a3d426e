import fs from "node:fs";
import type Database from "better-sqlite3";
import type { ColumnType, Row } from "@/lib/data/types";
import {
  edgeRows,
  EVERY_ROW,
  logSignature,
  PRIORITY_SQL,
  priorityOf,
  SecondCounts,
  splitWindow,
  thresholdFor,
  logRequests,
} from "@/lib/monitor/server/log-sample";
import { ASKED_FOR_MS, askLogTail, newLogTail, readLogTail, type LogTail, type LogWindow } from "@/lib/monitor/server/traffic-read";
import { quoteIdent } from "@/lib/shared/sql";
import { sortNumbers } from "@/lib/shared/stats";
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
 *
 * Counts (rows scored and refused, requests, jobs) are exact. Distributions (drift, the quality
 * rates) are computed over a uniform sample of the window's rows: every row while the window
 * holds at most WINDOW_SAMPLE of them, else the rows whose priority is below one threshold, in
 * the request log and in every batch job's output alike (see lib/monitor/server/log-sample.ts).
 * So a read costs what the new rows and the sample cost, and memory stays bounded, however many
 * millions of rows the window holds.
 */

/** Sampled rows of the request log a reader thread keeps per endpoint (the threshold halves beyond). */
const LOG_SAMPLE = 100_000;
/**
 * Rows a read computes distributions over, at most about: a quarter of the log's budget (a window
 * over part of the log still gets its share). 25,000 rows put a KS test's power and a rate's error
 * (±0.6 points at 95 % for a 50 % rate) far below what a person looking at drift acts on.
 */
const windowBudget = (spec: WindowSpec) => Math.max(1, Math.floor((spec.sampleBudget ?? LOG_SAMPLE) / 4));

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
  /** Of them, the rows drift and quality rates were computed over: all of them, or a uniform sample of a large window. */
  sampledRows: number;
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

const succeededJobsSql =
  "SELECT id, output_table AS outputTable, rows_done AS rowsDone, rows_failed AS rowsFailed FROM jobs WHERE endpoint_name = ? AND status = 'succeeded' AND finished_at >= ? AND finished_at <= ? ORDER BY created_at DESC, rowid DESC";

/** What a drift or quality answer is computed from: the window's request-log rows (see logSignature) and its succeeded batch jobs. */
export function windowSignature(db: Database.Database, w: LogWindow): string {
  const jobs = (db.prepare(succeededJobsSql).all(w.name, w.sinceMs, w.untilMs) as { id: string }[]).map((j) => j.id);
  return `${logSignature(db, w)}|${jobs.join(",")}`;
}

export const parseJson = <T>(text: string | null): T | null => (text === null ? null : (JSON.parse(text) as T));

/** Counters per second of a store. */
const ANSWERED = 0;
const SCORED = 1;
const REFUSED = 2;

/** A succeeded job's output: its exact counts, and its rows below `threshold` (null: its table is gone or unreadable). */
interface JobSample {
  rows: number;
  failed: number;
  /** rows and failed are known. */
  counted: boolean;
  /** Its table is gone or unreadable: skipped. */
  gone: boolean;
  threshold: number;
  block: Block | null;
  usedAt: number;
}

/**
 * One endpoint's scored and refused rows, for one set of compared columns: exact counts per
 * second of the request log's rows with a created_at from the tail's floor on (up to its rowid
 * `lastRowid`: a read fetches only the rows past it), the rows of its sampled requests in rowid
 * order, and its batch jobs' outputs by job id (a finished job's table does not change).
 */
interface Store {
  key: string;
  labels: Labels;
  logs: Block;
  counts: SecondCounts;
  threshold: number;
  budget: number;
  tail: LogTail;
  jobs: Map<string, JobSample>;
}

/** Sampled log rows kept over every endpoint's stores; beyond it the least recently read stores go. */
const MAX_CACHED_LOG_ROWS = 1_000_000;
const stores = new Map<string, Store>();

/** A logged request's rows, counted exactly however few are sampled. */
const ROWS_SQL = "coalesce(json_array_length(inputs), 0)";

/** A store per endpoint and set of compared columns (the endpoint's name first). */
const storeKey = (spec: WindowSpec) =>
  JSON.stringify([spec.name, spec.columns, spec.recommender, spec.itemColumn, spec.itemIdColumn, spec.sampleBudget ?? LOG_SAMPLE]);

function storeOf(db: Database.Database, spec: WindowSpec, fresh = false): Store {
  const key = storeKey(spec);
  const budget = spec.sampleBudget ?? LOG_SAMPLE;
  let store = stores.get(key);
  // A window starting before the rows kept: read the log again from its start.
  if (store && (fresh || spec.sinceMs < store.tail.floor)) store = undefined;
  if (!store) {
    const labels = new Labels();
    const threshold = thresholdFor(logRequests(db, spec.name, spec.sinceMs, "status IN (200, 422)"), budget);
    store = {
      key,
      labels,
      logs: new Block(spec.columns, labels),
      counts: new SecondCounts(3),
      threshold,
      budget,
      tail: newLogTail(spec.sinceMs),
      jobs: new Map(),
    };
  }
  stores.delete(key);
  stores.set(key, store); // most recently used last
  return store;
}

interface EdgeRow {
  status: number;
  createdAt: number;
  n: number;
}

/**
 * Counts the log's rows past the last seen (or, new, every row from the floor) of the store's
 * endpoint and keeps the sampled ones' rows; then reads the rows of the window's cut seconds in
 * the same snapshot. Null when the store had to start over (see readLogTail).
 */
function syncLogs(db: Database.Database, spec: WindowSpec, store: Store): EdgeRow[] | null {
  const { recommender, itemColumn, itemIdColumn: itemId } = spec;
  const asInput = (row: Row): Row => (recommender ? { [itemId]: row[itemId] ?? row[itemColumn] ?? null } : row);
  const logs = store.logs;
  let edges: EdgeRow[] = [];
  const sampled = `${PRIORITY_SQL} < ?`;
  const synced = readLogTail<EdgeRow & { rowid: number; inputs: string | null; outputs: string | null }>(db, spec.name, store.tail, {
    // The JSON of sampled requests only: a request not sampled is counted from its row count.
    cols: `rowid AS rowid, status, created_at AS createdAt, ${ROWS_SQL} AS n, CASE WHEN ${sampled} THEN inputs END AS inputs, CASE WHEN ${sampled} THEN outputs END AS outputs`,
    params: [store.threshold, store.threshold],
    where: "status IN (200, 422)",
    visit: (l) => {
      const second = Math.floor(l.createdAt / 1000);
      if (l.status === 200) {
        store.counts.add(second, ANSWERED, 1);
        store.counts.add(second, SCORED, l.n);
      } else store.counts.add(second, REFUSED, l.n);
      const priority = priorityOf(l.rowid);
      if (priority >= store.threshold || l.inputs === null) return;
      if (l.status === 200) {
        const rows = parseJson<Row[]>(l.inputs) ?? [];
        const outs = parseJson<unknown[]>(l.outputs) ?? [];
        for (let i = 0; i < rows.length; i++) logs.push(asInput(rows[i]), l.createdAt, true, outs[i], priority);
      } else {
        // Requests refused for their content (a cell of the wrong type, a missing value): their rows were parsed and logged.
        for (const row of parseJson<Row[]>(l.inputs) ?? [])
          if (row && typeof row === "object") logs.push(asInput(row), l.createdAt, false, undefined, priority);
      }
      if (logs.length > store.budget && store.threshold > 1) {
        store.threshold /= 2;
        logs.compact((i) => logs.priority[i] < store.threshold);
      }
    },
    after: (upto) =>
      (edges = edgeRows<EdgeRow>(db, spec.name, spec.sinceMs, spec.untilMs, upto, `status, created_at AS createdAt, ${ROWS_SQL} AS n`, "status IN (200, 422)")),
  });
  return synced ? edges : null;
}

/**
 * Keeps the most recently used jobs' samples up to `maxRows` rows; the others go (read again if
 * a window asks for them).
 */
export function evictJobs(jobs: Map<string, { block: { length: number } | null; usedAt: number }>, maxRows: number): void {
  let rows = 0;
  for (const [id, job] of [...jobs].sort((a, b) => b[1].usedAt - a[1].usedAt)) {
    rows += job.block?.length ?? 0;
    if (rows > maxRows) jobs.delete(id);
  }
}

/** Drops what is older than every window asked lately, once it is a quarter of the sample; then the stores beyond the cap, least recently read first. */
function prune(store: Store, sinceMs: number): void {
  const floor = askLogTail(store.tail, sinceMs);
  if (floor > store.tail.floor) {
    const logs = store.logs;
    let old = 0;
    for (let i = 0; i < logs.length; i++) if (logs.createdAt[i] < floor) old++;
    if (old * 4 > logs.length) {
      logs.compact((i) => logs.createdAt[i] >= floor);
      store.counts.dropBefore(Math.floor(floor / 1000));
      store.tail.floor = floor;
    }
  }
  const now = Date.now();
  for (const [id, job] of store.jobs) if (job.usedAt < now - ASKED_FOR_MS) store.jobs.delete(id);
  evictJobs(store.jobs, 4 * store.budget);
  let total = 0;
  for (const s of stores.values()) total += s.logs.length;
  for (const s of stores.values()) {
    if (total <= MAX_CACHED_LOG_ROWS || s === store) break;
    stores.delete(s.key);
    total -= s.logs.length;
  }
}

/** A succeeded job's output: counted once, its rows below `threshold` read (again when a larger share is asked than was read). */
interface SucceededJob {
  id: string;
  outputTable: string;
  rowsDone: number;
  rowsFailed: number;
}

/** Below this share of a table's rows, a sample is read by rowid (seeks) rather than by scanning the table. */
const SEEK_SHARE = 1 / 16;

function jobSample(db: Database.Database, spec: WindowSpec, store: Store, job: SucceededJob, threshold: number | null): JobSample {
  let known = store.jobs.get(job.id);
  if (known && (known.gone || (threshold === null ? known.counted : known.block !== null && known.threshold >= threshold))) {
    known.usedAt = Date.now();
    return known;
  }
  const { recommender, itemColumn, itemIdColumn: itemId } = spec;
  const wanted = recommender ? [itemColumn] : spec.columns.map((c) => c.name);
  const table = quoteIdent(job.outputTable);
  known ??= { rows: 0, failed: 0, counted: false, gone: false, threshold: 0, block: null, usedAt: Date.now() };
  known.usedAt = Date.now();
  store.jobs.set(job.id, known);
  try {
    // Only the columns compared (a wide output table's others are not copied out of SQLite).
    const present = new Set((db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((c) => c.name));
    if (present.size === 0) return Object.assign(known, { gone: true, rows: 0, failed: 0, block: null });
    if (!known.counted) {
      // A succeeded job's counts were committed with its rows (job-commit.ts); a table made otherwise is counted.
      const c =
        job.rowsDone > 0
          ? { n: job.rowsDone, failed: job.rowsFailed }
          : (db.prepare(`SELECT count(*) AS n, ${present.has("error") ? 'count("error")' : "0"} AS failed FROM ${table}`).get() as {
              n: number;
              failed: number;
            });
      Object.assign(known, { rows: c.n, failed: c.failed, counted: true });
    }
    if (threshold === null) return known;
    const selected = [...new Set([...wanted, "prediction", "error"])].filter((c) => present.has(c));
    const at = (c: string) => selected.indexOf(c) + 1;
    // Rows as arrays, copied into one row object in turn: as the row the reads built before, without an object per row from SQLite.
    const cells = wanted.map((c) => ({ name: recommender ? itemId : c, at: at(c), absent: ({} as Record<string, unknown>)[c] ?? null }));
    const [predictionAt, errorAt] = [at("prediction"), at("error")];
    const columns = `rowid, ${selected.map(quoteIdent).join(", ") || "NULL AS none"}`;
    const rows = (
      threshold / EVERY_ROW > SEEK_SHARE
        ? db.prepare(`SELECT ${columns} FROM ${table} WHERE ${PRIORITY_SQL} < ? ORDER BY rowid`).raw().iterate(threshold)
        : sampledByRowid(
            db,
            `SELECT ${columns} FROM ${table} WHERE rowid = ?`,
            (db.prepare(`SELECT max(rowid) AS m FROM ${table}`).get() as { m: number | null }).m ?? 0,
            threshold,
          )
    ) as Iterable<unknown[]>;
    const block = new Block(spec.columns, store.labels);
    const row: Row = {};
    for (const r of rows) {
      for (const c of cells) row[c.name] = (c.at < 1 ? c.absent : (r[c.at] ?? null)) as Row[string];
      const error = errorAt < 1 ? undefined : r[errorAt];
      const failed = error !== null && error !== undefined;
      block.push(row, NaN, !failed, failed ? undefined : ((predictionAt < 1 ? undefined : r[predictionAt]) ?? null), priorityOf(r[0] as number));
    }
    return Object.assign(known, { block, threshold });
  } catch {
    return Object.assign(known, { gone: true, rows: 0, failed: 0, block: null }); // an output table dropped by hand, or unreadable: skipped, as before
  }
}

/** The rows of rowids 1…`last` whose priority is below `threshold`, one seek each (an output table's rowids are its rows' 1…n). */
function* sampledByRowid(db: Database.Database, sql: string, last: number, threshold: number): Generator<unknown[]> {
  const seek = db.prepare(sql).raw();
  for (let r = 1; r <= last; r++) {
    if (priorityOf(r) >= threshold) continue;
    const row = seek.get(r) as unknown[] | undefined;
    if (row) yield row;
  }
}

/** A block's rows the window takes: indices of the sampled rows in it. */
interface Part {
  block: Block;
  rows: Int32Array;
}

interface Columns {
  window: MonitorWindow;
  /** The log's part first, then each job's, newest first. */
  parts: Part[];
  reference: { inputs: Row[]; predictions: unknown[] };
  /** The reference sample as read from its file (the same object while the file is unchanged). */
  sample: unknown;
  labels: string[];
  /** Every row of the window, scored and refused (exact). */
  allRows: number;
}

/** Indices of a block's rows that `take` picks. */
function pick(block: Block, take: (i: number) => boolean): Int32Array {
  const rows = new Int32Array(block.length);
  let n = 0;
  for (let i = 0; i < block.length; i++) if (take(i)) rows[n++] = i;
  return rows.subarray(0, n);
}

/**
 * What monitoring compares: the model version's reference sample and the rows scored in the
 * window, from the request log (real time) and from the output tables of the endpoint's batch
 * jobs that finished in it (newest first): exact counts, and a uniform sample of the rows.
 */
function columnsOf(db: Database.Database, spec: WindowSpec): Columns {
  const reference = readReference(spec.referenceFile);
  const { recommender, itemColumn, itemIdColumn: itemId } = spec;
  // A recommender's reference rows name the item in its item column; requests say itemId.
  const refInputs = recommender ? reference.inputs.map((r) => ({ [itemId]: r[itemColumn] ?? null })) : reference.inputs;
  let store = storeOf(db, spec);
  let edges = syncLogs(db, spec, store);
  if (!edges) edges = syncLogs(db, spec, (store = storeOf(db, spec, true)))!;
  // The log's exact counts: whole seconds, then the window's cut ones row by row.
  let requests = 0;
  let scored = 0;
  let refused = 0;
  const { first, last } = splitWindow(spec.sinceMs, spec.untilMs);
  const values = store.counts.values;
  store.counts.forEach(first, last, (_, at) => {
    requests += values[at + ANSWERED];
    scored += values[at + SCORED];
    refused += values[at + REFUSED];
  });
  for (const e of edges) {
    if (e.status === 200) requests++, (scored += e.n);
    else refused += e.n;
  }
  const batch = db.prepare(succeededJobsSql).all(spec.name, spec.sinceMs, spec.untilMs) as SucceededJob[];
  let allRows = scored + refused;
  let batchScored = 0;
  for (const job of batch) {
    const counted = jobSample(db, spec, store, job, null);
    allRows += counted.rows;
    batchScored += counted.rows - counted.failed;
  }
  // One threshold for every part: a uniform sample of the whole window.
  const threshold = Math.min(store.threshold, thresholdFor(allRows, windowBudget(spec)));
  const logs = store.logs;
  const parts: Part[] = [
    { block: logs, rows: pick(logs, (i) => logs.priority[i] < threshold && logs.createdAt[i] >= spec.sinceMs && logs.createdAt[i] <= spec.untilMs) },
  ];
  for (const job of batch) {
    const sample = jobSample(db, spec, store, job, threshold);
    const block = sample.block;
    if (!block) continue;
    // Read at a larger share for an earlier window: trimmed once it holds far more than this one takes (the jobs' samples stay about the budget).
    if (sample.threshold > 4 * threshold) {
      block.compact((i) => block.priority[i] < threshold);
      sample.threshold = threshold;
    }
    parts.push({ block, rows: pick(block, (i) => block.priority[i] < threshold) });
  }
  prune(store, spec.sinceMs);
  let sampledRows = 0;
  forEachRow(parts, (block, i) => void (sampledRows += block.scored[i]));
  return {
    window: {
      since: new Date(spec.sinceMs).toISOString(),
      until: new Date(spec.untilMs).toISOString(),
      rows: scored + batchScored,
      sampledRows,
      requests,
      jobs: batch.length,
      referenceRows: refInputs.length,
      model: spec.model,
    },
    parts,
    reference: { inputs: refInputs, predictions: reference.predictions },
    sample: reference,
    labels: store.labels.labels,
    allRows,
  };
}

/** Every sampled row of the window, in the order the log (by created_at, then rowid) and the jobs would give them: logged rows in rowid order, filtered on created_at. */
function forEachRow(parts: readonly Part[], visit: (block: Block, i: number) => void): void {
  for (const { block, rows } of parts) for (let r = 0; r < rows.length; r++) visit(block, rows[r]);
}

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
function countsOf(
  parts: readonly Part[],
  labels: readonly string[],
  codeOf: (block: Block, i: number) => number,
  take: (block: Block, i: number) => boolean,
): Map<string, number> {
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

/** Sorted values of a numeric column over the window's sampled scored rows. */
function sortedOf(c: Columns, column: (block: Block) => Float64Array): Float64Array {
  let n = 0;
  for (const part of c.parts) n += part.rows.length;
  const picked = new Float64Array(n);
  let k = 0;
  for (const { block, rows } of c.parts) {
    const values = column(block);
    const scored = block.scored;
    for (let r = 0; r < rows.length; r++) {
      const i = rows[r];
      if (scored[i] === 1 && !Number.isNaN(values[i])) picked[k++] = values[i];
    }
  }
  return sortNumbers(picked.subarray(0, k));
}

const isScored = (block: Block, i: number) => block.scored[i] === 1;

/** The current side of a feature (its index in the spec's columns) for drift. */
function currentValues(c: Columns, k: number, kind: DriftKind): FeatureValues {
  const rows = c.window.rows;
  if (kind === "numeric") return { kind, rows, sorted: sortedOf(c, (b) => b.features[k].drift as Float64Array) };
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
    return driftOfValues(
      "prediction",
      featureValues("numeric", c.reference.predictions),
      { kind: "numeric", rows, sorted: sortedOf(c, (b) => b.predictionNumber) },
      t,
    );
  }
  forEachRow(c.parts, (b, i) => b.predictionCodeAt(i)); // every label coded before they are counted
  const current: FeatureValues = { kind: "categorical", rows, counts: countsOf(c.parts, c.labels, (b, i) => b.predictionCode[i], isScored) };
  return driftOfValues("prediction", featureValues("categorical", c.reference.predictions, predictionLabel), current, t);
}

/**
 * Brings the stores of the spec's endpoint up to the log's end without answering anything (the
 * monitor warmer, lib/monitor/server/warm.ts), as syncTraffic does: the store of the endpoint's
 * compared columns from its own floor; none, one is made for `spec`.
 */
export function syncWindow(db: Database.Database, spec: WindowSpec): void {
  const known = stores.get(storeKey(spec));
  const from = known ? { ...spec, sinceMs: known.tail.floor } : spec;
  if (syncLogs(db, from, storeOf(db, from)) === null) syncLogs(db, from, storeOf(db, from, true));
}

/** Where the store of the spec's endpoint and columns stands, if there is one (tests). */
export function windowStoreState(_db: Database.Database, spec: WindowSpec): { floor: number; lastRowid: number; sampled: number } | null {
  const s = stores.get(storeKey(spec));
  return s ? { floor: s.tail.floor, lastRowid: s.tail.lastRowid, sampled: s.logs.length } : null;
}

/** Drift per input feature and for the predictions, against the reference sample. */
export function readDrift(db: Database.Database, spec: WindowSpec) {
  const c = columnsOf(db, spec);
  if (c.window.rows === 0) {
    return {
      window: c.window,
      thresholds: spec.thresholds,
      features: [],
      prediction: null,
      driftedFeatures: 0,
      datasetDrifted: false,
      note: "No scored rows in this window.",
    };
  }
  const t = { ...DEFAULT_DRIFT_THRESHOLDS, ...spec.thresholds };
  const features: FeatureDrift[] = [];
  spec.columns.forEach(({ name, type }, k) => {
    const kind = driftKindOf(type);
    if (kind === null) return;
    const reference = featureValues(
      kind,
      c.reference.inputs.map((r) => r[name]),
    );
    features.push(driftOfValues(name, reference, currentValues(c, k, kind), t));
  });
  return { window: c.window, thresholds: spec.thresholds, ...driftReportOf(features, predictionDriftOf(c, t), t) };
}

interface QualityCounts {
  rows: number;
  nulls: number;
  typeErrors: number;
  outOfRange: number;
}

/**
 * Null, type-error and out-of-range rates per input column over every row that reached the
 * endpoint: scored and refused (rates over the window's sample; its rows counted exactly).
 */
export function readQuality(db: Database.Database, spec: WindowSpec) {
  const c = columnsOf(db, spec);
  const rejectedRows = c.allRows - c.window.rows;
  const features = spec.columns.map(({ name, type }, k) => {
    const inRange = rangeCheckOf(type, c.reference.inputs, name);
    // Whether a category's code is in range, looked up once per code.
    const codeInRange = new Int8Array(c.labels.length).fill(-1);
    const numeric = type === "number" || type === "integer";
    const counts: QualityCounts = { rows: 0, nulls: 0, typeErrors: 0, outOfRange: 0 };
    for (const { block, rows } of c.parts) {
      const { state, value } = block.features[k];
      counts.rows += rows.length;
      for (let r = 0; r < rows.length; r++) {
        const i = rows[r];
        const s = state[i];
        if (s === NULL) counts.nulls++;
        else if (s === WRONG_TYPE) counts.typeErrors++;
        else if (numeric) {
          if (!inRange(value[i])) counts.outOfRange++;
        } else if (type === "category") {
          const code = value[i];
          if (codeInRange[code] === -1) codeInRange[code] = inRange(c.labels[code]) ? 1 : 0;
          if (codeInRange[code] === 0) counts.outOfRange++;
        } else if (!inRange(true)) counts.outOfRange++;
      }
    }
    return { ...featureQuality(name, type, counts), rows: c.allRows };
  });
  return { window: { ...c.window, rejectedRows }, features: c.allRows ? features : [] };
}
