/**
 * Typed errors of the domain. Route handlers map `code` to an HTTP status through
 * one table (lib/shared/http.ts); nothing else chooses status codes.
 */
export type ErrorCode =
  | "VALIDATION"
  | "BAD_REQUEST"
  | "UNAUTHORIZED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "CONFLICT"
  | "TOO_LARGE"
  | "UNSUPPORTED_MEDIA_TYPE"
  | "TOO_MANY_REQUESTS"
  | "METHOD_NOT_ALLOWED"
  | "REQUEST_TIMEOUT"
  | "HEADERS_TOO_LARGE"
  | "UPSTREAM"
  | "UPSTREAM_TIMEOUT"
  | "INSUFFICIENT_STORAGE"
  | "INTERNAL";

export interface FieldError {
  /** The field, as a path: "name", "steps.2.columns", "file", "columns.Price". */
  field: string;
  message: string;
}

/** Marks an AppError whichever copy of this module made it (see `Symbol.hasInstance` below). */
const APP_ERROR = Symbol.for("ml-workbench.AppError");

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly errors: FieldError[];
  /** For a 429 (or 503): when the client may try again, sent as the `Retry-After` header. */
  readonly retryAfterSeconds?: number;

  constructor(code: ErrorCode, message: string, errors: FieldError[] = [], options: { retryAfterSeconds?: number } = {}) {
    super(message);
    this.name = "AppError";
    this.code = code;
    this.errors = errors;
    if (options.retryAfterSeconds !== undefined) this.retryAfterSeconds = options.retryAfterSeconds;
    Object.defineProperty(this, APP_ERROR, { value: true });
  }

  /**
   * `e instanceof AppError` holds for an AppError from another copy of this module too: the
   * production server's scoring front and Next's bundles each have one, and share predictors
   * whose validation errors must stay 4xx problems, not become 500s.
   */
  static [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[APP_ERROR] === true;
  }
}

export const validation = (field: string, message: string, more: FieldError[] = []) => new AppError("VALIDATION", message, [{ field, message }, ...more]);

/**
 * A VALIDATION error of several fields (at least one) whose detail names the first, as
 * "steps.2.columns: unknown column", then `more` (a count of the others, say).
 */
export const invalidFields = (errors: FieldError[], more = "") => new AppError("VALIDATION", `${errors[0].field}: ${errors[0].message}${more}`, errors);

/** A VALIDATION error of one field whose detail names it: "rows.0.age: expected a number". */
export const invalidField = (field: string, message: string) => invalidFields([{ field, message }]);

/** Every error as "field: message", joined by "; ": a detail naming each field. */
export const describeFields = (errors: readonly FieldError[]) => errors.map((e) => `${e.field}: ${e.message}`).join("; ");

export const notFound = (what: string, id: string) => new AppError("NOT_FOUND", `${what} ${JSON.stringify(id)} does not exist.`);

export const isAppError = (e: unknown): e is AppError => e instanceof AppError;

/** Error codes of a full disk: Node's (ENOSPC, EDQUOT: a quota) and SQLite's (SQLITE_FULL). */
const DISK_FULL_CODES = new Set(["ENOSPC", "EDQUOT", "SQLITE_FULL"]);

/** Whether a write failed because the disk (or the database's quota of it) is full; DuckDB says so only in its message. */
export const isDiskFull = (e: unknown): boolean =>
  typeof e === "object" &&
  e !== null &&
  (DISK_FULL_CODES.has(String((e as { code?: unknown }).code)) ||
    /no space left on device|disk quota exceeded/i.test(String((e as { message?: unknown }).message)));

/** A 507 naming `field`: what was sent could not be stored for want of disk space, and nothing of it was kept. */
export const diskFull = (field: string, what: string) =>
  new AppError(
    "INSUFFICIENT_STORAGE",
    `No space left on device: the server's disk is full, so ${what} could not be stored; nothing of it was kept. Free some space, then send it again.`,
    [{ field, message: "no space left on device" }],
  );
