/**
 * Streaming parsers of uploaded data files (CSV, TSV, JSON array, JSON Lines). Node only.
 *
 * The input is never held as one string: bytes are checked and decoded chunk by chunk, and
 * rows come out in batches of at most PARSE_BATCH_ROWS. Every problem with the file itself is
 * an AppError naming the field ("file" or "columns"); errors thrown by the input iterable
 * itself (a dropped connection, a size limit) pass through unchanged, since they are the
 * caller's to classify.
 */
import { Readable, pipeline } from "node:stream";
import { CsvError, parse as createCsvParser } from "csv-parse";
import { AppError, validation } from "@/lib/shared/errors";
import type { DatasetFormat, RawCell } from "@/lib/data/types";

/** Rows per yielded batch: large enough to amortise the per-batch work, small enough to stream. */
export const PARSE_BATCH_ROWS = 250;
/** A NUL byte this early means a binary file (a spreadsheet, an archive), not text. */
const BINARY_SNIFF_BYTES = 64 * 1024;
/**
 * The longest CSV record or JSON element accepted, in characters. Without a limit, one
 * unclosed quote would swallow the rest of a large file into a single field in memory.
 */
const MAX_RECORD_CHARS = 8 * 1024 * 1024;

const BOM = "\uFEFF";
const NO_DATA_ROWS = "the file has no data rows";

export interface RecordBatch {
  /** The column names so far; a JSON file appends a name when a new key appears. */
  columns: string[];
  /** Rows in column order; a row shorter than `columns` lacks the later columns (null). */
  rows: RawCell[][];
}

type TextFormat = DatasetFormat | "sniff";

const EXTENSION_FORMATS: Record<string, TextFormat> = {
  csv: "csv",
  tsv: "tsv",
  tab: "tsv",
  json: "json",
  jsonl: "jsonl",
  ndjson: "jsonl",
  // Plain text could be any delimiter: the content decides.
  txt: "sniff",
};

const CONTENT_TYPE_FORMATS: Record<string, DatasetFormat> = {
  "text/csv": "csv",
  "text/tab-separated-values": "tsv",
  "application/json": "json",
  "application/x-ndjson": "jsonl",
  "application/jsonl": "jsonl",
  "application/x-jsonlines": "jsonl",
};

/**
 * The format of an upload: by file extension, then by content type, then by sniffing the head.
 * Between the two JSON formats the first character has the last word, because JSON Lines files
 * are often named or served as plain JSON ("[" starts an array, "{" starts a line of objects).
 */
export function detectFormat(fileName: string | undefined, contentType: string | undefined, head: Buffer): DatasetFormat {
  const declared = formatOfFileName(fileName) ?? formatOfContentType(contentType);
  const text = headText(head);
  const firstChar = firstSignificantChar(text);
  if (declared === "json" || declared === "jsonl") {
    if (firstChar === "[") return "json";
    if (firstChar === "{") return "jsonl";
    return declared;
  }
  if (declared !== undefined && declared !== "sniff") return declared;
  return sniffFormat(text);
}

function formatOfFileName(fileName: string | undefined): TextFormat | undefined {
  const dot = fileName?.lastIndexOf(".") ?? -1;
  if (fileName === undefined || dot < 0) return undefined;
  return EXTENSION_FORMATS[fileName.slice(dot + 1).toLowerCase()];
}

function formatOfContentType(contentType: string | undefined): DatasetFormat | undefined {
  const essence = contentType?.split(";")[0].trim().toLowerCase();
  return essence === undefined ? undefined : CONTENT_TYPE_FORMATS[essence];
}

function headText(head: Buffer): string {
  const text = head.subarray(0, BINARY_SNIFF_BYTES).toString("utf8");
  return text.startsWith(BOM) ? text.slice(BOM.length) : text;
}

function firstSignificantChar(text: string): string | undefined {
  const match = /\S/.exec(text);
  return match?.[0];
}

function sniffFormat(text: string): DatasetFormat {
  const firstChar = firstSignificantChar(text);
  if (firstChar === "[") return "json";
  if (firstChar === "{") return "jsonl";
  const firstLine = text.trimStart().split("\n", 1)[0] ?? "";
  return countChar(firstLine, "\t") > countChar(firstLine, ",") ? "tsv" : "csv";
}

