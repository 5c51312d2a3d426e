/**
 * The browser's HTTP client, shared by every step's queries (`components/<step>/queries.ts`): JSON
 * requests that throw an ApiError carrying the server's problem details.
 *
 * The query keys follow one convention. Each resource has `<resource>Keys`: `all`, the prefix every
 * other key of it starts with, then `list(filter)`, `detail(id)` and what lies under a detail
 * (`[...detail(id), "rows", …]`). A resource that belongs to another — a project's recipe, runs and
 * sweeps, an endpoint's jobs and monitor windows — starts from its parent's `detail(id)`, so
 * invalidating the parent refreshes it. Queries are `queryOptions`, the same ones a server page
 * fills through `HydrationBoundary` and a client component reads.
 */

/** An RFC 9457 problem as the API sends it. */
export interface Problem {
  type?: string;
  title: string;
  status: number;
  detail?: string;
  errors?: { field: string; message: string }[];
}

/** Thrown by every fetcher when a response is not ok; carries the problem details. */
export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem;

  constructor(problem: Problem) {
    super(problem.detail || problem.title);
    this.name = "ApiError";
    this.status = problem.status;
    this.problem = problem;
  }

  /** Field-level messages keyed by field path ("name", "steps.2.columns"). */
  get fieldErrors(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const e of this.problem.errors ?? []) out[e.field] ??= e.message;
    return out;
  }
}

/** Reads a problem body, or makes one up when the server sent something else. */
export async function problemFrom(res: Response): Promise<Problem> {
  const text = await res.text().catch(() => "");
  try {
    const body = JSON.parse(text) as Partial<Problem>;
    if (body && typeof body === "object" && (body.title || body.detail)) {
      return { title: body.title ?? res.statusText, status: body.status ?? res.status, detail: body.detail, errors: body.errors, type: body.type };
    }
  } catch {
    // Not JSON: fall through to a generic problem.
  }
  return { title: res.statusText || "Request failed", status: res.status, detail: `The server answered ${res.status}.` };
}

export async function fetchJson<T>(url: string, init?: RequestInit): Promise<T> {
  const res = await fetch(url, { ...init, headers: { accept: "application/json", ...init?.headers } });
  if (!res.ok) throw new ApiError(await problemFrom(res));
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

/** A JSON request with a body (POST, PUT, PATCH). */
export function sendJson<T>(method: "POST" | "PUT" | "PATCH" | "DELETE", url: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  return fetchJson<T>(url, {
    method,
    signal,
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

/**
 * POSTs a multipart form with XMLHttpRequest, whose upload events give real progress (fetch has
 * none); `onSent` fires once the body is out and the server is working. Rejects with an ApiError.
 */
export function postFormWithProgress<T>(url: string, body: FormData, onProgress: (percent: number) => void, onSent?: () => void): Promise<T> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", url);
    xhr.responseType = "text";
    xhr.setRequestHeader("accept", "application/json");
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(Math.round((e.loaded / e.total) * 100));
    };
    if (onSent) xhr.upload.onload = onSent;
    xhr.onerror = () => reject(new Error("Failed to fetch"));
    xhr.onload = async () => {
      const res = new Response(xhr.responseText, { status: xhr.status, statusText: xhr.statusText });
      if (res.ok) resolve((await res.json()) as T);
      else reject(new ApiError(await problemFrom(res)));
    };
    xhr.send(body);
  });
}

/** Path segments and query values, encoded. */
export const enc = encodeURIComponent;
