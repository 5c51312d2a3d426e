import { type QueryClient, queryOptions } from "@tanstack/react-query";
import type {
  DatasetDetail,
  DatasetProfile,
  DatasetVersion,
  Endpoint,
  EndpointCreated,
  EndpointKeySlot,
  EndpointTraffic,
  ModelVersion,
  Project,
  Recipe,
  RecipePreview,
  RecipeSpec,
  Report,
  ReportData,
  RotatedKey,
  RowsPage,
  Run,
  Sweep,
} from "./types";

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

/** Every key starts with its resource, so a mutation invalidates by prefix. */
export const keys = {
  projects: ["projects"] as const,
  projectList: () => ["projects", "list"] as const,
  project: (id: string) => ["projects", "detail", id] as const,
  recipe: (projectId: string) => ["projects", "detail", projectId, "recipe"] as const,
  recipeVersions: (projectId: string) => ["projects", "detail", projectId, "recipe", "versions"] as const,
  recipePreview: (projectId: string, spec: RecipeSpec) => ["projects", "detail", projectId, "recipe", "preview", spec] as const,
  datasets: ["datasets"] as const,
  datasetList: () => ["datasets", "list"] as const,
  dataset: (id: string) => ["datasets", "detail", id] as const,
  datasetRows: (id: string, offset: number, limit: number) => ["datasets", "detail", id, "rows", offset, limit] as const,
  datasetProfile: (id: string) => ["datasets", "detail", id, "profile"] as const,
  projectRuns: (projectId: string) => ["projects", "detail", projectId, "runs"] as const,
  runs: ["runs"] as const,
  run: (id: string) => ["runs", "detail", id] as const,
};

const enc = encodeURIComponent;

export const projectListQuery = () =>
  queryOptions({
    queryKey: keys.projectList(),
    queryFn: ({ signal }) => fetchJson<{ items: Project[] }>("/api/projects", { signal }).then((r) => r.items),
  });

export const projectQuery = (id: string) =>
  queryOptions({
    queryKey: keys.project(id),
    queryFn: ({ signal }) => fetchJson<Project>(`/api/projects/${enc(id)}`, { signal }),
  });

/** The latest saved recipe, or null when the project has none yet (the API answers 404). */
export const recipeQuery = (projectId: string) =>
  queryOptions({
    queryKey: keys.recipe(projectId),
    queryFn: async ({ signal }) => {
      try {
        return await fetchJson<Recipe>(`/api/projects/${enc(projectId)}/recipe`, { signal });
      } catch (e) {
        if (e instanceof ApiError && e.status === 404) return null;
        throw e;
      }
    },
  });

export const recipeVersionsQuery = (projectId: string) =>
  queryOptions({
    queryKey: keys.recipeVersions(projectId),
    queryFn: ({ signal }) => fetchJson<{ items: Recipe[] }>(`/api/projects/${enc(projectId)}/recipe/versions`, { signal }).then((r) => r.items),
  });

export const recipePreviewQuery = (projectId: string, spec: RecipeSpec, limit = 20) =>
  queryOptions({
    queryKey: keys.recipePreview(projectId, spec),
    queryFn: ({ signal }) => sendJson<RecipePreview>("POST", `/api/projects/${enc(projectId)}/recipe/preview`, { ...spec, limit }, signal),
    retry: false,
    staleTime: 60_000,
  });

export const datasetListQuery = () =>
  queryOptions({
    queryKey: keys.datasetList(),
    queryFn: ({ signal }) => fetchJson<{ items: DatasetVersion[] }>("/api/datasets", { signal }).then((r) => r.items),
  });

export const datasetQuery = (id: string) =>
  queryOptions({
    queryKey: keys.dataset(id),
    queryFn: ({ signal }) => fetchJson<DatasetDetail>(`/api/datasets/${enc(id)}`, { signal }),
  });

export const datasetRowsQuery = (id: string, offset: number, limit: number) =>
  queryOptions({
    queryKey: keys.datasetRows(id, offset, limit),
    queryFn: ({ signal }) => fetchJson<RowsPage>(`/api/datasets/${enc(id)}/rows?offset=${offset}&limit=${limit}`, { signal }),
    staleTime: 5 * 60_000,
  });

