/**
 * The Monitor step: an endpoint's traffic, drift and data quality over a chosen window, its ground
 * truth and performance, retraining, and alerts.
 */
import { type QueryClient, queryOptions } from "@tanstack/react-query";
import { enc, fetchJson, sendJson } from "@/components/api/fetch";
import type { Endpoint, EndpointDrift, EndpointQuality, EndpointTraffic, Run } from "@/components/api/types";
import { endpointKeys } from "@/components/integrate/queries";
import { isActiveRun, runKeys } from "@/components/train/queries";
import type { Unmatched } from "@/lib/monitor/actuals";
import type { Performance } from "@/lib/monitor/server/actuals";
import type { Alert, AlertRule, CreatedAlertRule } from "@/lib/monitor/server/alerts";

export type { WebhookDelivery } from "@/lib/monitor/server/webhooks";
export type { Alert, AlertRule, CreatedAlertRule, Performance, Unmatched };

/** `POST /api/endpoints/{name}/actuals` → how many were joined to their predictions, and why the rest were not. */
export interface ActualsPosted {
  matched: number;
  unmatched: Unmatched[];
}

/** `POST /api/endpoints/{name}/retrain` (202): the queued challenger run. */
export interface RetrainQueued {
  runId: string;
  recipeVersion: number;
  datasetId: string;
  /** Whether the champion's dataset had a newer version the challenger trains on. */
  newData: boolean;
}

export type ComparedMetrics = Record<string, number | null> & { rows: number };

/** `POST /api/endpoints/{name}/compare`: both models measured on the same rows. */
export interface Comparison {
  metric: string;
  champion: { model: { id: string; name: string; version: number }; metrics: ComparedMetrics };
  challenger: { model: { id: string; name: string; version: number }; run: string | null; metrics: ComparedMetrics };
  data: "actuals" | "validation";
  rows: number;
  better: "challenger" | "champion";
}

export type AlertKind = AlertRule["kind"];
export type PerformanceBucket = "day" | "week";

export interface AlertRuleInput {
  endpoint: string;
  kind: AlertKind;
  threshold?: number;
  windowMinutes: number;
  webhookUrl?: string;
}

/** How far back the performance chart looks, per bucket. */
export const PERFORMANCE_RANGE_DAYS: Record<PerformanceBucket, number> = { day: 30, week: 26 * 7 };
/** How often a challenger run's progress is read again. */
const RUN_POLL_MS = 1000;

/** The windows the Monitor step offers, ending now. */
export const MONITOR_WINDOWS = { hour: 60 * 60_000, day: 24 * 60 * 60_000, week: 7 * 24 * 60 * 60_000 } as const;
export type MonitorWindowName = keyof typeof MONITOR_WINDOWS;

/** How often the Monitor step's panels are read again. */
export const MONITOR_REFRESH_MS = 10_000;

/** What the Monitor step reads of an endpoint, under the endpoint. */
export const monitorKeys = {
  all: (name: string) => [...endpointKeys.detail(name), "monitor"] as const,
  traffic: (name: string, window: MonitorWindowName) => [...monitorKeys.all(name), "traffic", window] as const,
  drift: (name: string, window: MonitorWindowName) => [...monitorKeys.all(name), "drift", window] as const,
  quality: (name: string, window: MonitorWindowName) => [...monitorKeys.all(name), "quality", window] as const,
  /** Without a bucket: the prefix of both buckets. */
  performance: (name: string, bucket?: PerformanceBucket) =>
    bucket ? ([...monitorKeys.all(name), "performance", bucket] as const) : ([...monitorKeys.all(name), "performance"] as const),
  /** A challenger run as the Monitor step polls it, under the run (so invalidating runs covers it). */
  challenger: (runId: string) => [...runKeys.detail(runId), "monitor"] as const,
};

/** An endpoint's alerts and alert rules. */
export const alertKeys = {
  all: ["alerts"] as const,
  list: (endpoint: string) => [...alertKeys.all, "list", endpoint] as const,
  rules: (endpoint: string) => [...alertKeys.all, "rules", endpoint] as const,
};

/** `?since=` for a window that ends at the moment of the request. */
const monitorPath = (name: string, what: "metrics" | "drift" | "quality", window: MonitorWindowName) =>
  `/api/endpoints/${enc(name)}/${what}?since=${enc(new Date(Date.now() - MONITOR_WINDOWS[window]).toISOString())}`;

const windowQuery = <T>(key: readonly unknown[], path: () => string) =>
  queryOptions({
    queryKey: key,
    queryFn: ({ signal }) => fetchJson<T>(path(), { signal }),
    refetchInterval: MONITOR_REFRESH_MS,
    staleTime: 0,
  });

