import type { z } from "zod";
import { AppError, type ErrorCode, type FieldError } from "./errors";
import { isJsonContentType, mediaTypeOf } from "./media-type";

/** The one table from error code to HTTP status. */
const STATUS: Record<ErrorCode, number> = {
  VALIDATION: 422,
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  TOO_MANY_REQUESTS: 429,
  METHOD_NOT_ALLOWED: 405,
  REQUEST_TIMEOUT: 408,
  HEADERS_TOO_LARGE: 431,
  UPSTREAM: 502,
  UPSTREAM_TIMEOUT: 504,
  INSUFFICIENT_STORAGE: 507,
  INTERNAL: 500,
};

const TITLE: Record<ErrorCode, string> = {
  VALIDATION: "Invalid input",
  BAD_REQUEST: "Bad request",
  UNAUTHORIZED: "Authentication required",
  FORBIDDEN: "Forbidden",
  NOT_FOUND: "Not found",
  CONFLICT: "Conflict",
  TOO_LARGE: "Payload too large",
  UNSUPPORTED_MEDIA_TYPE: "Unsupported media type",
  TOO_MANY_REQUESTS: "Too many requests",
  METHOD_NOT_ALLOWED: "Method not allowed",
  REQUEST_TIMEOUT: "Request timed out",
  HEADERS_TOO_LARGE: "Request headers too large",
  UPSTREAM: "Upstream failure",
  UPSTREAM_TIMEOUT: "Upstream timed out",
  INSUFFICIENT_STORAGE: "Insufficient storage",
  INTERNAL: "Internal error",
};

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: FieldError[];
}

/** An HTTP answer as data, for code that serves both Next's route handlers and the plain node:http scoring front. */
export interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Builds every error answer: RFC 9457 problem details. */
export function problemAnswer(code: ErrorCode, detail: string, errors: FieldError[] = []): Answer {
  const status = STATUS[code];
  const body: Problem = {
    type: `https://ml-workbench.dev/problems/${code.toLowerCase().replace(/_/g, "-")}`,
    title: TITLE[code],
    status,
    detail,
    ...(errors.length ? { errors } : {}),
  };
  return { status, headers: { "content-type": "application/problem+json" }, body: JSON.stringify(body) };
}

/** A thrown error as a problem answer: an AppError says what was wrong; anything else is logged and answered 500 without details. */
export function errorAnswer(e: unknown): Answer {
  if (e instanceof AppError) {
    const answer = problemAnswer(e.code, e.message, e.errors);
    // Whole seconds, at least 1 (RFC 9110 delay-seconds); both Next's handlers and the scoring front send these headers.
    if (e.retryAfterSeconds !== undefined) answer.headers["retry-after"] = String(Math.max(1, Math.ceil(e.retryAfterSeconds)));
    return answer;
  }
  // A row that names another (a dataset version, a recipe) that was deleted meanwhile, or a delete of a row others still name:
  // a race with another request, not a fault of the server.
  if ((e as { code?: unknown } | null)?.code === "SQLITE_CONSTRAINT_FOREIGNKEY") {
    return problemAnswer(
      "CONFLICT",
      "What this request refers to was changed by another request meanwhile (deleted, or still in use); read it again and retry.",
    );
  }
  // Internal messages are logged, not sent.
  console.error("[workbench] unhandled error", e);
  return problemAnswer("INTERNAL", "Something went wrong on the server; it has been logged.");
}

export const toResponse = (a: Answer): Response => new Response(a.body, { status: a.status, headers: a.headers });

export const problem = (code: ErrorCode, detail: string, errors: FieldError[] = []): Response => toResponse(problemAnswer(code, detail, errors));

export const errorResponse = (e: unknown): Response => toResponse(errorAnswer(e));

export function json(body: unknown, init: ResponseInit = {}): Response {
  return Response.json(body, init);
}

/** zod issues → field errors with dotted paths ("steps.1.columns"). */
export function fieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.flatMap((i) => {
    const base = i.path.map(String);
    // An unknown key is named itself ("renamed", "split.extra"), not the object that holds it.
    if (i.code === "unrecognized_keys") return i.keys.map((k) => ({ field: [...base, k].join("."), message: `unknown field "${k}"` }));
    return [{ field: base.length ? base.join(".") : "body", message: i.message }];
  });
}

export function parseWith<T extends z.ZodType>(schema: T, value: unknown, what = "body"): z.infer<T> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const errors = fieldErrors(parsed.error);
    const first = errors[0];
    throw new AppError("VALIDATION", first ? `${what === "body" ? "" : what + ": "}${first.field}: ${first.message}` : "Invalid input.", errors);
  }
  return parsed.data;
}

