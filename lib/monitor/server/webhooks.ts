/**
 * Alert webhooks: the address check when a rule is made, signed delivery with retries, and the
 * delivery log shown with each rule.
 *
 * Every URL goes through the shared outbound guard (lib/shared/server/outbound.ts) when the rule
 * is made and again at each attempt, after DNS, with the connection pinned to the checked
 * address. Redirects are not followed: a 3xx answer is a failed delivery. Hosts an administrator
 * lists in the settings (`webhookAllowedHosts`) skip the address checks.
 */
import { and, desc, eq, notInArray } from "drizzle-orm";
import { getDb } from "@/db/client";
import { alertRules, webhookDeliveries, type WebhookDeliveryRow } from "@/db/schema";
import { getSettings } from "@/lib/identity/server/settings";
import { AppError } from "@/lib/shared/errors";
import { newId } from "@/lib/shared/ids";
import { parseOutboundUrl, pinnedRequestOptions, requestModule, resolveGuarded, tryAddresses } from "@/lib/shared/server/outbound";
import { webhookHeaders } from "./webhook-signature";

/** An attempt that has no answer's headers by then is given up. */
export const WEBHOOK_TIMEOUT_MS = 5_000;
/** Waits before the second and third attempt (three in all). */
export const WEBHOOK_RETRY_DELAYS_MS = [1_000, 4_000];
/** Deliveries `GET /api/alerts/rules` shows per rule, newest first. */
export const LISTED_DELIVERIES = 10;
/** Deliveries kept per rule; older ones are deleted as new ones are stored. */
const KEPT_DELIVERIES = 100;
const FIELD = "webhookUrl";

export type WebhookEvent = "alert.firing" | "alert.resolved";

export interface WebhookDelivery {
  id: string;
  alertId: string | null;
  event: string;
  /** The last attempt's HTTP status; null when it got no answer. */
  status: number | null;
  ok: boolean;
  attempts: number;
  error: string | null;
  durationMs: number | null;
  at: string;
}

/**
 * Checks a rule's webhook URL before it is stored: http(s), no credentials, and an address that
 * is public (every one the name resolves to) unless the host is allow-listed. 422 naming
 * `webhookUrl` otherwise, also when the host is not found.
 */
export async function checkWebhookUrl(raw: string, allowedHosts: string[] = getSettings().webhookAllowedHosts): Promise<void> {
  await resolveGuarded(parseOutboundUrl(raw, FIELD), { allowedHosts, field: FIELD, refusedCode: "VALIDATION" });
}

export interface DeliveryOptions {
  /** Hosts that skip the address checks (the settings' `webhookAllowedHosts`). */
  allowedHosts: string[];
  timeoutMs?: number;
  /** One wait per retry; `[]` makes one attempt only. */
  retryDelaysMs?: number[];
  /** How a wait is made (tests make it instant). */
  sleep?: (ms: number) => Promise<void>;
}

export interface DeliveryOutcome {
  status: number | null;
  ok: boolean;
  attempts: number;
  error: string | null;
  durationMs: number;
}

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Posts `body` to `url` until a 2xx answer, retrying after each of `retryDelaysMs` on no answer, a
 * timeout, 408, 429 or 5xx; a refused address, a redirect or another 4xx ends it at once. Each
 * attempt is signed anew (its own `webhook-timestamp`) under the same `webhook-id`; without a
 * secret (rules older than signing) the signature header is left out. Never throws.
 */
export async function deliverWebhook(url: string, secret: string | null, msg: { id: string; body: string }, opts: DeliveryOptions): Promise<DeliveryOutcome> {
  const timeoutMs = opts.timeoutMs ?? WEBHOOK_TIMEOUT_MS;
  const delays = opts.retryDelaysMs ?? WEBHOOK_RETRY_DELAYS_MS;
  const sleep = opts.sleep ?? wait;
  const started = Date.now();
  const outcome = (o: Omit<DeliveryOutcome, "durationMs">): DeliveryOutcome => ({ ...o, durationMs: Date.now() - started });
  let u: URL;
  try {
    u = parseOutboundUrl(url, FIELD);
  } catch (e) {
    return outcome({ status: null, ok: false, attempts: 1, error: (e as Error).message });
  }
  for (let attempts = 1; ; attempts++) {
    const timestamp = Math.floor(Date.now() / 1000);
    const signing = secret
      ? webhookHeaders(secret, { id: msg.id, timestamp, body: msg.body })
      : { "webhook-id": msg.id, "webhook-timestamp": String(timestamp) };
    let status: number | null = null;
    let error: string;
    let retry: boolean;
    try {
      status = await postOnce(u, signing, msg.body, opts.allowedHosts, timeoutMs);
      if (status >= 200 && status < 300) return outcome({ status, ok: true, attempts, error: null });
      error = status >= 300 && status < 400 ? `HTTP ${status}: redirects are not followed` : `HTTP ${status}`;
      retry = status === 408 || status === 429 || status >= 500;
    } catch (e) {
      error = (e as Error).name === "TimeoutError" ? `no answer within ${timeoutMs} ms` : (e as Error).message;
      // A refused address stays refused; a name not found (VALIDATION) may resolve on the next try.
      retry = !(e instanceof AppError && e.code === "FORBIDDEN");
    }
    if (!retry || attempts > delays.length) return outcome({ status, ok: false, attempts, error });
    await sleep(delays[attempts - 1]);
  }
}

