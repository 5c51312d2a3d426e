/**
 * Request and response formats of real-time scoring: the native `{rows}` body, MLflow's
 * `dataframe_split` / `dataframe_records` / `instances` / `inputs`, CSV, and the Open Inference
 * Protocol V2 (KServe). Pure and browser-safe: the endpoint page previews with the same code.
 */
import { setCell, toTimestamp } from "@/lib/shared/cells";
import { AppError, type FieldError, invalidField, invalidFields } from "@/lib/shared/errors";
import { isJsonContentType } from "@/lib/shared/media-type";
import { coerceCell, isMissing } from "@/lib/data/infer";
import type { Cell, ColumnType, Row } from "@/lib/data/types";

export const SCORE_FORMATS = ["rows", "dataframe_split", "dataframe_records", "instances", "inputs", "csv"] as const;
export type ScoreFormat = (typeof SCORE_FORMATS)[number];

/** The JSON keys that carry rows; exactly one of them is sent. */
const ROW_KEYS = ["rows", "dataframe_split", "dataframe_records", "instances", "inputs"] as const;
type RowKey = (typeof ROW_KEYS)[number];

/** Largest number of recommendations a request may ask for. */
export const MAX_K = 100;
/** coerceRows reports at most this many problems at once. */
export const MAX_FIELD_ERRORS = 20;

/**
 * Where the rows of each format live, as the `field` prefix for coerceRows: its errors then
 * read `rows[3].Price`, `dataframe_split.data[3].Price`, … (row 3, column Price).
 */
export const ROWS_FIELD: Record<ScoreFormat, string> = {
  rows: "rows",
  dataframe_split: "dataframe_split.data",
  dataframe_records: "dataframe_records",
  instances: "instances",
  inputs: "inputs",
  csv: "rows",
};

export interface ScoreRequest {
  rows: Row[];
  /** How many recommendations per row (recommenders only). */
  k?: number;
  format: ScoreFormat;
}

export interface ParseScoreOptions {
  maxRows: number;
  /** The model's input columns in order: names the values of positional (array) rows. */
  columns?: string[];
}

