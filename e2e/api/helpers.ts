/**
 * Shared helpers of the API tests: unique names, problem-details assertions, and small
 * builders that make each test's own data through the REST API.
 */
import { createHash, randomBytes } from "node:crypto";
import http from "node:http";
import { expect, type APIRequestContext, type APIResponse } from "@playwright/test";

/** A name no other test (or earlier run against the same server) uses. */
export function uniq(prefix: string): string {
  return `${prefix} ${randomBytes(5).toString("hex")}`;
}

export function sha256(data: Buffer | string): string {
  return `sha256:${createHash("sha256").update(data).digest("hex")}`;
}

export interface FieldError {
  field: string;
  message: string;
}

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: FieldError[];
}

/**
 * Asserts an RFC 9457 problem answer with `status`; when `field` is given, `errors[]` must
 * name it (a string is matched exactly, a RegExp against each field). Returns the body.
 */
export async function expectProblem(res: APIResponse, status: number | number[], field?: string | RegExp): Promise<ProblemBody> {
  const statuses = Array.isArray(status) ? status : [status];
  const text = await res.text();
  const message = `expected HTTP ${statuses.join(" or ")}, got ${res.status()}: ${text.slice(0, 500)}`;
  if (statuses.length === 1) expect(res.status(), message).toBe(statuses[0]);
  else expect(statuses.includes(res.status()), message).toBe(true);
  expect(res.headers()["content-type"] ?? "").toContain("application/problem+json");
  const body = JSON.parse(text) as ProblemBody;
  expect(typeof body.type).toBe("string");
  expect(body.type.length).toBeGreaterThan(0);
  expect(typeof body.title).toBe("string");
  expect(body.title.length).toBeGreaterThan(0);
  expect(body.status).toBe(res.status());
  expect(typeof body.detail).toBe("string");
  expect(body.detail.length).toBeGreaterThan(0);
  if (field !== undefined) {
    expect(Array.isArray(body.errors), `errors[] missing in ${text.slice(0, 500)}`).toBe(true);
    const fields = (body.errors ?? []).map((e) => e.field);
    const hit = fields.some((f) => (typeof field === "string" ? f === field : field.test(f)));
    expect(hit, `errors[] should name ${String(field)}; got ${JSON.stringify(body.errors)}`).toBe(true);
    for (const e of body.errors ?? []) expect(typeof e.message).toBe("string");
  }
  return body;
}

/** Parses a JSON answer after checking its status, with the body in the failure message. */
export async function expectJson<T = Record<string, unknown>>(res: APIResponse, status: number): Promise<T> {
  const text = await res.text();
  expect(res.status(), `expected HTTP ${status}: ${text.slice(0, 800)}`).toBe(status);
  return JSON.parse(text) as T;
}

// ---------------------------------------------------------------------------------------
// Projects

export interface Project {
  id: string;
  name: string;
  description: string;
  task: string;
  target: string | null;
  successMetric: string | null;
  successThreshold: number | null;
  criterion: string | null;
  delivery: string;
  datasetId: string | null;
  dataset: { id: string; name: string; version: number; rowCount: number } | null;
  steps: Record<string, string>;
  stepNotes: Record<string, string>;
  createdAt: string;
  updatedAt: string;
}

export async function createProject(request: APIRequestContext, body: Record<string, unknown>): Promise<Project> {
  return expectJson<Project>(await request.post("/api/projects", { data: body }), 201);
}

/** A bundled sample project, found by its name (the samples are seeded when the server first starts on an empty data folder). */
export async function sampleProject(request: APIRequestContext, name: string): Promise<Project> {
  const { items } = await expectJson<{ items: Project[] }>(await request.get("/api/projects"), 200);
  const matches = items.filter((p) => p.name === name);
  expect(matches, `exactly one project named ${name}`).toHaveLength(1);
  return matches[0];
}

export async function getProject(request: APIRequestContext, id: string): Promise<Project> {
  return expectJson<Project>(await request.get(`/api/projects/${id}`), 200);
}

// ---------------------------------------------------------------------------------------
// Datasets

export interface Column {
  name: string;
  type: string;
  inferredType?: string;
  nullCount: number;
  /** Some cell has whitespace around it (reading trims the column). */
  padded?: true;
}

export interface Dataset {
  id: string;
  name: string;
  version: number;
  sourceKind: string;
  source: string;
  format: string;
  sizeBytes: number;
  rowCount: number;
  columns: Column[];
  contentHash: string;
  createdAt: string;
}

export type Row = Record<string, string | number | boolean | null>;

/** A body sent byte for byte: Playwright would JSON-encode a string sent as application/json. */
export const raw = (text: string): Buffer => Buffer.from(text, "utf8");

export type MultipartPart = { name: string; value: string } | { name: string; fileName: string; mimeType: string; content: Buffer };

