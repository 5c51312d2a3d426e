import { parse as parseCsv } from "csv-parse/sync";
import { parseDatetimeMs } from "@/lib/data/infer";
import type { Task } from "@/lib/define/tasks";
import { AppError, type FieldError, invalidFields } from "@/lib/shared/errors";
import { classificationMetrics, forecastMetrics, METRICS_BY_TASK, recommendationMetrics, regressionMetrics } from "@/lib/train/metrics";

/**
 * Ground truth joined to earlier predictions: reading the posted items (JSON or CSV), matching
 * them to a logged request's row or a batch output row, and measuring the matched pairs with the
 * training metrics. Pure and isomorphic: the server module does the reading and storing.
 */

/** Items one post may carry. */
export const MAX_ACTUAL_ITEMS = 10_000;
/** Key columns one batch item may name. */
const MAX_KEY_COLUMNS = 20;

export type ActualItem = { index: number; requestId: string; row: number; actual: unknown } | { index: number; keys: Record<string, unknown>; actual: unknown };

export interface Unmatched {
  index: number;
  reason: string;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const isScalar = (v: unknown) => v === null || ["string", "number", "boolean"].includes(typeof v);

/**
 * `{items:[{requestId, row?, actual}]}` or `{items:[{keys:{col: value}, actual}]}`; every bad item
 * is named (`items[3].actual`) in one 422.
 */
export function parseActualItems(body: unknown): ActualItem[] {
  if (!isObject(body) || !Array.isArray(body.items))
    throw itemsError([{ field: "items", message: "an array of {requestId, row?, actual} or {keys, actual} is required" }]);
  const extra = Object.keys(body).filter((k) => k !== "items");
  if (extra.length) throw itemsError(extra.map((k) => ({ field: k, message: `unknown field "${k}"` })));
  if (body.items.length === 0) throw itemsError([{ field: "items", message: "at least one item is required" }]);
  if (body.items.length > MAX_ACTUAL_ITEMS) throw itemsError([{ field: "items", message: `at most ${MAX_ACTUAL_ITEMS} items per request` }]);
  const errors: FieldError[] = [];
  const items: ActualItem[] = [];
  body.items.forEach((raw, index) => {
    const at = `items[${index}]`;
    if (!isObject(raw)) return errors.push({ field: at, message: "must be an object" });
    const before = errors.length;
    for (const k of Object.keys(raw))
      if (!["requestId", "row", "keys", "actual"].includes(k)) errors.push({ field: `${at}.${k}`, message: `unknown field "${k}"` });
    if (!("actual" in raw) || raw.actual === null || raw.actual === undefined || raw.actual === "") errors.push({ field: `${at}.actual`, message: "required" });
    else if (!isScalar(raw.actual) && !(Array.isArray(raw.actual) && raw.actual.every((x) => typeof x === "string" || typeof x === "number")))
      errors.push({ field: `${at}.actual`, message: "must be a number, a string, or a list of item ids" });
    if (raw.requestId !== undefined && raw.keys !== undefined) errors.push({ field: `${at}.keys`, message: "give either requestId or keys, not both" });
    else if (raw.keys !== undefined) {
      if (!isObject(raw.keys) || Object.keys(raw.keys).length === 0)
        errors.push({ field: `${at}.keys`, message: "must be an object of at least one column: value" });
      else if (Object.keys(raw.keys).length > MAX_KEY_COLUMNS) errors.push({ field: `${at}.keys`, message: `at most ${MAX_KEY_COLUMNS} columns` });
      else
        for (const [k, v] of Object.entries(raw.keys))
          if (!isScalar(v)) errors.push({ field: `${at}.keys.${k}`, message: "must be a string, number or boolean" });
    } else if (typeof raw.requestId !== "string" || raw.requestId.trim() === "") {
      errors.push({ field: `${at}.requestId`, message: raw.requestId === undefined ? "requestId or keys is required" : "must be a non-empty string" });
    }
    if (raw.row !== undefined && (typeof raw.row !== "number" || !Number.isInteger(raw.row) || raw.row < 0))
      errors.push({ field: `${at}.row`, message: "must be an integer ≥ 0" });
    if (raw.row !== undefined && raw.keys !== undefined) errors.push({ field: `${at}.row`, message: "row goes with requestId, not keys" });
    if (errors.length > before) return;
    items.push(
      raw.keys !== undefined
        ? { index, keys: raw.keys as Record<string, unknown>, actual: raw.actual }
        : { index, requestId: (raw.requestId as string).trim(), row: (raw.row as number | undefined) ?? 0, actual: raw.actual },
    );
  });
  if (errors.length) throw itemsError(errors);
  return items;
}

function itemsError(errors: FieldError[]): AppError {
  return invalidFields(errors, errors.length > 1 ? ` (and ${errors.length - 1} more)` : "");
}

/**
 * A CSV of actuals: an `actual` column plus the key columns (batch), or plus `requestId` and an
 * optional `row` (real time). Each line becomes one item, numbered from 0 after the header.
 */
export function parseActualsCsv(text: string): ActualItem[] {
  let records: string[][];
  try {
    records = parseCsv(text, { bom: true, skip_empty_lines: true, relax_column_count: true, trim: true }) as string[][];
  } catch (e) {
    throw new AppError("VALIDATION", `The CSV does not parse: ${(e as Error).message}`, [{ field: "body", message: "malformed CSV" }]);
  }
  const [header, ...lines] = records;
  if (!header?.includes("actual"))
    throw new AppError("VALIDATION", "The CSV needs an `actual` column beside its key columns.", [{ field: "columns.actual", message: "missing" }]);
  const keyColumns = header.filter((c) => c !== "actual");
  if (keyColumns.length === 0)
    throw new AppError("VALIDATION", "The CSV needs key columns (or requestId) beside `actual`.", [{ field: "columns", message: "no key columns" }]);
  const byRequest = header.includes("requestId");
  const items = lines.map((cells) => {
    const row = Object.fromEntries(header.map((c, j) => [c, cells[j] ?? ""]));
    const actual = row.actual;
    if (byRequest) return { requestId: row.requestId, ...(row.row !== undefined && row.row !== "" ? { row: Number(row.row) } : {}), actual };
    return { keys: Object.fromEntries(keyColumns.map((c) => [c, row[c]])), actual };
  });
  return parseActualItems({ items });
}

// ---------------------------------------------------------------------------------------------
// Matching

/** A logged request as the matcher needs it. */
export interface LoggedRequest {
  status: number;
  outputs: unknown[] | null;
}

/** The prediction of row `row` of a logged request, or why there is none. */
export function loggedPrediction(log: LoggedRequest | undefined, row: number): { prediction: unknown } | { reason: string } {
  if (!log) return { reason: "no scored request of this endpoint has this requestId" };
  if (log.status !== 200) return { reason: `the request failed (HTTP ${log.status}); it has no predictions` };
  const outputs = log.outputs ?? [];
  if (row >= outputs.length)
    return { reason: `the request logged ${outputs.length} prediction${outputs.length === 1 ? "" : "s"}; row ${row} is not among them` };
  return { prediction: outputs[row] };
}

/**
 * A cell in a form that compares equal however it was written: a datetime as its instant (so
 * "2024-01-05" matches "2024-01-05T00:00:00.000Z"), a number as its shortest form ("2.0" = 2),
 * anything else as its trimmed text.
 */
export function normalizeKeyCell(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return String(value);
  const text = String(value).trim();
  const ms = parseDatetimeMs(text);
  if (ms !== null) return `@${ms}`;
  if (/^[-+]?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(text)) return String(Number(text));
  return text;
}

const keyOf = (columns: readonly string[], values: (c: string) => unknown) => JSON.stringify(columns.map((c) => normalizeKeyCell(values(c))));

/** Batch output rows indexed by the normalized values of some key columns; the first row of a key wins. */
export function indexRowsByKeys<R extends Record<string, unknown>>(rows: readonly R[], columns: readonly string[]): Map<string, R> {
  const index = new Map<string, R>();
  for (const r of rows) {
    const k = keyOf(columns, (c) => r[c]);
    if (!index.has(k)) index.set(k, r);
  }
  return index;
}

/** The output row whose key columns equal an item's keys, or why none does. */
export function matchKeys<R extends Record<string, unknown>>(
  keys: Record<string, unknown>,
  outputColumns: readonly string[],
  indexFor: (columns: string[]) => Map<string, R>,
): { row: R } | { reason: string } {
  const columns = Object.keys(keys).sort();
  const missing = columns.filter((c) => !outputColumns.includes(c));
  if (missing.length) return { reason: `the batch output has no column ${missing.map((c) => `"${c}"`).join(", ")}` };
  const row = indexFor(columns).get(keyOf(columns, (c) => keys[c]));
  return row ? { row } : { reason: "no row of the newest batch output has these key values" };
}

/** A batch output row's prediction in the shape real-time scoring answers (a class with its probabilities). */
export function outputRowPrediction(row: Record<string, unknown>): unknown {
  const probs = Object.entries(row).filter(([c]) => c.startsWith("probability_"));
  if (probs.length === 0) return row.prediction ?? null;
  return {
    label: row.prediction === null || row.prediction === undefined ? null : String(row.prediction),
    probabilities: Object.fromEntries(probs.map(([c, v]) => [c.slice("probability_".length), Number(v)])),
  };
}

/** An actual in the form the task's metrics take, or why it cannot be. */
export function actualFor(task: Task, actual: unknown): { value: number | string | string[] } | { reason: string } {
  if (task === "regression" || task === "forecasting") {
    const n = typeof actual === "number" ? actual : typeof actual === "string" && actual.trim() !== "" ? Number(actual) : Number.NaN;
    return Number.isFinite(n) ? { value: n } : { reason: `a ${task} actual must be a number, not ${JSON.stringify(actual)}` };
  }
  if (task === "recommendation") return { value: Array.isArray(actual) ? actual.map(String) : [String(actual)] };
  return typeof actual === "string" || typeof actual === "number" || typeof actual === "boolean"
    ? { value: String(actual) }
    : { reason: "a class actual must be a label" };
}

// ---------------------------------------------------------------------------------------------
// Performance

export interface Pair {
  prediction: unknown;
  actual: unknown;
  predictedAt: Date;
}

export type Metrics = Record<string, number | null>;

const finite = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? null : v);

