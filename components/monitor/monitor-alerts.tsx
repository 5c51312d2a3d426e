"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useId, useState } from "react";
import { ApiError } from "@/components/api/fetch";
import { useCan } from "@/components/identity/viewer-context";
import {
  type Alert,
  type AlertKind,
  type AlertRule,
  type AlertRuleInput,
  createAlertRule,
  deleteAlertRule,
  evaluateAlerts,
  invalidateAlerts,
  monitorAlertsQuery,
  monitorRulesQuery,
} from "@/components/monitor/queries";
import { Button } from "@/components/ui/button";
import { ErrorNotice } from "@/components/ui/error-notice";
import { Field, fieldA11y } from "@/components/ui/field";
import { formatDate, formatStat, plural } from "@/components/ui/format";
import { Notice } from "@/components/ui/notice";
import { NumberInput } from "@/components/ui/number-input";
import { inputClass, selectClass } from "@/components/ui/styles";
import { TableHead } from "@/components/ui/table-head";
import { WebhookDeliveryLog, WebhookSecretPanel } from "./monitor-webhooks";

export interface MonitorAlertsProps {
  name: string;
}

const CELL = "px-3 py-2";
const DEFAULT_WINDOW_MINUTES = 60;

const KIND_LABELS: Record<AlertKind, string> = {
  errorRate: "Error rate",
  p99LatencyMs: "p99 latency",
  drift: "Drift",
  dataQuality: "Data quality",
  performance: "Performance",
};

/** What the threshold box means for each kind, and how a typed value becomes the API's. */
const THRESHOLD: Record<AlertKind, { label: string; hint: string; toApi: (v: number) => number } | null> = {
  errorRate: { label: "Fires above (% of requests)", hint: "Share of the window's requests that failed, in percent.", toApi: (v) => v / 100 },
  p99LatencyMs: { label: "Fires above (ms)", hint: "The 99th percentile of server latency in the window.", toApi: (v) => v },
  performance: { label: "Threshold (optional)", hint: "The success metric's threshold; empty: the project's own.", toApi: (v) => v },
  dataQuality: {
    label: "Fires above (% of rows)",
    hint: "The worst feature's share of missing, mistyped or out-of-range cells, refused rows included.",
    toApi: (v) => v / 100,
  },
  drift: null,
};

const percent = (v: number) => `${formatStat(Math.round(v * 10000) / 100)}%`;

/** A rule's condition as a person reads it: "error rate > 10%". */
function condition(kind: string, threshold: number | null): string {
  switch (kind) {
    case "errorRate":
      return `> ${threshold === null ? "–" : percent(threshold)}`;
    case "dataQuality":
      return `bad cells > ${threshold === null ? "–" : percent(threshold)}`;
    case "p99LatencyMs":
      return `> ${formatStat(threshold)} ms`;
    case "performance":
      return threshold === null ? "misses the project's threshold" : `misses ${formatStat(threshold)}`;
    default:
      return "the input drifts";
  }
}

/** The value an alert measured, in its kind's unit. */
function measured(a: Alert): string {
  if (a.value === null) return "–";
  if (a.kind === "errorRate" || a.kind === "dataQuality") return percent(a.value);
  if (a.kind === "p99LatencyMs") return `${formatStat(a.value)} ms`;
  if (a.kind === "drift") return plural(a.value, "feature") + " drifted";
  return formatStat(a.value);
}

const kindLabel = (kind: string) => KIND_LABELS[kind as AlertKind] ?? kind;

function AlertList({ alerts }: { alerts: Alert[] }) {
  if (alerts.length === 0) return <p className="text-sm text-slate-500">No alerts have fired on this endpoint.</p>;
  // Firing first; within each state, newest first (the API's order).
  const sorted = [...alerts].sort((a, b) => Number(b.state === "firing") - Number(a.state === "firing"));
  return (
    <ul aria-label="Alerts" className="divide-y divide-slate-100 rounded-lg border border-slate-200 text-sm">
      {sorted.map((a) => (
        <li key={a.id} data-state={a.state} className={`flex flex-wrap items-baseline gap-x-3 gap-y-1 px-3 py-2 ${a.state === "firing" ? "bg-red-50" : ""}`}>
          {a.state === "firing" ? (
            <span className="rounded bg-red-600 px-1.5 py-0.5 text-xs font-semibold text-white">firing</span>
          ) : (
            <span className="rounded bg-slate-100 px-1.5 py-0.5 text-xs font-medium text-slate-600">resolved</span>
          )}
          <span className="font-medium">
            {kindLabel(a.kind)} {condition(a.kind, a.threshold)}
          </span>
          <span className="text-slate-600">measured {measured(a)}</span>
          <span className="text-slate-500">
            fired {formatDate(a.firedAt)}
            {a.resolvedAt && <>, resolved {formatDate(a.resolvedAt)}</>}
          </span>
        </li>
      ))}
    </ul>
  );
}