function tooLarge(field: string, maxRows: number, got: number | string): AppError {
  const message = `at most ${maxRows} rows per request, got ${got}`;
  return new AppError("TOO_LARGE", `${field}: ${message}`, [{ field, message }]);
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

function toCell(value: unknown, field: string): Cell {
  if (value === null || typeof value === "string" || typeof value === "boolean") return value;
  if (typeof value === "number" && Number.isFinite(value)) return value;
  throw invalidField(field, "expected a string, number, boolean or null");
}

/** A non-empty array of at most maxRows elements. */
function requireList(value: unknown, field: string, maxRows: number, what: string): unknown[] {
  if (!Array.isArray(value)) throw invalidField(field, `expected an array of ${what}`);
  if (value.length === 0) throw invalidField(field, "must not be empty");
  if (value.length > maxRows) throw tooLarge(field, maxRows, value.length);
  return value;
}

function recordRow(value: Record<string, unknown>, field: string): Row {
  const row: Row = {};
  for (const [name, cell] of Object.entries(value)) setCell(row, name, toCell(cell, `${field}.${name}`));
  return row;
}

/** One row from values in column order; a value's field is `${field}[j]`. */
function positionalRow(values: unknown[], columns: string[], field: string): Row {
  if (values.length !== columns.length) throw invalidField(field, `expected ${columns.length} values (one per column), got ${values.length}`);
  const row: Row = {};
  columns.forEach((name, j) => setCell(row, name, toCell(values[j], `${field}[${j}]`)));
  return row;
}

/** Objects are rows; arrays are rows in `columns` order when the caller knows that order. */
function rowList(value: unknown, field: string, opts: ParseScoreOptions, positional: boolean): Row[] {
  const what = positional ? "objects or arrays" : "objects";
  return requireList(value, field, opts.maxRows, what).map((item, i) => {
    const at = `${field}[${i}]`;
    if (isObject(item)) return recordRow(item, at);
    if (!positional || !Array.isArray(item)) throw invalidField(at, `expected ${positional ? "an object or an array" : "an object"}`);
    if (!opts.columns) throw invalidField(at, "an array needs the model's column order, which is not known here; send an object {column: value}");
    return positionalRow(item, opts.columns, at);
  });
}

function columnNames(value: unknown, field: string): string[] {
  if (!Array.isArray(value) || value.length === 0) throw invalidField(field, "expected a non-empty array of column names");
  const seen = new Set<string>();
  value.forEach((name, j) => {
    if (typeof name !== "string" || name === "") throw invalidField(`${field}[${j}]`, "expected a non-empty column name");
    if (seen.has(name)) throw invalidField(`${field}[${j}]`, `column ${JSON.stringify(name)} appears twice`);
    seen.add(name);
  });
  return value as string[];
}

function rejectUnknownKeys(value: Record<string, unknown>, allowed: readonly string[], prefix: string): void {
  const unknown = Object.keys(value).find((key) => !allowed.includes(key));
  if (unknown !== undefined) throw invalidField(`${prefix}${unknown}`, `unknown key; expected ${allowed.join(", ")}`);
}

/** MLflow's pandas "split" orient: `{columns, data: [[...]], index?}`; the index is ignored. */
function dataframeSplitRows(value: unknown, opts: ParseScoreOptions): Row[] {
  const field = "dataframe_split";
  if (!isObject(value)) throw invalidField(field, "expected an object {columns, data}");
  rejectUnknownKeys(value, ["columns", "data", "index"], `${field}.`);
  const columns = columnNames(value.columns, `${field}.columns`);
  const data = requireList(value.data, `${field}.data`, opts.maxRows, "arrays");
  if (value.index !== undefined && (!Array.isArray(value.index) || value.index.length !== data.length)) {
    throw invalidField(`${field}.index`, `expected an array of ${data.length} labels, one per row of data`);
  }
  return data.map((values, i) => {
    const at = `${field}.data[${i}]`;
    if (!Array.isArray(values)) throw invalidField(at, "expected an array of values in column order");
    return positionalRow(values, columns, at);
  });
}

/** `{inputs: {column: [values]}}`: columnar, every array the same length. */
function columnarRows(value: Record<string, unknown>, maxRows: number): Row[] {
  const entries = Object.entries(value);
  if (entries.length === 0) throw invalidField("inputs", "must not be empty");
  const [firstName, firstValues] = entries[0];
  const n = requireList(firstValues, `inputs.${firstName}`, maxRows, "values").length;
  const rows: Row[] = Array.from({ length: n }, () => ({}));
  for (const [name, values] of entries) {
    const at = `inputs.${name}`;
    if (!Array.isArray(values)) throw invalidField(at, "expected an array of values");
    if (values.length !== n) throw invalidField(at, `expected ${n} values like inputs.${firstName}, got ${values.length}`);
    values.forEach((cell, i) => setCell(rows[i], name, toCell(cell, `${at}[${i}]`)));
  }
  return rows;
}

function rowsOf(key: RowKey, value: unknown, opts: ParseScoreOptions): Row[] {
  switch (key) {
    case "rows":
    case "dataframe_records":
      return rowList(value, key, opts, false);
    case "dataframe_split":
      return dataframeSplitRows(value, opts);
    case "instances":
      return rowList(value, key, opts, true);
    case "inputs":
      return isObject(value) ? columnarRows(value, opts.maxRows) : rowList(value, key, opts, true);
  }
}

function parseK(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > MAX_K) {
    throw invalidField("k", `expected an integer from 1 to ${MAX_K}`);
  }
  return value;
}

function parseJsonBody(text: string, opts: ParseScoreOptions): ScoreRequest {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (e) {
    throw invalidField("body", `not valid JSON: ${(e as Error).message}`);
  }
  if (!isObject(body)) throw invalidField("body", `expected a JSON object with one of ${ROW_KEYS.join(", ")}`);
  rejectUnknownKeys(body, [...ROW_KEYS, "k"], "");
  const keys = ROW_KEYS.filter((key) => body[key] !== undefined);
  if (keys.length === 0) throw invalidField("body", `expected one of ${ROW_KEYS.join(", ")}`);
  if (keys.length > 1) throw invalidField(keys[1], `send only one of ${ROW_KEYS.join(", ")}; ${keys[0]} is already given`);
  const k = parseK(body.k);
  const rows = rowsOf(keys[0], body[keys[0]], opts);
  return { rows, format: keys[0], ...(k === undefined ? {} : { k }) };
}

