/**
 * Column type inference and cell coercion for the "get data" step.
 * Browser-safe and pure: no Node APIs, no I/O, so the upload preview in the browser and the
 * server-side import agree on every type.
 */
import type { Cell, ColumnInfo, ColumnType, RawCell, Row } from "@/lib/data/types";
import { setCell } from "@/lib/shared/cells";

/** Spellings of "no value" that exports from pandas, R, Excel and databases commonly write. */
const MISSING_WORDS = new Set(["na", "n/a", "nan", "null", "none"]);
/** The longest word in MISSING_WORDS, so most cells skip the lower-casing. */
const MISSING_WORD_MAX_CHARS = 4;

/** A column is a category when its distinct values stay at or below this floor… */
const CATEGORY_MIN_DISTINCT_LIMIT = 20;
/** …or this share of its non-missing values, whichever is larger… */
const CATEGORY_DISTINCT_SHARE = 0.05;
/** …but never above this many distinct values (a one-hot of more is not useful). */
const CATEGORY_MAX_DISTINCT = 1000;
/** Long values are prose, not labels. */
const CATEGORY_MAX_AVERAGE_CHARS = 60;
/** Short values without spaces are codes or identifiers (SKUs, invoice numbers): categories at any cardinality. */
const CODE_MAX_AVERAGE_CHARS = 24;
/**
 * Distinct values tracked per column. One more than CATEGORY_MAX_DISTINCT is enough to decide
 * category vs text, and keeps memory bounded for high-cardinality columns.
 */
const DISTINCT_TRACK_LIMIT = CATEGORY_MAX_DISTINCT + 1;

const BOOLEAN_PATTERN = /^(?:true|false|yes|no)$/i;
const TRUE_PATTERN = /^(?:true|yes)$/i;
const INTEGER_PATTERN = /^[+-]?\d+$/;
/** Plain decimals and exponents; a decimal comma ("1,5") is deliberately not a number. */
export const NUMBER_PATTERN = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
/**
 * yyyy-mm-dd or yyyy/mm/dd (one separator throughout), optionally followed by a time with
 * "T" or a space, optional seconds and fraction, and an optional "Z" or ±hh[:]mm offset.
 */
const DATETIME_PATTERN = /^(\d{4})([-/])(\d{2})\2(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?\s*(Z|[+-]\d{2}:?\d{2})?)?$/i;

const MS_PER_MINUTE = 60_000;
const FRACTION_DIGITS_OF_MS = 3;

/** True for null, undefined, blank text and the usual spellings of a missing value. */
export function isMissing(raw: RawCell | undefined): boolean {
  if (raw === null || raw === undefined) return true;
  if (typeof raw === "number") return Number.isNaN(raw);
  if (typeof raw !== "string") return false;
  return isMissingText(raw.trim());
}

/** isMissing for text that is already trimmed. */
function isMissingText(text: string): boolean {
  if (text.length === 0) return true;
  return text.length <= MISSING_WORD_MAX_CHARS && MISSING_WORDS.has(text.toLowerCase());
}

/** What one column's values have allowed so far; flags only ever go from true to false. */
interface ColumnEvidence {
  nonMissing: number;
  canBoolean: boolean;
  canInteger: boolean;
  canNumber: boolean;
  canDatetime: boolean;
  /** Capped at DISTINCT_TRACK_LIMIT; JSON numbers are keyed as numbers, not strings. */
  distinct: Set<string | number | boolean>;
  totalChars: number;
  /** Non-missing values that contain whitespace: words, not codes. */
  withSpace: number;
}

function createEvidence(): ColumnEvidence {
  return {
    nonMissing: 0,
    canBoolean: true,
    canInteger: true,
    canNumber: true,
    canDatetime: true,
    distinct: new Set(),
    totalChars: 0,
    withSpace: 0,
  };
}

/**
 * Streaming type inference: feed every row with `add`, then read the column infos with `finish`.
 * Memory is O(columns) plus a distinct-value set per column capped at DISTINCT_TRACK_LIMIT.
 */
