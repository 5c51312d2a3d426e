/**
 * Reading and writing the cells of a row the same way in every step. Pure and browser-safe.
 * A cell is a string, number, boolean or null (lib/data/types' Cell); the readers take any
 * value, so lib/shared needs no step's types and a missing cell (undefined) reads as missing.
 */

/**
 * A finite number from a cell: numbers, booleans as 0/1, and text that Number() reads (numeric
 * strings count so a loosely typed serving request still works); anything else is null. Looser
 * than the importer's number (lib/data/infer.ts), which refuses booleans and hex literals.
 */
export function cellToNumber(cell: unknown): number | null {
  if (typeof cell === "number") return Number.isFinite(cell) ? cell : null;
  if (typeof cell === "boolean") return cell ? 1 : 0;
  if (typeof cell === "string" && cell.trim() !== "") {
    const n = Number(cell);
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

/** A cell as text for a key or a label: a missing cell (null or undefined) is "", any other its String(). */
export function cellText(cell: unknown): string {
  return cell === null || cell === undefined ? "" : String(cell);
}

/** A cell as trimmed text, or null when it is missing or blank: an id, where " 42 " and "42" name one item. */
export function trimmedCellText(cell: unknown): string | null {
  if (cell === null || cell === undefined) return null;
  const text = String(cell).trim();
  return text === "" ? null : text;
}

/** A row's cell by own properties only, so a column named "constructor" never reads Object.prototype; undefined when absent. */
export function ownCell<T>(row: Record<string, T>, name: string): T | undefined {
  return Object.hasOwn(row, name) ? row[name] : undefined;
}

/** Defines rather than assigns, so even a column named "__proto__" becomes a plain cell. */
export function setCell<T>(row: Record<string, T>, name: string, value: NoInfer<T>): void {
  if (name === "__proto__") Object.defineProperty(row, name, { value, writable: true, enumerable: true, configurable: true });
  else row[name] = value;
}

/** ISO date-times without a zone ("2024-03-01T10:00" or "2024-03-01 10:00") are read as UTC, not local time. */
const NAIVE_DATETIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;

/**
 * Milliseconds since the epoch of a time cell (ISO string or number), or null when missing
 * or unreadable. Numbers are taken as they are, so a numeric time column orders naturally.
 */
export function toTimestamp(cell: unknown): number | null {
  if (typeof cell === "number") return Number.isFinite(cell) ? cell : null;
  if (typeof cell !== "string") return null;
  const text = cell.trim();
  if (!text) return null;
  const ms = Date.parse(NAIVE_DATETIME.test(text) ? `${text.replace(" ", "T")}Z` : text);
  return Number.isNaN(ms) ? null : ms;
}