/**
 * A multipart/form-data body built by hand (RFC 7578). Its boundary is lower-case, like curl's;
 * browsers and Playwright's own `multipart` option use mixed case (see datasets.spec.ts).
 */
export function multipartBody(parts: MultipartPart[]): { contentType: string; body: Buffer } {
  const boundary = `----workbench-test-${randomBytes(12).toString("hex")}`;
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const disposition =
      "fileName" in part
        ? `content-disposition: form-data; name="${part.name}"; filename="${part.fileName}"\r\ncontent-type: ${part.mimeType}\r\n`
        : `content-disposition: form-data; name="${part.name}"\r\n`;
    chunks.push(Buffer.from(`--${boundary}\r\n${disposition}\r\n`, "utf8"));
    chunks.push("fileName" in part ? part.content : Buffer.from(part.value, "utf8"));
    chunks.push(Buffer.from("\r\n"));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { contentType: `multipart/form-data; boundary=${boundary}`, body: Buffer.concat(chunks) };
}

/** Posts a multipart upload (`file` + `name`) and returns the raw answer. */
export function postFile(
  request: APIRequestContext,
  name: string | undefined,
  content: Buffer | string,
  fileName = "data.csv",
  mimeType = "text/csv",
): Promise<APIResponse> {
  const parts: MultipartPart[] = [];
  if (name !== undefined) parts.push({ name: "name", value: name });
  parts.push({ name: "file", fileName, mimeType, content: Buffer.isBuffer(content) ? content : Buffer.from(content, "utf8") });
  const { contentType, body } = multipartBody(parts);
  return request.post("/api/datasets", { headers: { "content-type": contentType }, data: body });
}

/** Uploads a file and expects 201. */
export async function upload(
  request: APIRequestContext,
  name: string,
  content: Buffer | string,
  fileName = "data.csv",
  mimeType = "text/csv",
): Promise<Dataset> {
  return expectJson<Dataset>(await postFile(request, name, content, fileName, mimeType), 201);
}

/** Every ready version of a named dataset (the list filtered by name). */
export async function versionsOf(request: APIRequestContext, name: string): Promise<Dataset[]> {
  const body = await expectJson<{ items: Dataset[] }>(await request.get(`/api/datasets?name=${encodeURIComponent(name)}`), 200);
  return body.items.filter((d) => d.name === name);
}

export async function getRows(request: APIRequestContext, id: string, offset = 0, limit = 1000): Promise<{ rows: Row[]; total: number }> {
  return expectJson(await request.get(`/api/datasets/${id}/rows?offset=${offset}&limit=${limit}`), 200);
}

export function columnTypes(columns: Column[]): Record<string, string> {
  return Object.fromEntries(columns.map((c) => [c.name, c.type]));
}

export function nullCounts(columns: Column[]): Record<string, number> {
  return Object.fromEntries(columns.map((c) => [c.name, c.nullCount]));
}

// ---------------------------------------------------------------------------------------
// Requests Playwright cannot make

/**
 * Sends a body in chunks with `transfer-encoding: chunked` and no content-length, so the
 * server only learns the size while reading. Resolves with status, content type and body, and
 * whether the request went out on a connection `agent` kept from an earlier one.
 */
export function sendChunked(
  baseURL: string,
  path: string,
  method: string,
  headers: Record<string, string>,
  chunks: (string | Buffer)[],
  agent?: http.Agent,
): Promise<{ status: number; contentType: string; connection: string; body: string; reusedSocket: boolean }> {
  return new Promise((resolve, reject) => {
    let answered = false;
    // As the editor, like the `request` fixture, unless the test sends its own credentials.
    const auth =
      process.env.WB_EDITOR_TOKEN && !Object.keys(headers).some((h) => h.toLowerCase() === "authorization")
        ? { authorization: `Bearer ${process.env.WB_EDITOR_TOKEN}` }
        : {};
    const req = http.request(new URL(path, baseURL), { method, headers: { ...auth, ...headers }, agent }, (res) => {
      answered = true;
      const parts: Buffer[] = [];
      res.on("data", (c: Buffer) => parts.push(c));
      res.on("end", () =>
        resolve({
          status: res.statusCode ?? 0,
          contentType: String(res.headers["content-type"] ?? ""),
          connection: String(res.headers.connection ?? ""),
          body: Buffer.concat(parts).toString("utf8"),
          reusedSocket: req.reusedSocket,
        }),
      );
      res.on("error", reject);
    });
    // The server may answer (413) and close before the whole body is written.
    req.on("error", (e: NodeJS.ErrnoException) => (e.code === "EPIPE" || e.code === "ECONNRESET" ? undefined : reject(e)));
    req.on("close", () => {
      if (!answered) reject(new Error(`${method} ${path}: the connection closed without an answer`));
    });
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}
