/** What a spreadsheet reads as the start of a formula (OWASP, CSV injection): = + - @, a tab, a carriage return. */
const FORMULA_START = /^[=+\-@\t\r]/;
/** A plain decimal number ("-5", "+0.5", "-1.5e3", "12."): numeric text, which a spreadsheet reads as the number it is. */
const NUMERIC_TEXT = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;

/**
 * Whether a text cell would be read as a formula by a spreadsheet opening the CSV: it starts
 * with = + - @, a tab or a carriage return and is not a plain decimal number.
 */
export function isFormulaLike(text: string): boolean {
  return FORMULA_START.test(text) && !NUMERIC_TEXT.test(text);
}

/** A text cell a spreadsheet shows as the text it is: a formula-like one gets a leading `'`. */
export function spreadsheetText(text: string): string {
  return isFormulaLike(text) ? `'${text}` : text;
}

/**
 * A CSV cell (RFC 4180): empty for null, quoted when it holds a comma, a quote or a line break.
 * A text that a spreadsheet would run as a formula is written with a leading `'` (a number
 * value, or numeric text like "-5", stays as it is). Browser-safe: every CSV export writes its
 * cells with this, the report download in the browser too.
 */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return String(value);
  const text = spreadsheetText(typeof value === "string" ? value : typeof value === "object" ? JSON.stringify(value) : String(value));
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