export const datasetProfileQuery = (id: string) =>
  queryOptions({
    queryKey: keys.datasetProfile(id),
    queryFn: ({ signal }) => fetchJson<DatasetProfile>(`/api/datasets/${enc(id)}/profile`, { signal }),
    staleTime: 5 * 60_000,
  });

/** Whether a run may still change (the runs list is polled while one is). */
export const isActiveRun = (r: Pick<Run, "status">) => r.status === "queued" || r.status === "running";

/** POLL_ACTIVE_RUNS_MS while any run is queued or running; no polling otherwise. */
const POLL_ACTIVE_RUNS_MS = 1000;

/** A project's runs, newest first; polls every second while one of them is queued or running. */
export const projectRunsQuery = (projectId: string) =>
  queryOptions({
    queryKey: keys.projectRuns(projectId),
    queryFn: ({ signal }) => fetchJson<{ items: Run[] }>(`/api/projects/${enc(projectId)}/runs`, { signal }).then((r) => r.items),
    refetchInterval: (query) => (query.state.data?.some(isActiveRun) ? POLL_ACTIVE_RUNS_MS : false),
  });

export const runQuery = (id: string) =>
  queryOptions({
    queryKey: keys.run(id),
    queryFn: ({ signal }) => fetchJson<Run>(`/api/runs/${enc(id)}`, { signal }),
  });

/** `{algorithm, params?}` → the queued run (202). */
export const createRun = (projectId: string, body: { algorithm: string; params?: Record<string, unknown> }) =>
  sendJson<Run>("POST", `/api/projects/${enc(projectId)}/runs`, body);

export const cancelRun = (id: string) => sendJson<Run>("POST", `/api/runs/${enc(id)}/cancel`);

/** After a run is started or cancelled: the project's runs list and every single run refetch. */
export const invalidateRuns = (qc: QueryClient, projectId: string) =>
  Promise.all([qc.invalidateQueries({ queryKey: keys.projectRuns(projectId) }), qc.invalidateQueries({ queryKey: keys.runs })]);

/** After a project changes: its list, detail, recipe and preview all refetch. */
export const invalidateProjects = (qc: QueryClient) => qc.invalidateQueries({ queryKey: keys.projects });
export const invalidateDatasets = (qc: QueryClient) => qc.invalidateQueries({ queryKey: keys.datasets });

/** Rows per page when the train page reads a whole dataset for browser training. */
export const BROWSER_TRAIN_PAGE_ROWS = 1000;

/** Every row of a dataset version, page by page; `onPage(loaded, total)` after each page. */
export async function fetchAllRows(datasetId: string, onPage?: (loaded: number, total: number) => void, signal?: AbortSignal): Promise<RowsPage["rows"]> {
  const rows: RowsPage["rows"] = [];
  let total = Infinity;
  while (rows.length < total) {
    const page = await fetchJson<RowsPage>(`/api/datasets/${enc(datasetId)}/rows?offset=${rows.length}&limit=${BROWSER_TRAIN_PAGE_ROWS}`, { signal });
    total = page.total;
    rows.push(...page.rows);
    onPage?.(rows.length, total);
    if (page.rows.length === 0) break;
  }
  return rows;
}

/** A model trained in the browser, as multipart (`meta` + its artifact files) → the stored run (201). */
export async function saveBrowserRun(projectId: string, form: FormData): Promise<Run> {
  const res = await fetch(`/api/projects/${enc(projectId)}/runs/browser`, { method: "POST", body: form, headers: { accept: "application/json" } });
  if (!res.ok) throw new ApiError(await problemFrom(res));
  return (await res.json()) as Run;
}

// ---------------------------------------------------------------------------------------------
// Sweeps and the model registry

/** Keys of sweeps (under their project, so a project's prefix covers them) and of model versions. */
export const sweepKeys = {
  project: (projectId: string) => ["projects", "detail", projectId, "sweeps"] as const,
};
export const modelKeys = {
  all: ["models"] as const,
  list: (filter: { projectId?: string } = {}) => ["models", "list", filter] as const,
};