/** Largest JSON body a route reads (1 MiB); uploads use multipart instead. */
export const MAX_JSON_BYTES = 1024 * 1024;
/** How much of an oversized body is read and discarded so the client still sees its 413. */
const DRAIN_MAX_BYTES = 32 * 1024 * 1024;

export { isJsonContentType };

/** 415 naming content-type unless `contentType` says JSON. */
export function requireJsonType(contentType: string | null | undefined): void {
  if (isJsonContentType(contentType)) return;
  throw new AppError("UNSUPPORTED_MEDIA_TYPE", `Expected application/json, got ${mediaTypeOf(contentType) || "no content type"}.`, [
    { field: "content-type", message: "must be application/json" },
  ]);
}

/** Reads a JSON body: 415 for another or no content type, 413 when too big, 400 when malformed, 422 when invalid. */
export async function readJson<T extends z.ZodType>(req: Request, schema: T): Promise<z.infer<T>> {
  requireJsonType(req.headers.get("content-type"));
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > MAX_JSON_BYTES) throw tooLargeJson();
  const text = await readTextLimited(req, MAX_JSON_BYTES);
  if (!text.trim()) throw new AppError("BAD_REQUEST", "The request body is empty; send a JSON object.", [{ field: "body", message: "required" }]);
  return parseWith(schema, parseJsonText(text));
}

/** A body's text as JSON: 400 naming body when it is not. */
function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new AppError("BAD_REQUEST", `The request body is not valid JSON: ${(e as Error).message}`, [{ field: "body", message: "invalid JSON" }]);
  }
}

/**
 * The text of a body that may be absent, at most `limit` bytes: undefined for none, an empty one or
 * white space (whatever its type); any other body must be JSON (415 otherwise; a declared one is
 * refused before it is read, a chunked one may still turn out empty).
 */
async function optionalJsonText(req: Request, limit: number): Promise<string | undefined> {
  const declared = req.headers.get("content-length");
  if (declared === "0" || !req.body) return undefined;
  const type = req.headers.get("content-type");
  if (declared !== null) requireJsonType(type);
  const text = await readTextLimited(req, limit);
  if (text.length === 0) return undefined;
  requireJsonType(type);
  return text.trim() ? text : undefined;
}

const tooLarge = (limit: number) => new AppError("TOO_LARGE", `Request bodies here are limited to ${limit} bytes.`, [{ field: "body", message: "too large" }]);
const tooLargeJson = () => tooLarge(MAX_JSON_BYTES);

/** 413 when a request declares a body longer than `limit` bytes (before reading any of it); `tooBig` names another field than body. */
export function checkDeclaredLength(contentLength: string | null, limit: number, tooBig: () => AppError = () => tooLarge(limit)): void {
  if (Number(contentLength ?? "0") > limit) throw tooBig();
}

/** The body as text, at most `limit` bytes: 413 past it (after draining, so the client reads the answer). */
export async function readTextLimited(req: Request, limit: number): Promise<string> {
  const length = req.headers.get("content-length");
  checkDeclaredLength(length, limit);
  if (!req.body) return "";
  // A declared length within the limit: the HTTP server stops the body there, so the whole of it can be read at once.
  if (length !== null && /^\d+$/.test(length)) return req.text();
  return readChunksLimited(req.body, limit);
}

/**
 * Reads a body's chunks, handing each to `take` while the total stays within `limit` bytes. Past
 * it, reads on and discards (so the client gets the answer instead of a reset), gives up past
 * `limit + DRAIN_MAX_BYTES` (cancelling the stream), and throws `tooBig()` (a 413 naming body
 * unless said). A body broken off midway is the client's 400, not a server failure. Serves a web
 * Request's body and a node IncomingMessage alike.
 */
export async function consumeLimited(
  body: AsyncIterable<Uint8Array>,
  limit: number,
  take: (chunk: Uint8Array) => void | Promise<void>,
  tooBig: () => AppError = () => tooLarge(limit),
): Promise<void> {
  let size = 0;
  try {
    for await (const chunk of body) {
      size += chunk.byteLength;
      if (size <= limit) await take(chunk);
      else if (size > limit + DRAIN_MAX_BYTES) break;
    }
  } catch (e) {
    throw new AppError("BAD_REQUEST", `The body could not be read: ${(e as Error).message}`, [{ field: "body", message: "unreadable" }]);
  }
  if (size > limit) throw tooBig();
}

/**
 * Reads and discards what is left of a body whose reading stopped on an error (a bad row, a full
 * disk), so a client that keeps its connection reads the answer instead of a connection stalled on
 * unread bytes; gives up past DRAIN_MAX_BYTES.
 */