const UNQUOTED_VALUE = /[^,\r\n]*/y;

/**
 * RFC 4180 records: quoted values may hold commas, newlines and doubled quotes; lines end in
 * CRLF, LF or CR; blank lines are skipped. Stops with TOO_LARGE past maxRows data records.
 */
function csvRecords(text: string, maxRows: number): string[][] {
  const records: string[][] = [];
  const end = text.length;
  let pos = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  while (pos < end) {
    if (text[pos] === "\r" || text[pos] === "\n") {
      pos++;
      continue;
    }
    const field = records.length === 0 ? "header" : `rows[${records.length - 1}]`;
    const record: string[] = [];
    for (;;) {
      let value = "";
      if (text[pos] === '"') {
        for (let from = pos + 1; ; ) {
          const quote = text.indexOf('"', from);
          if (quote < 0) throw invalidField(field, "a quoted value is not closed");
          value += text.slice(from, quote);
          if (text[quote + 1] !== '"') {
            pos = quote + 1;
            break;
          }
          value += '"';
          from = quote + 2;
        }
        if (pos < end && !",\r\n".includes(text[pos])) throw invalidField(field, "unexpected text after a closing quote");
      } else {
        UNQUOTED_VALUE.lastIndex = pos;
        value = UNQUOTED_VALUE.exec(text)![0];
        pos += value.length;
      }
      record.push(value);
      // The line break that ends the record is skipped as a blank line.
      if (text[pos] !== ",") break;
      pos++;
    }
    records.push(record);
    if (records.length > maxRows + 1) throw tooLarge("rows", maxRows, `more than ${maxRows}`);
  }
  return records;
}

/** A header line and rows; every value stays a string (coerceRows types it), empty ones are null. */
function parseCsvBody(text: string, opts: ParseScoreOptions): ScoreRequest {
  const [header, ...records] = csvRecords(text, opts.maxRows);
  if (header === undefined) throw invalidField("body", "the CSV is empty; send a header line and rows");
  const columns = columnNames(header, "header");
  if (records.length === 0) throw invalidField("rows", "must not be empty: the CSV has a header line but no rows");
  const rows = records.map((values, i) =>
    positionalRow(
      values.map((v) => (v === "" ? null : v)),
      columns,
      `rows[${i}]`,
    ),
  );
  return { rows, format: "csv" };
}

/** The media type without parameters, lower case: "application/json; charset=utf-8" → "application/json". */
function mediaType(contentType: string): string {
  return contentType.split(";")[0].trim().toLowerCase();
}

/**
 * Reads a scoring request body into rows. JSON (`application/json` or `application/*+json`) holds
 * exactly one of `rows`, `dataframe_split`, `dataframe_records`, `instances`, `inputs`, plus an
 * optional `k`; `text/csv` holds a header line and rows of strings. Values are not typed here:
 * run coerceRows with the model's schema and `ROWS_FIELD[format]`.
 */
export function parseScoreRequest(input: { contentType: string; text: string }, opts: ParseScoreOptions): ScoreRequest {
  const type = mediaType(input.contentType);
  if (isJsonContentType(type)) return parseJsonBody(input.text, opts);
  if (type === "text/csv") return parseCsvBody(input.text, opts);
  const message = "expected application/json or text/csv";
  throw new AppError("UNSUPPORTED_MEDIA_TYPE", `Expected application/json or text/csv, got ${type || "no content type"}.`, [
    { field: "content-type", message },
  ]);
}

const EXPECTED: Record<ColumnType, string> = {
  number: "expected a number",
  integer: "expected a number",
  boolean: "expected a boolean (true/false, 1/0)",
  category: "expected a string",
  text: "expected a string",
  datetime: "expected a datetime (ISO 8601 text or epoch milliseconds)",
};

/** A letter Number() would read as more than a digit (hex, binary, Infinity), or an underscore: such a cell takes the full path. */
const NON_DECIMAL = /[a-df-zA-DF-Z_]/;
const DECIMAL_START = /^[-+.0-9]/;