export function createTypeInferrer(): {
  add(columns: string[], row: RawCell[]): void;
  finish(columns: string[], rowCount: number): ColumnInfo[];
} {
  const evidence: ColumnEvidence[] = [];

  function add(columns: string[], row: RawCell[]): void {
    // The column list of a JSON file grows as new keys appear: earlier rows simply lacked them.
    while (evidence.length < columns.length) evidence.push(createEvidence());
    const width = Math.min(columns.length, row.length);
    for (let i = 0; i < width; i++) {
      const raw = row[i];
      if (typeof raw === "string") {
        // Trimmed once here: both the missing check and the type tests need it.
        const text = raw.trim();
        if (!isMissingText(text)) recordText(evidence[i], raw, text);
      } else if (!isMissing(raw)) {
        recordScalar(evidence[i], raw as number | boolean);
      }
    }
  }

  function finish(columns: string[], rowCount: number): ColumnInfo[] {
    return columns.map((name, i) => {
      const seen = evidence[i] ?? createEvidence();
      const type = decideType(seen);
      // Cells never seen (short rows, keys that appeared later) are missing too.
      return { name, type, inferredType: type, nullCount: rowCount - seen.nonMissing };
    });
  }

  return { add, finish };
}

function recordDistinct(seen: ColumnEvidence, value: string | number | boolean): void {
  seen.nonMissing++;
  if (seen.distinct.size < DISTINCT_TRACK_LIMIT) seen.distinct.add(value);
}

/** A JSON number or boolean. */
function recordScalar(seen: ColumnEvidence, value: number | boolean): void {
  recordDistinct(seen, value);
  seen.canDatetime = false;
  if (typeof value === "number") {
    seen.totalChars += String(value).length;
    seen.canBoolean = false;
    if (!Number.isSafeInteger(value)) seen.canInteger = false;
    if (!Number.isFinite(value)) seen.canNumber = false;
  } else {
    seen.totalChars += value ? "true".length : "false".length;
    seen.canInteger = false;
    seen.canNumber = false;
  }
}

/** Tests only the types still possible, so a settled column costs at most one regex per cell. */
function recordText(seen: ColumnEvidence, raw: string, text: string): void {
  recordDistinct(seen, raw);
  seen.totalChars += raw.length;
  if (seen.withSpace === 0 && /\S\s+\S/.test(raw)) seen.withSpace++;
  if (seen.canBoolean && !BOOLEAN_PATTERN.test(text)) seen.canBoolean = false;
  if (seen.canInteger) {
    // An integer is also a number and never a date, so one test settles the cell.
    if (isIntegerText(text)) {
      seen.canDatetime = false;
      return;
    }
    seen.canInteger = false;
  }
  if (seen.canNumber && !NUMBER_PATTERN.test(text)) seen.canNumber = false;
  if (seen.canDatetime && parseDatetimeMs(text) === null) seen.canDatetime = false;
}

function isIntegerText(text: string): boolean {
  return INTEGER_PATTERN.test(text) && Number.isSafeInteger(Number(text));
}

function decideType(seen: ColumnEvidence): ColumnType {
  return decideColumnType({ ...seen, distinct: seen.distinct.size });
}

/** What a column's values allowed, as counts: the JS inferrer's evidence, or SQL aggregates over a stored version (lib/data/server/infer-sql.ts). */
export interface ColumnEvidenceCounts {
  nonMissing: number;
  canBoolean: boolean;
  canInteger: boolean;
  canNumber: boolean;
  canDatetime: boolean;
  /** Distinct non-missing values (exact up to at least CATEGORY_MAX_DISTINCT + 1). */
  distinct: number;
  totalChars: number;
  withSpace: number;
}

/** A column's type from what its values allowed. */
export function decideColumnType(seen: ColumnEvidenceCounts): ColumnType {
  // A column with only missing values carries no evidence; `category` is the cheapest guess to
  // live with (it imputes to a constant and one-hot encodes to nothing) and is easy to override.
  if (seen.nonMissing === 0) return "category";
  if (seen.canBoolean) return "boolean";
  if (seen.canInteger) return "integer";
  if (seen.canNumber) return "number";
  if (seen.canDatetime) return "datetime";
  return isCategory(seen) ? "category" : "text";
}

function isCategory(seen: ColumnEvidenceCounts): boolean {
  const distinct = seen.distinct;
  const limit = Math.max(CATEGORY_MIN_DISTINCT_LIMIT, CATEGORY_DISTINCT_SHARE * seen.nonMissing);
  const averageChars = seen.totalChars / seen.nonMissing;
  if (seen.withSpace === 0 && averageChars <= CODE_MAX_AVERAGE_CHARS) return true;
  return distinct <= limit && distinct <= CATEGORY_MAX_DISTINCT && averageChars <= CATEGORY_MAX_AVERAGE_CHARS;
}

/**
 * Milliseconds since the epoch of an accepted datetime text, or null when the text is not one
 * of the accepted forms or names a day that does not exist (2023-02-29). A value without an
 * offset is read as UTC, so the result never depends on the machine's time zone.
 */