/** The task's metrics (names of METRICS_BY_TASK) over matched pairs; pairs that cannot be measured are skipped. */
export function pairMetrics(task: Task, pairs: readonly Pair[]): Metrics & { rows: number } {
  const names = METRICS_BY_TASK[task] as readonly string[];
  const empty = () => ({ ...Object.fromEntries(names.map((n) => [n, null])), rows: 0 });
  if (task === "regression" || task === "forecasting") {
    const yTrue: number[] = [];
    const yPred: number[] = [];
    for (const p of pairs) {
      const a = actualFor(task, p.actual);
      const pred = typeof p.prediction === "number" ? p.prediction : Number(p.prediction);
      if ("value" in a && p.prediction !== null && Number.isFinite(pred)) {
        yTrue.push(a.value as number);
        yPred.push(pred);
      }
    }
    if (yTrue.length === 0) return empty();
    const m: Record<string, number> = task === "regression" ? { ...regressionMetrics(yTrue, yPred) } : { ...forecastMetrics(yTrue, yPred) };
    return { ...Object.fromEntries(names.map((n) => [n, finite(m[n])])), rows: yTrue.length };
  }
  if (task === "classification") {
    const measured = pairs.flatMap((p) => {
      const c = p.prediction as { label?: unknown; probabilities?: Record<string, number> } | null;
      return c && typeof c === "object" && c.probabilities ? [{ actual: String(p.actual), probabilities: c.probabilities }] : [];
    });
    if (measured.length === 0) return empty();
    const labels = [...new Set(measured.flatMap((m) => Object.keys(m.probabilities)))].sort();
    const m: Record<string, number | undefined> = {
      ...classificationMetrics(
        measured.map((x) => x.actual),
        measured.map((x) => labels.map((l) => x.probabilities[l] ?? 0)),
        labels,
      ),
    };
    return { ...Object.fromEntries(names.map((n) => [n, finite(m[n])])), rows: measured.length };
  }
  const queries = pairs.flatMap((p) =>
    Array.isArray(p.prediction)
      ? [
          {
            heldOut: String(Array.isArray(p.actual) ? p.actual[0] : p.actual),
            recommended: (p.prediction as { itemId: string }[]).map((r) => String(r.itemId)),
          },
        ]
      : [],
  );
  if (queries.length === 0) return empty();
  const k = Math.max(1, ...queries.map((q) => q.recommended.length));
  const catalog = new Set(queries.flatMap((q) => [q.heldOut, ...q.recommended])).size;
  const m: Record<string, number> = { ...recommendationMetrics(queries, k, catalog) };
  return { ...Object.fromEntries(names.map((n) => [n, finite(m[n])])), rows: queries.length };
}

export type Bucket = "day" | "week";

/** The UTC start of a pair's day, or of its ISO week (Monday). */
export function bucketStart(at: Date, bucket: Bucket): Date {
  const day = Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate());
  if (bucket === "day") return new Date(day);
  const sinceMonday = (new Date(day).getUTCDay() + 6) % 7;
  return new Date(day - sinceMonday * 86_400_000);
}

export type SeriesPoint = { start: string; rows: number } & Record<string, number | null | string>;

/** The task's metrics per bucket of prediction time, oldest first. */
export function performanceSeries(task: Task, pairs: readonly Pair[], bucket: Bucket): SeriesPoint[] {
  const groups = new Map<number, Pair[]>();
  for (const p of pairs) {
    const start = bucketStart(p.predictedAt, bucket).getTime();
    const group = groups.get(start);
    if (group) group.push(p);
    else groups.set(start, [p]);
  }
  return [...groups.entries()].sort((a, b) => a[0] - b[0]).map(([start, group]) => ({ start: new Date(start).toISOString(), ...pairMetrics(task, group) }));
}