/**
 * A cell in its column's type, or undefined when it does not fit. Numbers, booleans and texts
 * convert as the dataset import does (so "NA" or "" is null, like in training); integer columns
 * take any number, as the model reads them as numbers; datetimes stay as given.
 */
export function coerceValue(value: Cell, type: ColumnType): Cell | undefined {
  // The common cell of a number column, a plain decimal text ("0.1234", "-3e5"): read at once,
  // without the missing-word and pattern checks. It starts with a digit, a sign or a point (none
  // of the missing words does; a blank cell, which Number() reads as 0, takes the full path).
  if ((type === "number" || type === "integer") && typeof value === "string" && DECIMAL_START.test(value)) {
    const n = Number(value);
    if (Number.isFinite(n) && !NON_DECIMAL.test(value)) return n;
  }
  if (isMissing(value)) return null;
  if (type === "datetime") return toTimestamp(value) === null ? undefined : value;
  return coerceCell(value, type === "integer" ? "number" : type) ?? undefined;
}

/**
 * Checks rows against the model's input schema and converts their cells to its types. Extra
 * columns are kept as they are (recommenders and forecasters read some); a missing key is an
 * error, a null is not (the recipe imputes it). Reports the first MAX_FIELD_ERRORS problems.
 * `inPlace`: converts the cells of the given rows instead of copying them.
 */
