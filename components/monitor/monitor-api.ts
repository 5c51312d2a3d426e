/**
 * Client side of the Monitor step's ground truth, retraining and alerts: the API's shapes, queries
 * and requests. Kept apart from queries.ts so the Monitor sections can change on their own.
 */
import { type QueryClient, queryOptions } from "@tanstack/react-query";
import { fetchJson, MONITOR_REFRESH_MS, sendJson } from "@/components/api/queries";
import type { Endpoint, Run } from "@/components/api/types";

export type { Unmatched } from "@/lib/monitor/actuals";
export type { Performance } from "@/lib/monitor/server/actuals";
export type { Alert, AlertRule, CreatedAlertRule } from "@/lib/monitor/server/alerts";
export type { WebhookDelivery } from "@/lib/monitor/server/webhooks";

type Performance = import("@/lib/monitor/server/actuals").Performance;
type Alert = import("@/lib/monitor/server/alerts").Alert;
type AlertRule = import("@/lib/monitor/server/alerts").AlertRule;
type CreatedAlertRule = import("@/lib/monitor/server/alerts").CreatedAlertRule;

/** `POST /api/endpoints/{name}/actuals` → how many were joined to their predictions, and why the rest were not. */
export interface ActualsPosted {
  matched: number;
  unmatched: import("@/lib/monitor/actuals").Unmatched[];
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

const enc = encodeURIComponent;

export const monitorLoopKeys = {
  performance: (name: string, bucket: PerformanceBucket) => ["endpoints", "detail", name, "monitor", "performance", bucket] as const,
  performanceAll: (name: string) => ["endpoints", "detail", name, "monitor", "performance"] as const,
  run: (id: string) => ["runs", "detail", id, "monitor"] as const,
  alerts: (name: string) => ["alerts", "list", name] as const,
  rules: (name: string) => ["alerts", "rules", name] as const,
  allAlerts: ["alerts"] as const,
};

/** The success metric on matched actuals over the last PERFORMANCE_RANGE_DAYS, per day or week. */
export const monitorPerformanceQuery = (name: string, bucket: PerformanceBucket) =>
  queryOptions({
    queryKey: monitorLoopKeys.performance(name, bucket),
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

export const invalidatePerformance = (qc: QueryClient, name: string) => qc.invalidateQueries({ queryKey: monitorLoopKeys.performanceAll(name) });

const isFinished = (r: Pick<Run, "status"> | undefined) => !!r && r.status !== "queued" && r.status !== "running";

/** A challenger run, read again every RUN_POLL_MS until it has finished. */
export const challengerRunQuery = (id: string) =>
  queryOptions({
    queryKey: monitorLoopKeys.run(id),
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
    queryKey: monitorLoopKeys.alerts(name),
    queryFn: ({ signal }) => fetchJson<{ items: Alert[] }>(`/api/alerts?endpoint=${enc(name)}`, { signal }).then((r) => r.items),
    refetchInterval: MONITOR_REFRESH_MS,
    staleTime: 0,
  });

/** The endpoint's rules with their latest webhook deliveries (made in the background after an evaluation, hence the refresh). */
export const monitorRulesQuery = (name: string) =>
  queryOptions({
    queryKey: monitorLoopKeys.rules(name),
    queryFn: ({ signal }) => fetchJson<{ items: AlertRule[] }>(`/api/alerts/rules?endpoint=${enc(name)}`, { signal }).then((r) => r.items),
    refetchInterval: MONITOR_REFRESH_MS,
  });

/** The answer carries the webhook's signing secret, this once. */
export const createAlertRule = (rule: AlertRuleInput) => sendJson<CreatedAlertRule>("POST", "/api/alerts/rules", rule);
export const deleteAlertRule = (id: string) => sendJson<void>("DELETE", `/api/alerts/rules/${enc(id)}`);
export const evaluateAlerts = () => sendJson<{ evaluated: number; fired: number; resolved: number }>("POST", "/api/alerts/evaluate");

/** After a rule changes or rules are evaluated: every alert list and rule list refetches. */
export const invalidateAlerts = (qc: QueryClient) => qc.invalidateQueries({ queryKey: monitorLoopKeys.allAlerts });