/** One guarded POST: the answer's status once its headers arrive (the body is drained, unread). */
async function postOnce(u: URL, signing: Record<string, string>, body: string, allowedHosts: string[], timeoutMs: number): Promise<number> {
  const signal = AbortSignal.timeout(timeoutMs);
  const targets = await untilAborted(resolveGuarded(u, { allowedHosts, field: FIELD }), signal);
  return tryAddresses(
    targets,
    (target) =>
      new Promise<number>((resolve, reject) => {
        const req = requestModule(u).request({
          ...pinnedRequestOptions(u, target),
          method: "POST",
          signal,
          headers: {
            host: u.host,
            "content-type": "application/json",
            "content-length": String(Buffer.byteLength(body)),
            "user-agent": "ml-workbench-webhooks",
            ...signing,
          },
        });
        req.on("error", (e) => reject(signal.aborted ? signal.reason : e));
        req.on("response", (res) => {
          res.on("error", () => undefined);
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.end(body);
      }),
  );
}

function untilAborted<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

// ---------------------------------------------------------------------------------------
// Dispatch from the evaluator, and the delivery log

export interface WebhookJob {
  ruleId: string;
  alertId: string | null;
  event: WebhookEvent;
  url: string;
  secret: string | null;
  /** The JSON body, sent as these exact bytes. */
  body: string;
}

/** Deliveries under way in this process (the evaluator does not wait for them). */
const inFlight = new Set<Promise<void>>();

/**
 * Delivers in the background and logs the outcome in `webhook_deliveries`; the allow list is
 * read now, so an administrator's change applies to the next delivery. Never throws.
 */
export function dispatchWebhook(job: WebhookJob, opts: Partial<DeliveryOptions> = {}): void {
  const id = newId("msg");
  const at = new Date();
  const run = async () => {
    try {
      const allowedHosts = opts.allowedHosts ?? getSettings().webhookAllowedHosts;
      const o = await deliverWebhook(job.url, job.secret, { id, body: job.body }, { ...opts, allowedHosts });
      if (!o.ok) console.error(`[alerts] webhook ${job.url} (rule ${job.ruleId}) failed after ${o.attempts} attempt(s): ${o.error}`);
      recordDelivery({
        id,
        ruleId: job.ruleId,
        alertId: job.alertId,
        event: job.event,
        url: job.url,
        status: o.status,
        ok: o.ok,
        attempts: o.attempts,
        error: o.error,
        durationMs: o.durationMs,
        at,
      });
    } catch (e) {
      console.error(`[alerts] webhook delivery for rule ${job.ruleId} could not be logged`, e);
    }
  };
  const p = run().finally(() => inFlight.delete(p));
  inFlight.add(p);
}

/** Resolves once every delivery dispatched so far in this process has been logged. */
export async function settleWebhookDeliveries(): Promise<void> {
  while (inFlight.size) await Promise.all([...inFlight]);
}

/** Stores a finished delivery, unless its rule was deleted meanwhile; keeps the newest KEPT_DELIVERIES per rule. */
export function recordDelivery(row: WebhookDeliveryRow): void {
  getDb().transaction((tx) => {
    if (!tx.select({ id: alertRules.id }).from(alertRules).where(eq(alertRules.id, row.ruleId)).get()) return;
    tx.insert(webhookDeliveries).values(row).run();
    const newest = tx
      .select({ id: webhookDeliveries.id })
      .from(webhookDeliveries)
      .where(eq(webhookDeliveries.ruleId, row.ruleId))
      .orderBy(desc(webhookDeliveries.at))
      .limit(KEPT_DELIVERIES);
    tx.delete(webhookDeliveries)
      .where(and(eq(webhookDeliveries.ruleId, row.ruleId), notInArray(webhookDeliveries.id, newest)))
      .run();
  });
}

/** A rule's latest deliveries, newest first. */
export function listDeliveries(ruleId: string, limit = LISTED_DELIVERIES): WebhookDelivery[] {
  return getDb()
    .select()
    .from(webhookDeliveries)
    .where(eq(webhookDeliveries.ruleId, ruleId))
    .orderBy(desc(webhookDeliveries.at))
    .limit(limit)
    .all()
    .map((d) => ({
      id: d.id,
      alertId: d.alertId,
      event: d.event,
      status: d.status,
      ok: d.ok,
      attempts: d.attempts,
      error: d.error,
      durationMs: d.durationMs,
      at: d.at.toISOString(),
    }));
}
