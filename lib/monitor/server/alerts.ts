import { and, asc, desc, eq } from "drizzle-orm";
import { z } from "zod";
import { getDb } from "@/db/client";
import { alertRules, alerts, endpoints, webhookDeliveries, type AlertRow, type AlertRuleRow } from "@/db/schema";
import { meetsCriterion, type Task } from "@/lib/define/tasks";
import { getEndpoint } from "@/lib/integrate/server/endpoints/endpoints";
import { endpointTraffic } from "@/lib/monitor/server/traffic";
import { AppError, notFound } from "@/lib/shared/errors";
import { parseWith } from "@/lib/shared/http";
import { runEvery } from "@/lib/shared/server/every";
import { newId } from "@/lib/shared/ids";
import { endpointPerformance } from "./actuals";
import { newWebhookSecret } from "./webhook-signature";
import { checkWebhookUrl, dispatchWebhook, listDeliveries, type WebhookDelivery, type WebhookEvent } from "./webhooks";
import { endpointDrift, worstQuality } from "./window-drift";
import { recordAudit } from "@/lib/identity/server/audit";

/** How often the web server evaluates every rule. */
export const ALERT_TICK_MS = 30_000;
const MAX_WINDOW_MINUTES = 7 * 24 * 60;

export const ALERT_KINDS = ["drift", "dataQuality", "errorRate", "p99LatencyMs", "performance"] as const;
type AlertKind = (typeof ALERT_KINDS)[number];

const ruleSchema = z
  .object({
    endpoint: z.string().min(1),
    kind: z.enum(ALERT_KINDS, { message: `must be one of ${ALERT_KINDS.join(", ")}` }),
    /** errorRate: a fraction of requests; dataQuality: a fraction of rows; p99LatencyMs: milliseconds; performance: the project's threshold when absent. */
    threshold: z.number().finite().min(0).optional(),
    windowMinutes: z.number().int().min(1).max(MAX_WINDOW_MINUTES),
    webhookUrl: z.url({ protocol: /^https?$/, message: "an http(s) URL" }).optional(),
  })
  .strict()
  .superRefine((r, ctx) => {
    if ((r.kind === "errorRate" || r.kind === "dataQuality" || r.kind === "p99LatencyMs") && r.threshold === undefined)
      ctx.addIssue({ code: "custom", path: ["threshold"], message: `required for ${r.kind}` });
    if ((r.kind === "errorRate" || r.kind === "dataQuality") && r.threshold !== undefined && r.threshold > 1)
      ctx.addIssue({
        code: "custom",
        path: ["threshold"],
        message: `${r.kind === "errorRate" ? "an error rate" : "a share of bad cells"} is a fraction between 0 and 1`,
      });
  });

export interface AlertRule {
  id: string;
  endpoint: string;
  kind: AlertKind;
  threshold: number | null;
  windowMinutes: number;
  webhookUrl: string | null;
  /** Whether deliveries are signed (rules made before signing have no secret). */
  hasWebhookSecret: boolean;
  /** The latest webhook deliveries, newest first. */
  deliveries: WebhookDelivery[];
  createdAt: string;
}

/** `POST /api/alerts/rules`'s answer: the only time the signing secret is shown (null without a webhook). */
export type CreatedAlertRule = AlertRule & { webhookSecret: string | null };

export interface Alert {
  id: string;
  ruleId: string;
  endpoint: string;
  kind: string;
  state: "firing" | "resolved";
  value: number | null;
  threshold: number | null;
  firedAt: string;
  resolvedAt: string | null;
}

const presentRule = (r: AlertRuleRow, deliveries: WebhookDelivery[]): AlertRule => ({
  id: r.id,
  endpoint: r.endpointName,
  kind: r.kind,
  threshold: r.threshold,
  windowMinutes: r.windowMinutes,
  webhookUrl: r.webhookUrl,
  hasWebhookSecret: r.webhookSecret !== null,
  deliveries,
  createdAt: r.createdAt.toISOString(),
});

const presentAlert = (a: AlertRow): Alert => ({
  id: a.id,
  ruleId: a.ruleId,
  endpoint: a.endpointName,
  kind: a.kind,
  state: a.state,
  value: a.value,
  threshold: a.threshold,
  firedAt: a.firedAt.toISOString(),
  resolvedAt: a.resolvedAt?.toISOString() ?? null,
});

/**
 * `POST /api/alerts/rules`: a rule on an existing endpoint. A webhook must pass the outbound
 * address check (422 naming webhookUrl) and gets a signing secret, returned this once.
 */