function countChar(text: string, char: string): number {
  let count = 0;
  for (let at = text.indexOf(char); at >= 0; at = text.indexOf(char, at + 1)) count++;
  return count;
}

/**
 * Parses a data file into batches of raw rows. CSV/TSV values stay strings; JSON values keep
 * their scalar type, and nested objects or arrays become their JSON text.
 */
export async function* parseRecords(input: AsyncIterable<Buffer | Uint8Array | string>, format: DatasetFormat): AsyncGenerator<RecordBatch> {
  const text = decodeText(input);
  switch (format) {
    case "csv":
      yield* parseDelimited(text, ",");
      return;
    case "tsv":
      yield* parseDelimited(text, "\t");
      return;
    case "json":
      yield* parseJsonArray(text);
      return;
    case "jsonl":
      yield* parseJsonLines(text);
      return;
  }
}

// ---------------------------------------------------------------------------------------------
// Decoding

/**
 * UTF-8 text chunks of the input. The first BINARY_SNIFF_BYTES are held back and checked as a
 * whole before any text is handed on, so a binary file is reported as such rather than as
 * whatever parse error its first bytes would cause. The streaming decoder keeps a multi-byte
 * character split across chunks for the next one, and `fatal` rejects invalid UTF-8 anywhere in
 * the file rather than silently replacing bytes (a Latin-1 export would come out garbled).
 * The decoder drops a leading BOM.
 */
async function* decodeText(input: AsyncIterable<Buffer | Uint8Array | string>): AsyncGenerator<string> {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  let head: Uint8Array[] | undefined = [];
  let offset = 0;
  for await (const chunk of input) {
    const bytes = typeof chunk === "string" ? Buffer.from(chunk, "utf8") : chunk;
    offset += bytes.length;
    let text = "";
    if (head === undefined) {
      text = decodeChunk(decoder, bytes, offset - bytes.length);
    } else {
      head.push(bytes);
      if (offset < BINARY_SNIFF_BYTES) continue;
      text = decodeHead(decoder, head);
      head = undefined;
    }
    if (text.length > 0) yield text;
  }
  const rest = (head === undefined ? "" : decodeHead(decoder, head)) + decodeChunk(decoder, undefined, offset);
  if (rest.length > 0) yield rest;
}

function decodeHead(decoder: TextDecoder, chunks: Uint8Array[]): string {
  const bytes = Buffer.concat(chunks);
  const nul = bytes.subarray(0, BINARY_SNIFF_BYTES).indexOf(0);
  if (nul >= 0) throw unsupportedMediaType(`the file is binary, not text (a NUL byte at offset ${nul})`);
  return decodeChunk(decoder, bytes, 0);
}

/** Decodes one chunk, or flushes the decoder when `bytes` is undefined. */
function decodeChunk(decoder: TextDecoder, bytes: Uint8Array | undefined, offset: number): string {
  try {
    return bytes === undefined ? decoder.decode() : decoder.decode(bytes, { stream: true });
  } catch {
    throw unsupportedMediaType(`the file is not UTF-8 text (an invalid byte sequence near offset ${offset})`);
  }
}

function unsupportedMediaType(message: string): AppError {
  return new AppError("UNSUPPORTED_MEDIA_TYPE", message, [{ field: "file", message }]);
}

// ---------------------------------------------------------------------------------------------
// CSV and TSV

/** What csv-parse's complaints about a malformed file mean, said for the person who sent it. */
const CSV_PROBLEMS: Record<string, string> = {
  CSV_QUOTE_NOT_CLOSED: "a quoted field is not closed",
  INVALID_OPENING_QUOTE: "a quote appears inside an unquoted field (quote the whole field and double the inner quotes)",
  CSV_INVALID_CLOSING_QUOTE: "a closing quote is followed by more characters before the delimiter",
  CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE: "a closing quote is followed by more characters before the delimiter",
  CSV_MAX_RECORD_SIZE: `a record is longer than ${MAX_RECORD_CHARS} characters (is a closing quote missing?)`,
};

