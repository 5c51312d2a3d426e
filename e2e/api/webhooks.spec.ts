/**
 * Alert webhooks: the outbound address guard when a rule is made and again at delivery, the
 * Standard Webhooks signature with the rule's secret (shown once), retries with backoff, and the
 * delivery log shown with each rule.
 */
import { createHmac } from "node:crypto";
import type { APIRequestContext } from "@playwright/test";
import type { WebhookDelivery as Delivery } from "@/lib/monitor/server/webhooks";
import { adminHeaders } from "./auth-helpers";
import { expectJson, expectProblem } from "./helpers";
import { deploy, expect, ROWS, score, test } from "./endpoint-helpers";
import { allowWebhookHost, receiver, type ReceivedHook } from "./webhook-helpers";

interface Rule {
  id: string;
  endpoint: string;
  webhookUrl: string | null;
  hasWebhookSecret: boolean;
  deliveries: Delivery[];
}

interface Alert {
  id: string;
  ruleId: string;
  state: "firing" | "resolved";
}

const rulesOf = async (request: APIRequestContext, endpoint: string) =>
  (await expectJson<{ items: Rule[] }>(await request.get(`/api/alerts/rules?endpoint=${endpoint}`), 200)).items;

/** A p99-latency rule above 0 ms: fires at the first evaluation after one scored request. */
const firingRule = (endpoint: string, webhookUrl: string) => ({ endpoint, kind: "p99LatencyMs", threshold: 0, windowMinutes: 5, webhookUrl });

/** Scores once and evaluates until the endpoint has a firing alert; returns the alerts. */
async function fire(request: APIRequestContext, endpoint: string, key: string): Promise<Alert[]> {
  expect((await score(request, endpoint, key, { rows: ROWS })).status()).toBe(200);
  const alertsOf = async () => (await expectJson<{ items: Alert[] }>(await request.get(`/api/alerts?endpoint=${endpoint}`), 200)).items;
  await expect
    .poll(async () => {
      await expectJson(await request.post("/api/alerts/evaluate"), 200);
      return (await alertsOf()).map((a) => a.state);
    })
    .toContain("firing");
  return alertsOf();
}

/** The Standard Webhooks check, computed here with node:crypto: v1, base64 HMAC-SHA256 of "id.timestamp.body" keyed with the secret's bytes. */
function expectSigned(hook: ReceivedHook, secret: string): void {
  const id = String(hook.headers["webhook-id"]);
  const timestamp = String(hook.headers["webhook-timestamp"]);
  expect(timestamp).toMatch(/^\d+$/);
  expect(Math.abs(Number(timestamp) - hook.receivedAt / 1000)).toBeLessThan(60);
  const key = Buffer.from(secret.slice("whsec_".length), "base64");
  const expected = createHmac("sha256", key).update(`${id}.${timestamp}.${hook.body}`).digest("base64");
  expect(String(hook.headers["webhook-signature"]).split(" ")).toContain(`v1,${expected}`);
  expect(hook.headers["content-type"]).toBe("application/json");
}

test("webhooks to loopback, private, link-local or metadata addresses are refused, naming webhookUrl, and nothing is stored", async ({
  request,
  regression,
  baseURL,
}) => {
  const ep = await deploy(request, regression.model.id, {}, "hooks-refused");
  const port = new URL(baseURL!).port;
  const refused = [
    `http://127.0.0.1:${port}/`,
    "http://10.0.0.1/",
    "http://192.168.1.10/hook",
    "http://172.16.0.1/",
    "http://[::1]/",
    "http://[::ffff:127.0.0.1]/",
    "http://[fd00::1]/",
    "http://[fe80::1]/",
    "http://169.254.169.254/latest/meta-data/",
    "http://0.0.0.0/",
    `http://localhost:${port}/`,
    "http://metadata.google.internal/",
    "http://user:secret@example.com/hook",
  ];
  for (const webhookUrl of refused) await expectProblem(await request.post("/api/alerts/rules", { data: firingRule(ep.name, webhookUrl) }), 422, "webhookUrl");
  expect(await rulesOf(request, ep.name)).toEqual([]);
  // Each attempt is a security event in the audit log, with who tried it.
  const log = await expectJson<{ items: { target: string; outcome: string; actorEmail: string }[] }>(
    await request.get("/api/audit?action=webhook.refused&target=http%3A%2F%2F169.254.169.254%2Flatest%2Fmeta-data%2F", { headers: adminHeaders() }),
    200,
  );
  expect(log.items[0]).toMatchObject({ outcome: "denied", actorEmail: "editor@workbench.test" });
});