export async function createAlertRule(input: unknown): Promise<CreatedAlertRule> {
  const body = parseWith(ruleSchema, input);
  const exists = getDb().select({ name: endpoints.name }).from(endpoints).where(eq(endpoints.name, body.endpoint)).get();
  if (!exists) throw new AppError("VALIDATION", `Endpoint "${body.endpoint}" does not exist.`, [{ field: "endpoint", message: "unknown endpoint" }]);
  if (body.webhookUrl) {
    const url = body.webhookUrl;
    await checkWebhookUrl(url).catch((e) => {
      // A webhook aimed inside the network is a security event, not just bad input.
      recordAudit({
        action: "webhook.refused",
        target: url,
        outcome: "denied",
        detail: { endpoint: body.endpoint, reason: e instanceof Error ? e.message : String(e) },
      });
      throw e;
    });
  }
  const row: AlertRuleRow = {
    id: newId("alr"),
    endpointName: body.endpoint,
    kind: body.kind,
    threshold: body.threshold ?? null,
    windowMinutes: body.windowMinutes,
    webhookUrl: body.webhookUrl ?? null,
    webhookSecret: body.webhookUrl ? newWebhookSecret() : null,
    createdAt: new Date(),
  };
  getDb().insert(alertRules).values(row).run();
  return { ...presentRule(row, []), webhookSecret: row.webhookSecret };
}

export function listAlertRules(opts: { endpoint?: string } = {}): AlertRule[] {
  return getDb()
    .select()
    .from(alertRules)
    .where(opts.endpoint ? eq(alertRules.endpointName, opts.endpoint) : undefined)
    .orderBy(asc(alertRules.createdAt))
    .all()
    .map((r) => presentRule(r, r.webhookUrl ? listDeliveries(r.id) : []));
}

/** Deletes a rule and its delivery log; an alert it has firing is resolved with it. */
export function deleteAlertRule(id: string): void {
  const db = getDb();
  if (!db.select({ id: alertRules.id }).from(alertRules).where(eq(alertRules.id, id)).get()) throw notFound("Alert rule", id);
  db.transaction((tx) => {
    tx.update(alerts)
      .set({ state: "resolved", resolvedAt: new Date() })
      .where(and(eq(alerts.ruleId, id), eq(alerts.state, "firing")))
      .run();
    tx.delete(webhookDeliveries).where(eq(webhookDeliveries.ruleId, id)).run();
    tx.delete(alertRules).where(eq(alertRules.id, id)).run();
  });
}

/** `GET /api/alerts`: newest first, optionally only one state or one endpoint's. */
export function listAlerts(opts: { state?: string | null; endpoint?: string | null } = {}): Alert[] {
  if (opts.state && opts.state !== "firing" && opts.state !== "resolved")
    throw new AppError("VALIDATION", "state must be firing or resolved.", [{ field: "state", message: "use firing or resolved" }]);
  return getDb()
    .select()
    .from(alerts)
    .where(
      and(opts.state ? eq(alerts.state, opts.state as "firing" | "resolved") : undefined, opts.endpoint ? eq(alerts.endpointName, opts.endpoint) : undefined),
    )
    .orderBy(desc(alerts.firedAt))
    .all()
    .map(presentAlert);
}

/** Whether the rule's condition holds now, with the value it measured and the threshold it used. */
async function measureRule(rule: AlertRuleRow, now: Date): Promise<{ firing: boolean; value: number | null; threshold: number | null }> {
  const window = { since: new Date(now.getTime() - rule.windowMinutes * 60_000), until: now };
  switch (rule.kind) {
    case "errorRate": {
      const t = await endpointTraffic(rule.endpointName, window);
      const value = t.requests ? t.errors / t.requests : 0;
      return { firing: value > rule.threshold!, value, threshold: rule.threshold };
    }
    case "p99LatencyMs": {
      const value = (await endpointTraffic(rule.endpointName, window)).latencyMs.p99;
      return { firing: value !== null && value > rule.threshold!, value, threshold: rule.threshold };
    }
    case "dataQuality": {
      // The worst feature's share of null, mistyped and out-of-range cells, over scored and refused rows.
      const value = (await worstQuality(rule.endpointName, window)).rate;
      return { firing: value > rule.threshold!, value, threshold: rule.threshold };
    }
    case "drift": {
      const d = await endpointDrift(rule.endpointName, window);
      return { firing: d.datasetDrifted, value: d.driftedFeatures, threshold: null };
    }
    case "performance": {
      const p = await endpointPerformance(rule.endpointName, window);
      const threshold = rule.threshold ?? p.threshold;
      const value = p.overall[p.metric] ?? null;
      const task = getEndpoint(rule.endpointName).task as Task;
      return { firing: threshold !== null && value !== null && !meetsCriterion(task, p.metric, threshold, value), value, threshold };
    }
  }
}