async function* parseDelimited(text: AsyncIterable<string>, delimiter: string): AsyncGenerator<RecordBatch> {
  const parser = createCsvParser({
    delimiter,
    relax_quotes: false,
    relax_column_count: false,
    // Trailing blank lines are common; a blank line is never a meaningful record.
    skip_empty_lines: true,
    // Files from several tools end up concatenated with mixed line endings; accept each.
    record_delimiter: ["\r\n", "\n", "\r"],
    max_record_size: MAX_RECORD_CHARS,
  });
  // Errors of either side surface through the parser's iterator below.
  pipeline(Readable.from(text), parser, () => undefined);
  let columns: string[] | undefined;
  let rows: RawCell[][] = [];
  let total = 0;
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      if (columns === undefined) {
        columns = checkColumnNames(record);
        continue;
      }
      rows.push(record);
      total++;
      if (rows.length === PARSE_BATCH_ROWS) {
        yield { columns, rows };
        rows = [];
      }
    }
  } catch (error) {
    throw toFileError(error, columns?.length);
  } finally {
    parser.destroy();
  }
  if (columns === undefined || total === 0) throw validation("file", NO_DATA_ROWS);
  if (rows.length > 0) yield { columns, rows };
}

/** A csv-parse error, whichever copy of the package made it: its ESM and CommonJS builds each have a CsvError class. */
const isCsvError = (e: unknown): e is CsvError =>
  e instanceof CsvError || (e instanceof Error && /^(CSV_|INVALID_OPENING_QUOTE$)/.test(String((e as { code?: unknown }).code)));

/** Maps csv-parse's errors to AppErrors naming `file`; anything else (the caller's input failing) passes through. */
export function toFileError(error: unknown, expectedFields: number | undefined): unknown {
  if (!isCsvError(error)) return error;
  const where = typeof error.lines === "number" ? `line ${error.lines}: ` : "";
  if (error.code === "CSV_RECORD_INCONSISTENT_FIELDS_LENGTH") {
    const expected = expectedFields ?? expectedFieldsOf(error.message);
    const actual = Array.isArray(error.record) ? String(error.record.length) : "another number";
    return validation("file", `${where}expected ${expected} fields (as many as the header has), found ${actual}`);
  }
  return validation("file", `${where}${CSV_PROBLEMS[error.code] ?? `the file is not valid CSV (${error.message})`}`);
}

/**
 * The header's field count from csv-parse's message ("expect 3, got 2 on line 4"). Needed when
 * the header and the bad row arrive in one chunk: the failing stream drops the header record
 * before this generator reads it. The csv-parse version is pinned, and a test covers the text.
 */
function expectedFieldsOf(message: string): string {
  return /\bexpect (\d+)/.exec(message)?.[1] ?? "the same number of";
}

/** Names are kept exactly as written; only empty and repeated names are refused. */
export function checkColumnNames(names: string[]): string[] {
  const seen = new Set<string>();
  names.forEach((name, i) => {
    if (name.trim() === "") throw validation("columns", `column ${i + 1} has no name`);
    if (seen.has(name)) throw validation("columns", `the column name ${JSON.stringify(name)} appears more than once`);
    seen.add(name);
  });
  return names;
}

// ---------------------------------------------------------------------------------------------
// JSON: rows from objects, with a column list that grows as keys appear

class ColumnRegistry {
  readonly names: string[] = [];
  private readonly positions = new Map<string, number>();

  /** Registers the object's keys, then lays its values out in column order. */
  toRow(object: Record<string, unknown>): RawCell[] {
    const keys = Object.keys(object);
    for (const key of keys) if (!this.positions.has(key)) this.append(key);
    const row = new Array<RawCell>(this.names.length).fill(null);
    for (const key of keys) row[this.positions.get(key)!] = toRawCell(object[key]);
    return row;
  }

  private append(name: string): void {
    if (name.trim() === "") throw validation("columns", `column ${this.names.length + 1} has no name`);
    this.positions.set(name, this.names.length);
    this.names.push(name);
  }
}