export async function drainRest(body: AsyncIterable<Uint8Array>): Promise<void> {
  let size = 0;
  try {
    for await (const chunk of body) if ((size += chunk.byteLength) > DRAIN_MAX_BYTES) break;
  } catch {
    // Broken off by the client: nothing is left to read.
  }
}

/** A body's chunks as UTF-8 text (a byte-order mark dropped), at most `limit` bytes: 413 past it (see consumeLimited). */
export async function readChunksLimited(body: AsyncIterable<Uint8Array>, limit: number): Promise<string> {
  const chunks: Uint8Array[] = [];
  await consumeLimited(body, limit, (chunk) => void chunks.push(chunk));
  return new TextDecoder().decode(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks));
}

/** Parses a query-string integer with bounds; names the field on failure. */
export function queryInt(url: URL, name: string, def: number, min: number, max: number): number {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === "") return def;
  if (!/^-?\d+$/.test(raw)) throw new AppError("VALIDATION", `${name} must be an integer.`, [{ field: name, message: "must be an integer" }]);
  const n = Number(raw);
  if (n < min || n > max)
    throw new AppError("VALIDATION", `${name} must be between ${min} and ${max}.`, [{ field: name, message: `must be between ${min} and ${max}` }]);
  return n;
}

/** A query-string time (ISO 8601 or epoch milliseconds); undefined when absent; names the field when unreadable. */
export function queryTime(url: URL, name: string): Date | undefined {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === "") return undefined;
  const ms = /^\d+$/.test(raw) ? Number(raw) : Date.parse(raw);
  // Past ±8.64e15 ms a Date is invalid (and throws when formatted).
  if (!Number.isFinite(ms) || Number.isNaN(new Date(ms).getTime()))
    throw new AppError("VALIDATION", `${name} must be an ISO date-time or epoch milliseconds.`, [{ field: name, message: "not a time" }]);
  return new Date(ms);
}

/** `?since=&until=` of a monitoring query. */
export function queryWindow(url: URL): { since?: Date; until?: Date } {
  const since = queryTime(url, "since");
  const until = queryTime(url, "until");
  if (since && until && since > until) throw new AppError("VALIDATION", "since must not be after until.", [{ field: "since", message: "after until" }]);
  return { since, until };
}

/**
 * Like readJson, but an empty body reads as `undefined` (for routes whose body is optional),
 * whatever its content type; a body that is not empty must be JSON (415 otherwise).
 */
export async function readJsonOptional<T extends z.ZodType>(req: Request, schema: T): Promise<z.infer<T> | undefined> {
  const text = await optionalJsonText(req, MAX_JSON_BYTES);
  return text === undefined ? undefined : parseWith(schema, parseJsonText(text));
}

/** Largest body a route that takes none still reads: room for `{}` and some white space. */
export const MAX_NO_BODY_BYTES = 1024;

/**
 * For a route that takes no body: accepts none, an empty one, or a JSON `{}` (what a generic
 * client sends for "no arguments"). Anything else is refused, not ignored: 415 naming
 * content-type for a body that is not JSON, 413 naming body past MAX_NO_BODY_BYTES (the rest
 * drained, not kept), 400 for malformed JSON, 422 naming body for JSON other than `{}`.
 */
export async function readNoBody(req: Request): Promise<void> {
  const text = await optionalJsonText(req, MAX_NO_BODY_BYTES);
  if (text === undefined) return;
  const value = parseJsonText(text);
  if (typeof value !== "object" || value === null || Array.isArray(value) || Object.keys(value).length > 0) {
    throw new AppError("VALIDATION", "This request takes no body; send none, or {}.", [{ field: "body", message: "must be empty or {}" }]);
  }
}

/**
 * The answer of the catch-all routes under /api and /v2: a path no route file serves is a 404
 * problem naming it, where Next would send its HTML not-found page.
 */
export const noSuchRoute = (req: Request): Response =>
  problem("NOT_FOUND", `No API route ${req.method} ${new URL(req.url).pathname}.`, [{ field: "path", message: "no such route" }]);

/**
 * Handlers for the methods a route does not serve, so a 405 is a problem answer with an
 * `Allow` header like every other error: `export const { PUT, DELETE } = otherMethods("GET", "POST")`.
 */
export function otherMethods(...allowed: string[]) {
  const answer = (req: Request) => {
    const res = problem("METHOD_NOT_ALLOWED", `${req.method} is not allowed here; use ${allowed.join(" or ")}.`, [
      { field: "method", message: `allowed: ${allowed.join(", ")}` },
    ]);
    res.headers.set("allow", allowed.join(", "));
    return res;
  };
  return { GET: answer, POST: answer, PUT: answer, PATCH: answer, DELETE: answer };
}