interface Change {
  rule: AlertRuleRow;
  alertId: string;
  state: "firing" | "resolved";
  value: number | null;
  at: Date;
}

declare global {
  /** The evaluation in progress or last made, one chain per process (evaluateAlerts). */
  var __alertEvaluation: Promise<unknown> | undefined;
}

/**
 * Evaluates every rule once: a condition that starts holding opens a firing alert, one that stops
 * resolves it. Measuring reads windows on reader threads (awaited, the event loop goes on);
 * evaluations run one at a time, so the timer and `POST /api/alerts/evaluate` cannot open one
 * alert twice. Each change's webhook is then delivered in the background (retries take seconds),
 * so a slow receiver never holds up the next evaluation. `now` is when the evaluation starts by
 * default: it sees every request answered before it was asked for.
 */
export function evaluateAlerts(now?: Date): Promise<{ evaluated: number; fired: number; resolved: number }> {
  const run = (globalThis.__alertEvaluation ?? Promise.resolve()).catch(() => undefined).then(() => evaluateOnce(now ?? new Date()));
  globalThis.__alertEvaluation = run;
  return run;
}

async function evaluateOnce(now: Date): Promise<{ evaluated: number; fired: number; resolved: number }> {
  const db = getDb();
  const changes: Change[] = [];
  const rules = db.select().from(alertRules).all();
  const live = new Set(
    db
      .select({ name: endpoints.name })
      .from(endpoints)
      .all()
      .map((e) => e.name),
  );
  for (const rule of rules) {
    if (!live.has(rule.endpointName)) continue; // its endpoint was deleted: nothing left to watch
    let m: Awaited<ReturnType<typeof measureRule>>;
    try {
      m = await measureRule(rule, now);
    } catch (e) {
      console.error(`[alerts] rule ${rule.id} (${rule.kind} on ${rule.endpointName}) could not be evaluated`, e instanceof AppError ? e.message : e);
      continue;
    }
    // Deleted while it was measured: its alerts were resolved with it.
    if (!db.select({ id: alertRules.id }).from(alertRules).where(eq(alertRules.id, rule.id)).get()) continue;
    const open = db
      .select()
      .from(alerts)
      .where(and(eq(alerts.ruleId, rule.id), eq(alerts.state, "firing")))
      .get();
    if (m.firing && !open) {
      const alertId = newId("alt");
      db.insert(alerts)
        .values({
          id: alertId,
          ruleId: rule.id,
          endpointName: rule.endpointName,
          kind: rule.kind,
          state: "firing",
          value: m.value,
          threshold: m.threshold,
          firedAt: now,
          resolvedAt: null,
        })
        .run();
      changes.push({ rule, alertId, state: "firing", value: m.value, at: now });
    } else if (!m.firing && open) {
      db.update(alerts).set({ state: "resolved", resolvedAt: now, value: m.value }).where(eq(alerts.id, open.id)).run();
      changes.push({ rule, alertId: open.id, state: "resolved", value: m.value, at: now });
    } else if (open) {
      db.update(alerts).set({ value: m.value }).where(eq(alerts.id, open.id)).run();
    }
  }
  for (const change of changes) notify(change);
  return { evaluated: rules.length, fired: changes.filter((c) => c.state === "firing").length, resolved: changes.filter((c) => c.state === "resolved").length };
}

/** Hands a change to its rule's webhook, if it has one: delivered, retried and logged in the background. */
function notify({ rule, alertId, state, value, at }: Change): void {
  if (!rule.webhookUrl) return;
  const event: WebhookEvent = state === "firing" ? "alert.firing" : "alert.resolved";
  const body = JSON.stringify({
    type: event,
    alertId,
    rule: { id: rule.id, endpoint: rule.endpointName, kind: rule.kind, threshold: rule.threshold, windowMinutes: rule.windowMinutes },
    state,
    value,
    endpoint: rule.endpointName,
    at: at.toISOString(),
  });
  dispatchWebhook({ ruleId: rule.id, alertId, event, url: rule.webhookUrl, secret: rule.webhookSecret, body });
}

/** Starts evaluating every ALERT_TICK_MS in this process (once, however often it is called). */
export function startAlertEvaluator(): void {
  runEvery("alerts", ALERT_TICK_MS, evaluateAlerts);
}