export function coerceRows(rows: Row[], schema: { name: string; type: ColumnType }[], opts: { field: string; inPlace?: boolean }): Row[] {
  const errors: FieldError[] = [];
  // The hot loop of batch scoring (every row × column): no allocation beyond the coerced row, field names only for errors.
  const out = new Array<Row>(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    // In place for rows the caller made and owns (a batch job's): one object less per row. Coercing again is harmless.
    let coerced = row;
    if (!opts.inPlace) {
      coerced = {};
      for (const name of Object.keys(row)) setCell(coerced, name, row[name]);
    }
    for (const { name, type } of schema) {
      if (errors.length >= MAX_FIELD_ERRORS) break;
      if (!Object.hasOwn(row, name)) {
        errors.push({ field: `${opts.field}[${i}].${name}`, message: "required column is missing" });
        continue;
      }
      const cell = coerceValue(row[name], type);
      if (cell === undefined) errors.push({ field: `${opts.field}[${i}].${name}`, message: `${EXPECTED[type]}, got ${JSON.stringify(row[name])}` });
      else setCell(coerced, name, cell);
    }
    out[i] = coerced;
  }
  if (errors.length > 0) {
    const more = errors.length > 1 ? ` (${errors.length}${errors.length >= MAX_FIELD_ERRORS ? "+" : ""} problems)` : "";
    throw invalidFields(errors, more);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Open Inference Protocol V2 (KServe), its REST/JSON form: tensors of {name, shape, datatype, data}.

type V2Kind = "bool" | "bytes" | "integer" | "unsigned" | "float";

const V2_DATATYPES: Record<string, V2Kind> = {
  BOOL: "bool",
  UINT8: "unsigned",
  UINT16: "unsigned",
  UINT32: "unsigned",
  UINT64: "unsigned",
  INT8: "integer",
  INT16: "integer",
  INT32: "integer",
  INT64: "integer",
  FP16: "float",
  FP32: "float",
  FP64: "float",
  BYTES: "bytes",
};

/** Whether a data element fits its datatype; bit widths are not checked, only kind and sign. */
const FITS: Record<V2Kind, { test: (v: unknown) => boolean; need: string }> = {
  bool: { test: (v) => typeof v === "boolean", need: "a boolean" },
  bytes: { test: (v) => typeof v === "string", need: "a string" },
  integer: { test: (v) => Number.isInteger(v), need: "an integer" },
  unsigned: { test: (v) => Number.isInteger(v) && (v as number) >= 0, need: "a non-negative integer" },
  float: { test: (v) => typeof v === "number" && Number.isFinite(v), need: "a number" },
};

/** One input tensor, checked: shape dims are non-negative integers, data is flat and fits both. */
interface V2Tensor {
  name: string;
  shape: number[];
  data: Cell[];
}

export interface V2InferRequest {
  id?: string;
  rows: Row[];
  /** The output names the client asked for, when it did. */
  outputs?: string[];
}

function v2Tensor(value: unknown, i: number, maxRows: number): V2Tensor {
  const at = `inputs[${i}]`;
  if (!isObject(value)) throw invalidField(at, "expected an object {name, shape, datatype, data}");
  rejectUnknownKeys(value, ["name", "shape", "datatype", "data", "parameters"], `${at}.`);
  if (typeof value.name !== "string" || value.name === "") throw invalidField(`${at}.name`, "expected a non-empty string");
  const kind = typeof value.datatype === "string" ? V2_DATATYPES[value.datatype] : undefined;
  if (kind === undefined) throw invalidField(`${at}.datatype`, `expected one of ${Object.keys(V2_DATATYPES).join(", ")}`);
  const shape = value.shape;
  if (!Array.isArray(shape) || shape.length === 0 || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw invalidField(`${at}.shape`, "expected a non-empty array of non-negative integers");
  }
  if (shape[0] === 0) throw invalidField(`${at}.shape`, "must hold at least one row");
  if (shape[0] > maxRows) throw tooLarge(`${at}.shape`, maxRows, shape[0]);
  if (!Array.isArray(value.data)) throw invalidField(`${at}.data`, "expected an array (flat or nested row-major)");
  // Nesting deeper than the shape is left as arrays, which then fail the datatype check.
  const data: unknown[] = value.data.flat(shape.length - 1);
  const size = shape.reduce((a: number, b: number) => a * b, 1);
  if (data.length !== size) throw invalidField(`${at}.data`, `expected ${size} values for shape ${JSON.stringify(shape)}, got ${data.length}`);
  const { test, need } = FITS[kind];
  const bad = data.findIndex((v) => !test(v));
  if (bad >= 0) throw invalidField(`${at}.data`, `value ${bad} (row-major) is ${JSON.stringify(data[bad])}; ${value.datatype} needs ${need}`);
  return { name: value.name, shape: shape as number[], data: data as Cell[] };
}

/** Whether the request is one [n, c] tensor of all columns rather than one tensor per column. */
function isMatrixLayout(tensors: V2Tensor[], columns: string[]): boolean {
  if (tensors.length !== 1 || tensors[0].shape.length !== 2) return false;
  const [{ name, shape }] = tensors;
  return shape[1] !== 1 || !columns.includes(name);
}

function matrixRows({ shape, data }: V2Tensor, columns: string[]): Row[] {
  const [n, c] = shape;
  if (c !== columns.length) {
    throw invalidField("inputs[0].shape", `a [n, c] tensor needs c = ${columns.length}, one per model column (${columns.join(", ")}); got ${c}`);
  }
  return Array.from({ length: n }, (_, r) => {
    const row: Row = {};
    columns.forEach((name, j) => setCell(row, name, data[r * c + j]));
    return row;
  });
}

function columnRows(tensors: V2Tensor[]): Row[] {
  const n = tensors[0].shape[0];
  const rows: Row[] = Array.from({ length: n }, () => ({}));
  const seen = new Set<string>();
  tensors.forEach(({ name, shape, data }, i) => {
    if (shape.length > 2 || (shape.length === 2 && shape[1] !== 1)) {
      throw invalidField(`inputs[${i}].shape`, "a column input has shape [n] or [n, 1]; send all columns as one [n, c] tensor instead");
    }
    if (shape[0] !== n) throw invalidField(`inputs[${i}].shape`, `expected ${n} rows like inputs[0], got ${shape[0]}`);
    if (seen.has(name)) throw invalidField(`inputs[${i}].name`, `column ${JSON.stringify(name)} appears twice`);
    seen.add(name);
    data.forEach((cell, r) => setCell(rows[r], name, cell));
  });
  return rows;
}

function v2Outputs(value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) throw invalidField("outputs", "expected an array of {name}");
  return value.map((output, i) => {
    if (!isObject(output) || typeof output.name !== "string") throw invalidField(`outputs[${i}].name`, "expected a string");
    return output.name;
  });
}

/**
 * Reads a V2 inference request into rows. Two layouts: one tensor per column (shape [n] or
 * [n, 1], named by the column), or one tensor of shape [n, c] whose columns are `opts.columns`
 * in order. `data` may be flat or nested row-major.
 */
export function parseV2InferRequest(body: unknown, opts: { columns: string[]; maxRows: number }): V2InferRequest {
  if (!isObject(body)) throw invalidField("body", "expected a JSON object {inputs: [...]}");
  rejectUnknownKeys(body, ["id", "parameters", "inputs", "outputs"], "");
  if (body.id !== undefined && typeof body.id !== "string") throw invalidField("id", "expected a string");
  if (body.parameters !== undefined && !isObject(body.parameters)) throw invalidField("parameters", "expected an object");
  if (!Array.isArray(body.inputs) || body.inputs.length === 0) throw invalidField("inputs", "expected a non-empty array of input tensors");
  const tensors = body.inputs.map((input, i) => v2Tensor(input, i, opts.maxRows));
  const rows = isMatrixLayout(tensors, opts.columns) ? matrixRows(tensors[0], opts.columns) : columnRows(tensors);
  const outputs = v2Outputs(body.outputs);
  return { rows, ...(body.id === undefined ? {} : { id: body.id }), ...(outputs === undefined ? {} : { outputs }) };
}

export type V2Prediction = number | { label: string; probabilities: Record<string, number> } | { itemId: string; score: number }[];

export interface V2OutputTensor {
  name: string;
  datatype: "FP64" | "BYTES";
  shape: number[];
  data: (number | string)[];
  parameters?: { labels: string[] };
}

export interface V2InferResponse {
  model_name: string;
  model_version: string;
  id: string;
  outputs: V2OutputTensor[];
}

type Classification = Extract<V2Prediction, { label: string }>;
type Recommendation = Extract<V2Prediction, unknown[]>;

/** "label" [n] and "probabilities" [n, classes]; the class order is that of first appearance. */
function classificationOutputs(predictions: Classification[]): V2OutputTensor[] {
  const labels = [...new Set(predictions.flatMap((p) => Object.keys(p.probabilities)))];
  const n = predictions.length;
  return [
    { name: "label", datatype: "BYTES", shape: [n], data: predictions.map((p) => p.label) },
    {
      name: "probabilities",
      datatype: "FP64",
      shape: [n, labels.length],
      data: predictions.flatMap((p) => labels.map((label) => p.probabilities[label] ?? 0)),
      parameters: { labels },
    },
  ];
}

/** "items" and "scores", both [n, k] with k the longest list; shorter lists are padded with "" and 0. */
function recommendationOutputs(predictions: Recommendation[]): V2OutputTensor[] {
  const n = predictions.length;
  const k = Math.max(0, ...predictions.map((p) => p.length));
  const padded = (pick: (item: Recommendation[number]) => string | number, pad: string | number) =>
    predictions.flatMap((p) => Array.from({ length: k }, (_, j) => (j < p.length ? pick(p[j]) : pad)));
  return [
    { name: "items", datatype: "BYTES", shape: [n, k], data: padded((item) => item.itemId, "") },
    { name: "scores", datatype: "FP64", shape: [n, k], data: padded((item) => item.score, 0) },
  ];
}

function predictionOutputs(predictions: V2Prediction[]): V2OutputTensor[] {
  const first = predictions[0];
  const same = (test: (p: V2Prediction) => boolean) => {
    if (!predictions.every(test)) throw new AppError("INTERNAL", "Predictions of one request mix kinds.");
  };
  if (Array.isArray(first)) {
    same(Array.isArray);
    return recommendationOutputs(predictions as Recommendation[]);
  }
  if (isObject(first)) {
    same(isObject);
    return classificationOutputs(predictions as Classification[]);
  }
  same((p) => typeof p === "number");
  return [{ name: "prediction", datatype: "FP64", shape: [predictions.length], data: predictions as number[] }];
}

/**
 * A V2 inference response: numbers (regression, forecast) → "prediction" FP64 [n];
 * classifications → "label" BYTES [n] and "probabilities" FP64 [n, classes] (labels in
 * `parameters.labels`); recommendations → "items" BYTES [n, k] and "scores" FP64 [n, k].
 */
export function v2InferResponse(args: { modelName: string; modelVersion: string; id: string; predictions: V2Prediction[] }): V2InferResponse {
  return { model_name: args.modelName, model_version: args.modelVersion, id: args.id, outputs: predictionOutputs(args.predictions) };
}