/** A project's sweeps, newest first; polls while any of them still has trials queued or running. */
export const projectSweepsQuery = (projectId: string) =>
  queryOptions({
    queryKey: sweepKeys.project(projectId),
    queryFn: ({ signal }) => fetchJson<{ items: Sweep[] }>(`/api/projects/${enc(projectId)}/sweeps`, { signal }).then((r) => r.items),
    refetchInterval: (query) => (query.state.data?.some((s) => s.status === "running") ? POLL_ACTIVE_RUNS_MS : false),
  });

export interface SweepRequest {
  algorithm: string;
  method: "grid" | "random";
  space: Record<string, unknown[]>;
  trials?: number;
  seed?: number;
  params?: Record<string, unknown>;
}

/** Queues every trial of a sweep (202), or refuses them all with a problem naming the field. */
export const createSweep = (projectId: string, body: SweepRequest) => sendJson<Sweep>("POST", `/api/projects/${enc(projectId)}/sweeps`, body);

/** Model versions, newest first (optionally of one project). */
export const modelListQuery = (filter: { projectId?: string } = {}) =>
  queryOptions({
    queryKey: modelKeys.list(filter),
    queryFn: ({ signal }) =>
      fetchJson<{ items: ModelVersion[] }>(`/api/models${filter.projectId ? `?projectId=${enc(filter.projectId)}` : ""}`, { signal }).then((r) => r.items),
  });

/** `{runId, name?}` → the new model version (201). */
export const registerModel = (body: { runId: string; name?: string }) => sendJson<ModelVersion>("POST", "/api/models", body);

export const invalidateModels = (qc: QueryClient) => qc.invalidateQueries({ queryKey: modelKeys.all });

export const modelBundleUrl = (id: string) => `/api/models/${enc(id)}/bundle`;

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

/** A downloaded bundle back in (multipart `file`, optional `name`) → the new model version (201). */
export function importModelBundle(file: File, name: string, onProgress: (percent: number) => void, onSent?: () => void): Promise<ModelVersion> {
  const body = new FormData();
  body.append("file", file);
  if (name) body.append("name", name);
  return postFormWithProgress<ModelVersion>("/api/models/import", body, onProgress, onSent);
}

// ---------------------------------------------------------------------------------------------
// Integrate: endpoints

export const endpointQueryKeys = {
  all: ["endpoints"] as const,
  list: (filter: { projectId?: string } = {}) => ["endpoints", "list", filter] as const,
  detail: (name: string) => ["endpoints", "detail", name] as const,
  ready: (name: string) => ["endpoints", "detail", name, "ready"] as const,
  traffic: (name: string) => ["endpoints", "detail", name, "traffic"] as const,
};

/** How often the live traffic figures are read again. */
export const TRAFFIC_REFRESH_MS = 5000;

/** Endpoints by name (optionally of one project). */
export const endpointListQuery = (filter: { projectId?: string } = {}) =>
  queryOptions({
    queryKey: endpointQueryKeys.list(filter),
    queryFn: ({ signal }) =>
      fetchJson<{ items: Endpoint[] }>(`/api/endpoints${filter.projectId ? `?projectId=${enc(filter.projectId)}` : ""}`, { signal }).then((r) => r.items),
  });

export const endpointQuery = (name: string) =>
  queryOptions({
    queryKey: endpointQueryKeys.detail(name),
    queryFn: ({ signal }) => fetchJson<Endpoint>(`/api/endpoints/${enc(name)}`, { signal }),
  });

/** True once the endpoint's model version is compiled and in memory (V2 readiness answers 200). */
export const endpointReadyQuery = (name: string) =>
  queryOptions({
    queryKey: endpointQueryKeys.ready(name),
    queryFn: ({ signal }) => fetchJson<{ ready: boolean }>(`/v2/models/${enc(name)}/ready`, { signal }).then((r) => r.ready === true),
    staleTime: 0,
  });