function toRawCell(value: unknown): RawCell {
  if (value === null || typeof value === "string" || typeof value === "number" || typeof value === "boolean") return value;
  return JSON.stringify(value);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Collects rows and hands out full batches; the column list is copied so a batch stays as it was. */
class RowBatcher {
  private rows: RawCell[][] = [];
  total = 0;

  constructor(private readonly registry: ColumnRegistry) {}

  /** Adds a row; returns a batch when one is full. */
  add(row: RawCell[]): RecordBatch | undefined {
    this.rows.push(row);
    this.total++;
    return this.rows.length === PARSE_BATCH_ROWS ? this.take() : undefined;
  }

  take(): RecordBatch {
    const batch = { columns: this.registry.names.slice(), rows: this.rows };
    this.rows = [];
    return batch;
  }

  get pending(): number {
    return this.rows.length;
  }
}

async function* parseJsonArray(text: AsyncIterable<string>): AsyncGenerator<RecordBatch> {
  const registry = new ColumnRegistry();
  const batcher = new RowBatcher(registry);
  const scanner = new JsonArrayScanner();
  const elements: string[] = [];
  for await (const chunk of text) {
    scanner.push(chunk, elements);
    for (const element of elements) {
      const batch = batcher.add(registry.toRow(parseArrayElement(element, batcher.total + 1)));
      if (batch !== undefined) yield batch;
    }
    elements.length = 0;
  }
  scanner.end();
  if (batcher.total === 0) throw validation("file", NO_DATA_ROWS);
  if (batcher.pending > 0) yield batcher.take();
}

function parseArrayElement(text: string, elementNumber: number): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw validation("file", `element ${elementNumber} of the JSON array is not valid JSON`);
  }
  if (!isPlainObject(value)) throw validation("file", `element ${elementNumber} of the JSON array is not an object`);
  return value;
}

enum ScanState {
  BeforeArray,
  BetweenElements,
  InElement,
  AfterArray,
}

const CHAR_QUOTE = 0x22;
const CHAR_BACKSLASH = 0x5c;
const CHAR_COMMA = 0x2c;
const CHAR_OPEN_BRACKET = 0x5b;
const CHAR_CLOSE_BRACKET = 0x5d;
const CHAR_OPEN_BRACE = 0x7b;
const CHAR_CLOSE_BRACE = 0x7d;

function isJsonWhitespace(code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09;
}

/**
 * Cuts a top-level JSON array into the texts of its elements, chunk by chunk. It tracks only
 * strings, escapes and bracket nesting; each element's text is then checked by JSON.parse.
 * Mismatched brackets are caught here, so a broken file fails at once instead of being
 * buffered up as one endless element.
 */
class JsonArrayScanner {
  private state = ScanState.BeforeArray;
  private readonly openers: number[] = [];
  private inString = false;
  private escaped = false;
  private parts: string[] = [];
  private partsChars = 0;
  private elementNumber = 0;
  private afterComma = false;

  /** Appends the texts of the elements completed in this chunk to `out`. */
  push(chunk: string, out: string[]): void {
    let start = this.state === ScanState.InElement ? 0 : -1;
    for (let i = 0; i < chunk.length; i++) {
      const code = chunk.charCodeAt(i);
      if (this.state === ScanState.InElement) {
        if (this.inString) {
          this.scanStringChar(code);
        } else if (code === CHAR_QUOTE) {
          this.inString = true;
        } else if (code === CHAR_OPEN_BRACE || code === CHAR_OPEN_BRACKET) {
          this.openers.push(code);
        } else if (code === CHAR_CLOSE_BRACE || code === CHAR_CLOSE_BRACKET) {
          if (this.openers.length > 0) this.closeNested(code);
          else this.finishElement(chunk.slice(start, i), code, out);
        } else if (code === CHAR_COMMA && this.openers.length === 0) {
          this.finishElement(chunk.slice(start, i), code, out);
        }
      } else if (!isJsonWhitespace(code)) {
        if (this.scanOutsideElement(code)) start = i;
      }
    }
    if (this.state === ScanState.InElement) this.keepPart(chunk.slice(start));
  }

  /** Checks that the array was closed. */
  end(): void {
    if (this.state === ScanState.BeforeArray) throw validation("file", NO_DATA_ROWS);
    if (this.state !== ScanState.AfterArray) throw validation("file", "the JSON array is not closed (the file ends early)");
  }

  private scanStringChar(code: number): void {
    if (this.escaped) this.escaped = false;
    else if (code === CHAR_BACKSLASH) this.escaped = true;
    else if (code === CHAR_QUOTE) this.inString = false;
  }

