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
  | "UPSTREAM"
  | "UPSTREAM_TIMEOUT"
  | "INTERNAL";

export interface FieldError {
  /** The field, as a path: "name", "steps.2.columns", "file", "columns.Price". */
  field: string;
  message: string;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly errors: FieldError[];

  constructor(code: ErrorCode, message: string, errors: FieldError[] = []) {
    super(message);
    this.name = "AppError";
    this.code = code;
    this.errors = errors;
  }
}

export const validation = (field: string, message: string, more: FieldError[] = []) =>
  new AppError("VALIDATION", message, [{ field, message }, ...more]);

export const notFound = (what: string, id: string) =>
  new AppError("NOT_FOUND", `${what} ${JSON.stringify(id)} does not exist.`);

export const isAppError = (e: unknown): e is AppError => e instanceof AppError;
