/** Training runs, sweeps and the model registry. */
import { type QueryClient, queryOptions } from "@tanstack/react-query";
import { enc, fetchJson, postFormWithProgress, sendJson } from "@/components/api/fetch";
import type { ModelVersion, Run, Sweep } from "@/components/api/types";
import { projectKeys } from "@/components/define/queries";

// ---------------------------------------------------------------------------------------------
// Runs

/** A project's runs are listed under the project; a run is read on its own. */
export const runKeys = {
  all: ["runs"] as const,
  list: (projectId: string) => [...projectKeys.detail(projectId), "runs"] as const,
  detail: (id: string) => [...runKeys.all, "detail", id] as const,
};

/** Whether a run may still change (the runs list is polled while one is). */
export const isActiveRun = (r: Pick<Run, "status">) => r.status === "queued" || r.status === "running";

/** POLL_ACTIVE_RUNS_MS while any run is queued or running; no polling otherwise. */
const POLL_ACTIVE_RUNS_MS = 1000;

/** A project's runs, newest first; polls every second while one of them is queued or running. */
export const projectRunsQuery = (projectId: string) =>
  queryOptions({
    queryKey: runKeys.list(projectId),
    queryFn: ({ signal }) => fetchJson<{ items: Run[] }>(`/api/projects/${enc(projectId)}/runs`, { signal }).then((r) => r.items),
    refetchInterval: (query) => (query.state.data?.some(isActiveRun) ? POLL_ACTIVE_RUNS_MS : false),
  });

export const runQuery = (id: string) =>
  queryOptions({
    queryKey: runKeys.detail(id),
    queryFn: ({ signal }) => fetchJson<Run>(`/api/runs/${enc(id)}`, { signal }),
  });

/** `{algorithm, params?}` → the queued run (202). */
export const createRun = (projectId: string, body: { algorithm: string; params?: Record<string, unknown>; sampleRows?: number }) =>
  sendJson<Run>("POST", `/api/projects/${enc(projectId)}/runs`, body);

export const cancelRun = (id: string) => sendJson<Run>("POST", `/api/runs/${enc(id)}/cancel`);

/** After a run is started or cancelled: the project's runs list and every single run refetch. */
export const invalidateRuns = (qc: QueryClient, projectId: string) =>
  Promise.all([qc.invalidateQueries({ queryKey: runKeys.list(projectId) }), qc.invalidateQueries({ queryKey: runKeys.all })]);

/** A model trained in the browser, as multipart (`meta` + its artifact files) → the stored run (201). */
export const saveBrowserRun = (projectId: string, form: FormData) =>
  fetchJson<Run>(`/api/projects/${enc(projectId)}/runs/browser`, { method: "POST", body: form });

// ---------------------------------------------------------------------------------------------
// Sweeps

/** A project's sweeps, under the project. */
export const sweepKeys = {
  list: (projectId: string) => [...projectKeys.detail(projectId), "sweeps"] as const,
};

/** A project's sweeps, newest first; polls while any of them still has trials queued or running. */
export const projectSweepsQuery = (projectId: string) =>
  queryOptions({
    queryKey: sweepKeys.list(projectId),
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

// ---------------------------------------------------------------------------------------------
// The model registry

export const modelKeys = {
  all: ["models"] as const,
  list: (filter: { projectId?: string } = {}) => [...modelKeys.all, "list", filter] as const,
};

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

/** A downloaded bundle back in (multipart `file`, optional `name`) → the new model version (201). */
export function importModelBundle(file: File, name: string, onProgress: (percent: number) => void, onSent?: () => void): Promise<ModelVersion> {
  const body = new FormData();
  body.append("file", file);
  if (name) body.append("name", name);
  return postFormWithProgress<ModelVersion>("/api/models/import", body, onProgress, onSent);
}