  private closeNested(code: number): void {
    const opener = this.openers.pop();
    const matches = code === CHAR_CLOSE_BRACE ? opener === CHAR_OPEN_BRACE : opener === CHAR_OPEN_BRACKET;
    if (!matches) throw validation("file", `element ${this.elementNumber} of the JSON array is not valid JSON (mismatched brackets)`);
  }

  /** Handles a non-blank character between elements; returns true when it starts an element. */
  private scanOutsideElement(code: number): boolean {
    if (this.state === ScanState.BeforeArray) {
      if (code !== CHAR_OPEN_BRACKET) throw validation("file", 'a JSON file must hold an array of objects (it does not start with "[")');
      this.state = ScanState.BetweenElements;
      return false;
    }
    if (this.state === ScanState.AfterArray) throw validation("file", 'the JSON file has more content after the closing "]"');
    if (code === CHAR_CLOSE_BRACKET && !this.afterComma) {
      this.state = ScanState.AfterArray;
      return false;
    }
    if (code === CHAR_COMMA || code === CHAR_CLOSE_BRACKET) {
      throw validation("file", `element ${this.elementNumber + 1} of the JSON array is missing (a stray comma)`);
    }
    this.startElement(code);
    return true;
  }

  private startElement(code: number): void {
    this.state = ScanState.InElement;
    this.elementNumber++;
    this.afterComma = false;
    this.inString = code === CHAR_QUOTE;
    if (code === CHAR_OPEN_BRACE || code === CHAR_OPEN_BRACKET) this.openers.push(code);
  }

  /** The element ended at a top-level "," or "]". */
  private finishElement(tail: string, delimiter: number, out: string[]): void {
    if (delimiter === CHAR_CLOSE_BRACE) {
      throw validation("file", `element ${this.elementNumber} of the JSON array is not valid JSON (mismatched brackets)`);
    }
    this.keepPart(tail);
    out.push(this.parts.length === 1 ? this.parts[0] : this.parts.join(""));
    this.parts = [];
    this.partsChars = 0;
    this.afterComma = delimiter === CHAR_COMMA;
    this.state = delimiter === CHAR_COMMA ? ScanState.BetweenElements : ScanState.AfterArray;
  }

  private keepPart(part: string): void {
    this.partsChars += part.length;
    if (this.partsChars > MAX_RECORD_CHARS) {
      throw validation("file", `element ${this.elementNumber} of the JSON array is longer than ${MAX_RECORD_CHARS} characters`);
    }
    if (part.length > 0) this.parts.push(part);
  }
}

async function* parseJsonLines(text: AsyncIterable<string>): AsyncGenerator<RecordBatch> {
  const registry = new ColumnRegistry();
  const batcher = new RowBatcher(registry);
  let partial = "";
  let lineNumber = 0;
  for await (const chunk of text) {
    let start = 0;
    for (let end = chunk.indexOf("\n"); end >= 0; end = chunk.indexOf("\n", start)) {
      const line = partial + chunk.slice(start, end);
      partial = "";
      start = end + 1;
      lineNumber++;
      const batch = addJsonLine(line, lineNumber, registry, batcher);
      if (batch !== undefined) yield batch;
    }
    partial += chunk.slice(start);
    if (partial.length > MAX_RECORD_CHARS) {
      throw validation("file", `line ${lineNumber + 1} is longer than ${MAX_RECORD_CHARS} characters`);
    }
  }
  if (partial.length > 0) {
    const batch = addJsonLine(partial, lineNumber + 1, registry, batcher);
    if (batch !== undefined) yield batch;
  }
  if (batcher.total === 0) throw validation("file", NO_DATA_ROWS);
  if (batcher.pending > 0) yield batcher.take();
}

/** Parses one line (blank lines are skipped); returns a batch when one is full. */
function addJsonLine(line: string, lineNumber: number, registry: ColumnRegistry, batcher: RowBatcher): RecordBatch | undefined {
  if (line.trim() === "") return undefined;
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw validation("file", `line ${lineNumber} is not valid JSON`);
  }
  if (!isPlainObject(value)) throw validation("file", `line ${lineNumber} is not a JSON object`);
  return batcher.add(registry.toRow(value));
}
