/** Endpoints (deploy, versions, keys, readiness, live traffic), their batch jobs, and reports. */
import { type QueryClient, queryOptions } from "@tanstack/react-query";
import { enc, fetchJson, sendJson } from "@/components/api/fetch";
import type { Endpoint, EndpointCreated, EndpointKeySlot, EndpointTraffic, Report, ReportData, RotatedKey } from "@/components/api/types";

// ---------------------------------------------------------------------------------------------
// Endpoints

export const endpointKeys = {
  all: ["endpoints"] as const,
  list: (filter: { projectId?: string } = {}) => [...endpointKeys.all, "list", filter] as const,
  detail: (name: string) => [...endpointKeys.all, "detail", name] as const,
  ready: (name: string) => [...endpointKeys.detail(name), "ready"] as const,
  traffic: (name: string) => [...endpointKeys.detail(name), "traffic"] as const,
};

/** How often the live traffic figures are read again. */
export const TRAFFIC_REFRESH_MS = 5000;

/** Endpoints by name (optionally of one project). */
export const endpointListQuery = (filter: { projectId?: string } = {}) =>
  queryOptions({
    queryKey: endpointKeys.list(filter),
    queryFn: ({ signal }) =>
      fetchJson<{ items: Endpoint[] }>(`/api/endpoints${filter.projectId ? `?projectId=${enc(filter.projectId)}` : ""}`, { signal }).then((r) => r.items),
  });

export const endpointQuery = (name: string) =>
  queryOptions({
    queryKey: endpointKeys.detail(name),
    queryFn: ({ signal }) => fetchJson<Endpoint>(`/api/endpoints/${enc(name)}`, { signal }),
  });

/** True once the endpoint's model version is compiled and in memory (V2 readiness answers 200). */
export const endpointReadyQuery = (name: string) =>
  queryOptions({
    queryKey: endpointKeys.ready(name),
    queryFn: ({ signal }) => fetchJson<{ ready: boolean }>(`/v2/models/${enc(name)}/ready`, { signal }).then((r) => r.ready === true),
    staleTime: 0,
  });

/** The last hour's traffic, read again every TRAFFIC_REFRESH_MS. */
export const endpointTrafficQuery = (name: string) =>
  queryOptions({
    queryKey: endpointKeys.traffic(name),
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

export const invalidateEndpoints = (qc: QueryClient) => qc.invalidateQueries({ queryKey: endpointKeys.all });

// ---------------------------------------------------------------------------------------------
// Batch jobs

/** A batch job as the API sends it (`GET /api/jobs/{id}`). */
export type EndpointJob = import("@/lib/integrate/server/batch/jobs").Job;

/** Queued or running: the job may still change, so it is read again. */
export const isUnfinishedJob = (j: Pick<EndpointJob, "status">) => j.status === "queued" || j.status === "running";

/** An endpoint's jobs are listed under the endpoint; a job is read on its own. */
export const jobKeys = {
  all: ["jobs"] as const,
  list: (endpointName: string) => [...endpointKeys.detail(endpointName), "jobs"] as const,
  detail: (id: string) => [...jobKeys.all, "detail", id] as const,
  errors: (id: string) => [...jobKeys.detail(id), "errors"] as const,
};

/** How often an unfinished batch job is read again. */
export const JOB_POLL_MS = 1000;

/** An endpoint's batch jobs, newest first; read again every JOB_POLL_MS while one is queued or running. */
export const endpointJobsQuery = (name: string) =>
  queryOptions({
    queryKey: jobKeys.list(name),
    queryFn: ({ signal }) => fetchJson<{ items: EndpointJob[] }>(`/api/endpoints/${enc(name)}/jobs`, { signal }).then((r) => r.items),
    refetchInterval: (q) => (q.state.data?.some(isUnfinishedJob) ? JOB_POLL_MS : false),
    staleTime: 0,
  });

/** A batch job, read again every JOB_POLL_MS until it has finished. */
export const jobQuery = (id: string) =>
  queryOptions({
    queryKey: jobKeys.detail(id),
    queryFn: ({ signal }) => fetchJson<EndpointJob>(`/api/jobs/${enc(id)}`, { signal }),
    refetchInterval: (q) => (q.state.data && !isUnfinishedJob(q.state.data) ? false : JOB_POLL_MS),
    staleTime: 0,
  });

/** The rows a job could not score, with why. */
export const jobErrorsQuery = (id: string) =>
  queryOptions({
    queryKey: jobKeys.errors(id),
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
// Reports

export const reportKeys = {
  all: ["reports"] as const,
  detail: (id: string) => [...reportKeys.all, "detail", id] as const,
  data: (id: string) => [...reportKeys.detail(id), "data"] as const,
};

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

/** Re-runs the report's batch scoring → the queued job (202). */
export const refreshReport = (id: string, body: { datasetId?: string } = {}) => sendJson<EndpointJob>("POST", `/api/reports/${enc(id)}/refresh`, body);

/** After a refresh: the report and its data refetch. */
export const invalidateReport = (qc: QueryClient, id: string) => qc.invalidateQueries({ queryKey: reportKeys.detail(id) });