/** Requests, errors and latency of the window, read again every MONITOR_REFRESH_MS. */
export const monitorTrafficQuery = (name: string, window: MonitorWindowName) =>
  windowQuery<EndpointTraffic>(monitorKeys.traffic(name, window), () => monitorPath(name, "metrics", window));

export const monitorDriftQuery = (name: string, window: MonitorWindowName) =>
  windowQuery<EndpointDrift>(monitorKeys.drift(name, window), () => monitorPath(name, "drift", window));

export const monitorQualityQuery = (name: string, window: MonitorWindowName) =>
  windowQuery<EndpointQuality>(monitorKeys.quality(name, window), () => monitorPath(name, "quality", window));

/** The success metric on matched actuals over the last PERFORMANCE_RANGE_DAYS, per day or week. */
export const monitorPerformanceQuery = (name: string, bucket: PerformanceBucket) =>
  queryOptions({
    queryKey: monitorKeys.performance(name, bucket),
    queryFn: ({ signal }) => {
      const since = new Date(Date.now() - PERFORMANCE_RANGE_DAYS[bucket] * 24 * 60 * 60_000).toISOString();
      return fetchJson<Performance>(`/api/endpoints/${enc(name)}/performance?bucket=${bucket}&since=${enc(since)}`, { signal });
    },
    refetchInterval: MONITOR_REFRESH_MS,
    staleTime: 0,
  });

/** A CSV of actuals, sent as it is (`text/csv`). */
export const postActualsCsv = (name: string, csv: string) =>
  fetchJson<ActualsPosted>(`/api/endpoints/${enc(name)}/actuals`, { method: "POST", headers: { "content-type": "text/csv" }, body: csv });

export const invalidatePerformance = (qc: QueryClient, name: string) => qc.invalidateQueries({ queryKey: monitorKeys.performance(name) });

const isFinished = (r: Pick<Run, "status"> | undefined) => r !== undefined && !isActiveRun(r);

/** A challenger run, read again every RUN_POLL_MS until it has finished. */
export const challengerRunQuery = (id: string) =>
  queryOptions({
    queryKey: monitorKeys.challenger(id),
    queryFn: ({ signal }) => fetchJson<Run>(`/api/runs/${enc(id)}`, { signal }),
    refetchInterval: (q) => (isFinished(q.state.data) ? false : RUN_POLL_MS),
    staleTime: 0,
  });

export const retrainEndpoint = (name: string) => sendJson<RetrainQueued>("POST", `/api/endpoints/${enc(name)}/retrain`);
export const compareChallenger = (name: string, runId: string) => sendJson<Comparison>("POST", `/api/endpoints/${enc(name)}/compare`, { runId });
export const promoteChallenger = (name: string, runId: string) => sendJson<Endpoint>("POST", `/api/endpoints/${enc(name)}/promote`, { runId });

/** The endpoint's alerts, newest first (the view puts firing ones on top). */
export const monitorAlertsQuery = (name: string) =>
  queryOptions({
    queryKey: alertKeys.list(name),
    queryFn: ({ signal }) => fetchJson<{ items: Alert[] }>(`/api/alerts?endpoint=${enc(name)}`, { signal }).then((r) => r.items),
    refetchInterval: MONITOR_REFRESH_MS,
    staleTime: 0,
  });

/** The endpoint's rules with their latest webhook deliveries (made in the background after an evaluation, hence the refresh). */
export const monitorRulesQuery = (name: string) =>
  queryOptions({
    queryKey: alertKeys.rules(name),
    queryFn: ({ signal }) => fetchJson<{ items: AlertRule[] }>(`/api/alerts/rules?endpoint=${enc(name)}`, { signal }).then((r) => r.items),
    refetchInterval: MONITOR_REFRESH_MS,
  });

/** The answer carries the webhook's signing secret, this once. */
export const createAlertRule = (rule: AlertRuleInput) => sendJson<CreatedAlertRule>("POST", "/api/alerts/rules", rule);
export const deleteAlertRule = (id: string) => sendJson<void>("DELETE", `/api/alerts/rules/${enc(id)}`);
export const evaluateAlerts = () => sendJson<{ evaluated: number; fired: number; resolved: number }>("POST", "/api/alerts/evaluate");

/** After a rule changes or rules are evaluated: every alert list and rule list refetches. */
export const invalidateAlerts = (qc: QueryClient) => qc.invalidateQueries({ queryKey: alertKeys.all });