function RuleTable({ rules }: { rules: AlertRule[] }) {
  const qc = useQueryClient();
  const canEdit = useCan("editor");
  const remove = useMutation({ mutationFn: deleteAlertRule, onSuccess: () => invalidateAlerts(qc) });
  if (rules.length === 0) return <p className="text-sm text-slate-500">{canEdit ? "No rules yet: add one below." : "No rules yet."}</p>;
  return (
    <div className="space-y-2">
      <div className="overflow-x-auto">
        <table aria-label="Alert rules" className="w-full text-sm">
          <TableHead
            columns={["Kind", "Condition", "Window", "Webhook"]}
            cellClass={CELL}
            trailing={
              canEdit && (
                <th scope="col" className={CELL}>
                  <span className="sr-only">Actions</span>
                </th>
              )
            }
          />
          <tbody>
            {rules.map((r) => (
              <tr key={r.id} className="border-t border-slate-100">
                <th scope="row" className={`${CELL} text-left font-medium`}>
                  {kindLabel(r.kind)}
                </th>
                <td className={CELL}>{condition(r.kind, r.threshold)}</td>
                <td className={`${CELL} tabular-nums`}>{plural(r.windowMinutes, "minute")}</td>
                <td className={`${CELL} max-w-72 space-y-1`}>
                  {r.webhookUrl ? (
                    <>
                      <p className="truncate font-mono text-xs" title={r.webhookUrl}>
                        {r.webhookUrl}
                      </p>
                      <WebhookDeliveryLog rule={r} label={kindLabel(r.kind)} />
                    </>
                  ) : (
                    <span className="text-slate-400">none</span>
                  )}
                </td>
                {canEdit && (
                  <td className={`${CELL} text-right`}>
                    <Button
                      variant="danger"
                      size="sm"
                      aria-label={`Delete the ${kindLabel(r.kind)} rule`}
                      disabled={remove.isPending}
                      onClick={() => remove.mutate(r.id)}
                    >
                      Delete
                    </Button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <ErrorNotice error={remove.error} />
    </div>
  );
}

function AddRuleForm({ name, onSecret }: { name: string; onSecret: (secret: string) => void }) {
  const id = useId();
  const qc = useQueryClient();
  const [kind, setKind] = useState<AlertKind>("errorRate");
  const [threshold, setThreshold] = useState<number | undefined>(10);
  const [windowMinutes, setWindowMinutes] = useState<number | undefined>(DEFAULT_WINDOW_MINUTES);
  const [webhookUrl, setWebhookUrl] = useState("");
  const add = useMutation({
    mutationFn: (rule: AlertRuleInput) => createAlertRule(rule),
    onSuccess: (created) => {
      if (created.webhookSecret) onSecret(created.webhookSecret);
      return invalidateAlerts(qc);
    },
  });
  const errors = add.error instanceof ApiError ? add.error.fieldErrors : {};
  const meaning = THRESHOLD[kind];
  const submit = (e: FormEvent) => {
    e.preventDefault();
    add.mutate({
      endpoint: name,
      kind,
      ...(meaning && threshold !== undefined ? { threshold: meaning.toApi(threshold) } : {}),
      windowMinutes: windowMinutes ?? NaN,
      ...(webhookUrl.trim() ? { webhookUrl: webhookUrl.trim() } : {}),
    });
  };
  return (
    <form onSubmit={submit} aria-label="Add an alert rule" className="space-y-3 rounded-lg border border-slate-200 p-4">
      <p className="text-sm font-medium text-slate-800">Add a rule</p>
      <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
        <Field id={`${id}-kind`} label="Kind" error={errors.kind}>
          <select
            {...fieldA11y(`${id}-kind`, errors.kind)}
            className={selectClass}
            value={kind}
            onChange={(e) => {
              const k = e.target.value as AlertKind;
              setKind(k);
              setThreshold(k === "errorRate" ? 10 : k === "dataQuality" ? 5 : k === "p99LatencyMs" ? 500 : undefined);
            }}
          >
            {(Object.keys(KIND_LABELS) as AlertKind[]).map((k) => (
              <option key={k} value={k}>
                {KIND_LABELS[k]}
              </option>
            ))}
          </select>
        </Field>
        {meaning ? (
          <Field id={`${id}-threshold`} label={meaning.label} hint={meaning.hint} error={errors.threshold}>
            <NumberInput {...fieldA11y(`${id}-threshold`, errors.threshold, true)} value={threshold} onValueChange={setThreshold} />
          </Field>
        ) : (
          <p className="self-center text-xs text-slate-500">Fires while the input as a whole drifts from the reference sample.</p>
        )}
        <Field id={`${id}-window`} label="Window (minutes)" error={errors.windowMinutes}>
          <NumberInput {...fieldA11y(`${id}-window`, errors.windowMinutes)} value={windowMinutes} onValueChange={setWindowMinutes} />
        </Field>
        <Field id={`${id}-webhook`} label="Webhook URL" optional error={errors.webhookUrl}>
          <input
            {...fieldA11y(`${id}-webhook`, errors.webhookUrl)}
            type="url"
            className={inputClass}
            placeholder="https://hooks.example.com/…"
            value={webhookUrl}
            onChange={(e) => setWebhookUrl(e.target.value)}
          />
        </Field>
      </div>
      <Button type="submit" disabled={add.isPending}>
        {add.isPending ? "Adding…" : "Add rule"}
      </Button>
      <ErrorNotice error={add.error} shownFields={["kind", "threshold", "windowMinutes", "webhookUrl"]} />
    </form>
  );
}

/** The endpoint's alerts (firing first) and rules, a form to add a rule, and an evaluation on demand. */
export function MonitorAlerts({ name }: MonitorAlertsProps) {
  const qc = useQueryClient();
  const canEdit = useCan("editor");
  const alerts = useQuery(monitorAlertsQuery(name));
  const rules = useQuery(monitorRulesQuery(name));
  const evaluate = useMutation({ mutationFn: evaluateAlerts, onSuccess: () => invalidateAlerts(qc) });
  // A new rule's signing secret: the API answers it once, so it lives only here until dismissed.
  const [secret, setSecret] = useState<string | null>(null);
  const firing = alerts.data?.filter((a) => a.state === "firing").length ?? 0;
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center gap-3">
        {canEdit && (
          <Button variant="secondary" onClick={() => evaluate.mutate()} disabled={evaluate.isPending}>
            {evaluate.isPending ? "Evaluating…" : "Evaluate now"}
          </Button>
        )}
        <p className="text-xs text-slate-500">
          The server evaluates every rule every 30 s; {firing > 0 ? <strong className="text-red-700">{plural(firing, "alert")} firing</strong> : "none firing"}.
        </p>
      </div>
      {evaluate.data && (
        <Notice tone="info">
          Evaluated {plural(evaluate.data.evaluated, "rule")} across all endpoints: {evaluate.data.fired} fired, {evaluate.data.resolved} resolved.
        </Notice>
      )}
      <ErrorNotice error={evaluate.error} />
      {alerts.error ? (
        <ErrorNotice error={alerts.error} />
      ) : alerts.data ? (
        <AlertList alerts={alerts.data} />
      ) : (
        <p className="text-sm text-slate-500">Loading the alerts…</p>
      )}
      <h4 className="text-sm font-semibold text-slate-800">Rules</h4>
      {rules.error ? (
        <ErrorNotice error={rules.error} />
      ) : rules.data ? (
        <RuleTable rules={rules.data} />
      ) : (
        <p className="text-sm text-slate-500">Loading the rules…</p>
      )}
      {secret && <WebhookSecretPanel secret={secret} onDismiss={() => setSecret(null)} />}
      {canEdit && <AddRuleForm name={name} onSecret={setSecret} />}
    </div>
  );
}