test("a firing rule's webhook is signed with the secret shown once, retried after 500s with backoff, and logged with the rule", async ({
  request,
  regression,
}) => {
  const hook = await receiver();
  const disallow = await allowWebhookHost(request, hook.host);
  try {
    const ep = await deploy(request, regression.model.id, {}, "hooks");
    const created = await expectJson<Rule & { webhookSecret: string }>(await request.post("/api/alerts/rules", { data: firingRule(ep.name, hook.url) }), 201);
    expect(created).toMatchObject({ webhookUrl: hook.url, hasWebhookSecret: true, deliveries: [] });
    expect(created.webhookSecret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(Buffer.from(created.webhookSecret.slice("whsec_".length), "base64").length).toBeGreaterThanOrEqual(24);
    // Shown this once: the list has no secret.
    const [listed] = await rulesOf(request, ep.name);
    expect(listed).toMatchObject({ id: created.id, hasWebhookSecret: true, deliveries: [] });
    expect(listed).not.toHaveProperty("webhookSecret");
    expect(JSON.stringify(await rulesOf(request, ep.name))).not.toContain(created.webhookSecret.slice("whsec_".length));

    hook.answers.push(500, 500);
    const started = Date.now();
    const alerts = await fire(request, ep.name, ep.key);
    const firing = alerts.find((a) => a.state === "firing")!;
    expect(firing.ruleId).toBe(created.id);

    await expect.poll(() => hook.received.length).toBe(3);
    const [first, second, third] = hook.received;
    // The same message each time, each attempt signed; waits of about 1 s, then 4 s.
    expect(new Set(hook.received.map((h) => h.headers["webhook-id"])).size).toBe(1);
    for (const h of hook.received) expectSigned(h, created.webhookSecret);
    expect(second.receivedAt - first.receivedAt).toBeGreaterThanOrEqual(900);
    expect(third.receivedAt - second.receivedAt).toBeGreaterThanOrEqual(3900);
    expect(JSON.parse(third.body)).toMatchObject({
      type: "alert.firing",
      alertId: firing.id,
      state: "firing",
      endpoint: ep.name,
      rule: { id: created.id, kind: "p99LatencyMs" },
    });
    // Another secret does not verify.
    const other = createHmac("sha256", Buffer.from("another secret"))
      .update(`${first.headers["webhook-id"]}.${first.headers["webhook-timestamp"]}.${first.body}`)
      .digest("base64");
    expect(String(first.headers["webhook-signature"])).not.toContain(other);

    await expect.poll(async () => (await rulesOf(request, ep.name))[0].deliveries.length).toBe(1);
    const [delivery] = (await rulesOf(request, ep.name))[0].deliveries;
    expect(delivery).toMatchObject({
      id: first.headers["webhook-id"],
      alertId: firing.id,
      event: "alert.firing",
      status: 204,
      ok: true,
      attempts: 3,
      error: null,
    });
    expect(Date.parse(delivery.at)).toBeGreaterThanOrEqual(started - 1000);
    expect(Date.parse(delivery.at)).toBeLessThanOrEqual(Date.now());
    expect(delivery.durationMs).toBeGreaterThanOrEqual(4900);
  } finally {
    await disallow();
    await hook.close();
  }
});

test("a receiver that keeps failing, redirects, or is no longer allowed gets a failed delivery in the log, never a failed evaluation", async ({
  request,
  regression,
}) => {
  const failing = await receiver();
  const redirecting = await receiver();
  const revoked = await receiver();
  const disallow = [
    await allowWebhookHost(request, failing.host),
    await allowWebhookHost(request, redirecting.host),
    await allowWebhookHost(request, revoked.host),
  ];
  try {
    failing.answers.push(500, 500, 500);
    redirecting.answers.push(302);
    const ep = await deploy(request, regression.model.id, {}, "hooks-failing");
    const post = async (url: string) => expectJson<Rule>(await request.post("/api/alerts/rules", { data: firingRule(ep.name, url) }), 201);
    const failingRule = await post(failing.url);
    const redirectingRule = await post(redirecting.url);
    const revokedRule = await post(revoked.url);
    // The administrator takes the host off the list after the rule was made: the delivery is checked again, and refused.
    await disallow.pop()!();

    await fire(request, ep.name, ep.key);
    const deliveryOf = async (ruleId: string) => (await rulesOf(request, ep.name)).find((r) => r.id === ruleId)!.deliveries[0];
    await expect.poll(async () => (await deliveryOf(failingRule.id))?.attempts).toBe(3);
    expect(await deliveryOf(failingRule.id)).toMatchObject({ event: "alert.firing", status: 500, ok: false, attempts: 3, error: "HTTP 500" });
    expect(failing.received).toHaveLength(3);

    await expect.poll(async () => (await deliveryOf(redirectingRule.id))?.attempts).toBe(1);
    const redirected = await deliveryOf(redirectingRule.id);
    expect(redirected).toMatchObject({ status: 302, ok: false, attempts: 1 });
    expect(redirected.error).toMatch(/redirect/i);
    expect(redirecting.received).toHaveLength(1);

    await expect.poll(async () => (await deliveryOf(revokedRule.id))?.attempts).toBe(1);
    const refused = await deliveryOf(revokedRule.id);
    expect(refused).toMatchObject({ status: null, ok: false, attempts: 1 });
    expect(refused.error).toMatch(/loopback/);
    expect(revoked.received).toHaveLength(0);
  } finally {
    for (const undo of disallow) await undo();
    await Promise.all([failing.close(), redirecting.close(), revoked.close()]);
  }
});