/** The last hour's traffic, read again every TRAFFIC_REFRESH_MS. */
export const endpointTrafficQuery = (name: string) =>
  queryOptions({
    queryKey: endpointQueryKeys.traffic(name),
    queryFn: ({ signal }) => fetchJson<EndpointTraffic>(`/api/endpoints/${enc(name)}/metrics`, { signal }),
    refetchInterval: TRAFFIC_REFRESH_MS,
    staleTime: 0,
  });

export interface DeployRequest {
  name: string;
  modelId: string;
  mode?: "realtime" | "batch";
}

/** Deploys a model version under a name → the endpoint with both keys (201), shown this once. */
export const deployEndpoint = (body: DeployRequest) => sendJson<EndpointCreated>("POST", "/api/endpoints", body);

export interface EndpointPatch {
  modelId?: string;
  split?: { modelId: string; percent: number } | null;
}

/** Switches the model version or the split, atomically. */
export const patchEndpoint = (name: string, body: EndpointPatch) => sendJson<Endpoint>("PATCH", `/api/endpoints/${enc(name)}`, body);

/** A new key for one slot (201), shown this once; the slot's old key stops at once. */
export const rotateEndpointKey = (name: string, slot: EndpointKeySlot) => sendJson<RotatedKey>("POST", `/api/endpoints/${enc(name)}/keys`, { slot });

export const invalidateEndpoints = (qc: QueryClient) => qc.invalidateQueries({ queryKey: endpointQueryKeys.all });

// ---------------------------------------------------------------------------------------------
// Monitor: traffic, drift and data quality over a chosen window

/** The windows the Monitor step offers, ending now. */
export const MONITOR_WINDOWS = { hour: 60 * 60_000, day: 24 * 60 * 60_000, week: 7 * 24 * 60 * 60_000 } as const;
export type MonitorWindowName = keyof typeof MONITOR_WINDOWS;

/** How often the Monitor step's panels are read again. */
export const MONITOR_REFRESH_MS = 10_000;

export const monitorKeys = {
  traffic: (name: string, window: MonitorWindowName) => ["endpoints", "detail", name, "monitor", "traffic", window] as const,
  drift: (name: string, window: MonitorWindowName) => ["endpoints", "detail", name, "monitor", "drift", window] as const,
  quality: (name: string, window: MonitorWindowName) => ["endpoints", "detail", name, "monitor", "quality", window] as const,
};

/** `?since=` for a window that ends at the moment of the request. */
const monitorPath = (name: string, what: "metrics" | "drift" | "quality", window: MonitorWindowName) =>
  `/api/endpoints/${enc(name)}/${what}?since=${enc(new Date(Date.now() - MONITOR_WINDOWS[window]).toISOString())}`;

const monitorQuery = <T>(key: readonly unknown[], path: () => string) =>
  queryOptions({
    queryKey: key,
    queryFn: ({ signal }) => fetchJson<T>(path(), { signal }),
    refetchInterval: MONITOR_REFRESH_MS,
    staleTime: 0,
  });

type EndpointDrift = import("./types").EndpointDrift;
type EndpointQuality = import("./types").EndpointQuality;

/** Requests, errors and latency of the window, read again every MONITOR_REFRESH_MS. */
export const monitorTrafficQuery = (name: string, window: MonitorWindowName) =>
  monitorQuery<EndpointTraffic>(monitorKeys.traffic(name, window), () => monitorPath(name, "metrics", window));

export const monitorDriftQuery = (name: string, window: MonitorWindowName) =>
  monitorQuery<EndpointDrift>(monitorKeys.drift(name, window), () => monitorPath(name, "drift", window));

export const monitorQualityQuery = (name: string, window: MonitorWindowName) =>
  monitorQuery<EndpointQuality>(monitorKeys.quality(name, window), () => monitorPath(name, "quality", window));

// ---------------------------------------------------------------------------------------------
// Integrate: an endpoint's batch jobs

/** A batch job as the API sends it (`GET /api/jobs/{id}`). */
export type EndpointJob = import("@/lib/integrate/server/batch/jobs").Job;

/** Queued or running: the job may still change, so its list is polled. */
export const isUnfinishedJob = (j: Pick<EndpointJob, "status">) => j.status === "queued" || j.status === "running";