export function parseDatetimeMs(text: string): number | null {
  const match = DATETIME_PATTERN.exec(text);
  if (match === null) return null;
  const year = Number(match[1]);
  const month = Number(match[3]);
  const day = Number(match[4]);
  const hour = match[5] === undefined ? 0 : Number(match[5]);
  const minute = match[6] === undefined ? 0 : Number(match[6]);
  const second = match[7] === undefined ? 0 : Number(match[7]);
  const ms = match[8] === undefined ? 0 : Number(match[8].slice(0, FRACTION_DIGITS_OF_MS).padEnd(FRACTION_DIGITS_OF_MS, "0"));
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  if (hour > 23 || minute > 59 || second > 59) return null;
  const offsetMinutes = match[9] === undefined ? 0 : parseOffsetMinutes(match[9]);
  if (offsetMinutes === null) return null;
  const utc = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  // Date.UTC maps years 0–99 to 1900–1999; setUTCFullYear puts them back.
  const fixed = year < 100 ? new Date(utc).setUTCFullYear(year) : utc;
  return fixed - offsetMinutes * MS_PER_MINUTE;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const FEBRUARY = 2;

function daysInMonth(year: number, month: number): number {
  return month === FEBRUARY && isLeapYear(year) ? 29 : DAYS_IN_MONTH[month - 1];
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** "Z" → 0, "+02:00" / "-0530" → signed minutes; null for hours or minutes out of range. */
function parseOffsetMinutes(offset: string): number | null {
  if (offset === "Z" || offset === "z") return 0;
  const sign = offset[0] === "-" ? -1 : 1;
  const digits = offset.slice(1).replace(":", "");
  const hours = Number(digits.slice(0, 2));
  const minutes = Number(digits.slice(2, 4));
  if (hours > 23 || minutes > 59) return null;
  return sign * (hours * 60 + minutes);
}

/**
 * Converts a raw cell to its column's type. Missing spellings become null, and so does a value
 * that does not fit the type (which happens when a user overrides the inferred type).
 */
export function coerceCell(raw: RawCell | undefined, type: ColumnType): Cell {
  if (isMissing(raw)) return null;
  const value = raw as string | number | boolean;
  switch (type) {
    case "integer":
      return coerceInteger(value);
    case "number":
      return coerceNumber(value);
    case "boolean":
      return coerceBoolean(value);
    case "datetime":
      return coerceDatetime(value);
    case "category":
    case "text":
      return typeof value === "string" ? value : String(value);
  }
}

function coerceNumber(value: string | number | boolean): number | null {
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (typeof value === "boolean") return null;
  // Number() is the fast path; the pattern runs only for what Number() alone would misread
  // (hex and binary literals, "Infinity"), which all contain a letter other than e/E.
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || value.length === 0) return null;
  if (/[a-df-zA-DF-Z_]/.test(value) && !NUMBER_PATTERN.test(value.trim())) return null;
  return parsed;
}

/** Integral values only: "3.0" is 3, "3.5" does not fit an integer column. */
function coerceInteger(value: string | number | boolean): number | null {
  const parsed = coerceNumber(value);
  return parsed !== null && Number.isSafeInteger(parsed) ? parsed : null;
}

/** Besides true/false/yes/no, 1 and 0 are accepted so an integer flag can be overridden to boolean. */
function coerceBoolean(value: string | number | boolean): boolean | null {
  if (typeof value === "boolean") return value;
  if (typeof value === "number") return value === 1 ? true : value === 0 ? false : null;
  const text = value.trim();
  if (text === "1") return true;
  if (text === "0") return false;
  if (!BOOLEAN_PATTERN.test(text)) return null;
  return TRUE_PATTERN.test(text);
}

/** Datetime texts repeat (dates of a weekly series, timestamps of one day): remember recent ones. */
const DATETIME_CACHE_MAX = 50_000;
const datetimeCache = new Map<string, string | null>();

function coerceDatetime(value: string | number | boolean): string | null {
  if (typeof value !== "string") return null;
  const cached = datetimeCache.get(value);
  if (cached !== undefined) return cached;
  const ms = parseDatetimeMs(value.trim());
  const iso = ms === null ? null : new Date(ms).toISOString();
  if (datetimeCache.size >= DATETIME_CACHE_MAX) datetimeCache.clear();
  datetimeCache.set(value, iso);
  return iso;
}

/** A row keyed by the exact column names, each cell coerced to its column's type. */
export function coerceRow(columns: { name: string; type: ColumnType }[], raw: RawCell[]): Row {
  const row: Row = {};
  for (let i = 0; i < columns.length; i++) {
    const { name, type } = columns[i];
    setCell(row, name, coerceCell(raw[i], type));
  }
  return row;
}