export const endpointJobKeys = {
  list: (name: string) => ["endpoints", "detail", name, "jobs"] as const,
  errors: (id: string) => ["jobs", id, "errors"] as const,
};

/** An endpoint's batch jobs, newest first; read again every second while one is queued or running. */
export const endpointJobsQuery = (name: string) =>
  queryOptions({
    queryKey: endpointJobKeys.list(name),
    queryFn: ({ signal }) => fetchJson<{ items: EndpointJob[] }>(`/api/endpoints/${enc(name)}/jobs`, { signal }).then((r) => r.items),
    refetchInterval: (q) => (q.state.data?.some(isUnfinishedJob) ? 1000 : false),
    staleTime: 0,
  });

/** The rows a job could not score, with why. */
export const jobErrorsQuery = (id: string) =>
  queryOptions({
    queryKey: endpointJobKeys.errors(id),
    queryFn: ({ signal }) => fetchJson<{ items: { row: number; message: string }[] }>(`/api/jobs/${enc(id)}/errors`, { signal }).then((r) => r.items),
  });

/** What a batch job scores: a dataset version, or a CSV file sent as a multipart form. */
export type JobInput = { datasetId: string; errorThreshold?: number } | { file: File; errorThreshold?: number };

/** Queues a batch job on an endpoint with one of its keys → the queued job (202). */
export function startEndpointJob(name: string, key: string, input: JobInput): Promise<EndpointJob> {
  const url = `/api/endpoints/${enc(name)}/jobs`;
  const authorization = `Bearer ${key}`;
  if ("datasetId" in input) {
    return fetchJson<EndpointJob>(url, { method: "POST", headers: { authorization, "content-type": "application/json" }, body: JSON.stringify(input) });
  }
  const form = new FormData();
  form.append("file", input.file);
  if (input.errorThreshold !== undefined) form.append("errorThreshold", String(input.errorThreshold));
  return fetchJson<EndpointJob>(url, { method: "POST", headers: { authorization }, body: form });
}

/** A queued job stops at once, a running one after its current chunk. */
export const cancelJob = (id: string) => sendJson<EndpointJob>("POST", `/api/jobs/${enc(id)}/cancel`);

// ---------------------------------------------------------------------------------------------
// Integrate: reports and the batch jobs that refresh them

export const reportKeys = {
  all: ["reports"] as const,
  detail: (id: string) => ["reports", "detail", id] as const,
  data: (id: string) => ["reports", "detail", id, "data"] as const,
};
export const jobKeys = { detail: (id: string) => ["jobs", id] as const };

/** How often a running batch job's progress is read again. */
export const JOB_POLL_MS = 1000;

export const reportQuery = (id: string) =>
  queryOptions({
    queryKey: reportKeys.detail(id),
    queryFn: ({ signal }) => fetchJson<Report>(`/api/reports/${enc(id)}`, { signal }),
  });

/** History and forecast points per series, with the boundary and when the forecast was written. */
export const reportDataQuery = (id: string) =>
  queryOptions({
    queryKey: reportKeys.data(id),
    queryFn: ({ signal }) => fetchJson<ReportData>(`/api/reports/${enc(id)}/data`, { signal }),
  });

/** A batch job, read again every JOB_POLL_MS until it has finished. */
export const jobQuery = (id: string) =>
  queryOptions({
    queryKey: jobKeys.detail(id),
    queryFn: ({ signal }) => fetchJson<EndpointJob>(`/api/jobs/${enc(id)}`, { signal }),
    refetchInterval: (q) => (q.state.data && !isUnfinishedJob(q.state.data) ? false : JOB_POLL_MS),
    staleTime: 0,
  });

/** Re-runs the report's batch scoring → the queued job (202). */
export const refreshReport = (id: string, body: { datasetId?: string } = {}) => sendJson<EndpointJob>("POST", `/api/reports/${enc(id)}/refresh`, body);

export const invalidateReport = (qc: QueryClient, id: string) => qc.invalidateQueries({ queryKey: reportKeys.detail(id) });
