import dns from "node:dns";
import type { IncomingHttpHeaders } from "node:http";
import { eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { getDb } from "@/db/client";
import { alertRules, webhookDeliveries } from "@/db/schema";
import { AppError } from "@/lib/shared/errors";
import { newId } from "@/lib/shared/ids";
import { startTestServer, type TestServer } from "@/lib/shared/server/test-http";
import { newWebhookSecret, verifyWebhook } from "./webhook-signature";
import { checkWebhookUrl, deliverWebhook, dispatchWebhook, listDeliveries, recordDelivery, settleWebhookDeliveries, type DeliveryOptions } from "./webhooks";

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

// One receiver on 127.0.0.1; `answers` are the statuses it gives, in order (then 204), "hang" never answers.
let server: TestServer;
let port = 0;
let received: Received[] = [];
let answers: (number | "hang")[] = [];

beforeAll(async () => {
  server = await startTestServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      received.push({ path: req.url ?? "", headers: req.headers, body });
      const answer = answers.shift() ?? 204;
      if (answer === "hang") return;
      res.writeHead(answer, answer >= 300 && answer < 400 ? { location: "http://127.0.0.1:1/elsewhere" } : {}).end();
    });
  });
  port = server.port;
});

afterAll(() => server.close());

beforeEach(() => {
  received = [];
  answers = [];
});

afterEach(() => {
  vi.restoreAllMocks();
});

const SECRET = newWebhookSecret();
const MSG = { id: "msg_unit", body: JSON.stringify({ type: "alert.firing", value: 1 }) };
const hookUrl = () => `http://127.0.0.1:${port}/hook`;

/** Waits recorded instead of made. */
function options(over: Partial<DeliveryOptions> = {}): DeliveryOptions & { waits: number[] } {
  const waits: number[] = [];
  return { allowedHosts: [`127.0.0.1:${port}`], sleep: async (ms) => void waits.push(ms), waits, ...over };
}

describe("deliverWebhook", () => {
  it("posts the body as JSON, signed the Standard Webhooks way, and stops at a 2xx", async () => {
    const opts = options();
    const outcome = await deliverWebhook(hookUrl(), SECRET, MSG, opts);
    expect(outcome).toMatchObject({ status: 204, ok: true, attempts: 1, error: null });
    expect(received).toHaveLength(1);
    const [r] = received;
    expect(r.path).toBe("/hook");
    expect(r.body).toBe(MSG.body);
    expect(r.headers["content-type"]).toBe("application/json");
    expect(r.headers["webhook-id"]).toBe(MSG.id);
    expect(Math.abs(Number(r.headers["webhook-timestamp"]) - Date.now() / 1000)).toBeLessThan(10);
    expect(
      verifyWebhook(SECRET, { id: MSG.id, timestamp: String(r.headers["webhook-timestamp"]), body: r.body, signature: String(r.headers["webhook-signature"]) }),
    ).toBe(true);
    expect(opts.waits).toEqual([]);
  });

  it("retries a 5xx after 1 s and 4 s, under the same webhook-id, each attempt signed", async () => {
    answers = [500, 503];
    const opts = options();
    const outcome = await deliverWebhook(hookUrl(), SECRET, MSG, opts);
    expect(outcome).toMatchObject({ status: 204, ok: true, attempts: 3, error: null });
    expect(opts.waits).toEqual([1000, 4000]);
    expect(received.map((r) => r.headers["webhook-id"])).toEqual([MSG.id, MSG.id, MSG.id]);
    for (const r of received) {
      expect(
        verifyWebhook(SECRET, {
          id: MSG.id,
          timestamp: String(r.headers["webhook-timestamp"]),
          body: r.body,
          signature: String(r.headers["webhook-signature"]),
        }),
      ).toBe(true);
    }
  });

  it("gives up after the last attempt with its status", async () => {
    answers = [500, 500, 502];
    const opts = options();
    expect(await deliverWebhook(hookUrl(), SECRET, MSG, opts)).toMatchObject({ status: 502, ok: false, attempts: 3, error: "HTTP 502" });
    expect(received).toHaveLength(3);
  });

  it("does not retry a 4xx, and does not follow a redirect", async () => {
    answers = [404];
    expect(await deliverWebhook(hookUrl(), SECRET, MSG, options())).toMatchObject({ status: 404, ok: false, attempts: 1 });
    answers = [302];
    received = [];
    const redirected = await deliverWebhook(hookUrl(), SECRET, MSG, options());
    expect(redirected).toMatchObject({ status: 302, ok: false, attempts: 1 });
    expect(redirected.error).toMatch(/redirect/);
    expect(received).toHaveLength(1);
  });

  it("retries 429 and a receiver that does not answer in time", async () => {
    answers = [429, "hang"];
    const outcome = await deliverWebhook(hookUrl(), SECRET, MSG, options({ timeoutMs: 300 }));
    expect(outcome).toMatchObject({ status: 204, ok: true, attempts: 3 });
    answers = ["hang"];
    const timedOut = await deliverWebhook(hookUrl(), SECRET, MSG, options({ timeoutMs: 300, retryDelaysMs: [] }));
    expect(timedOut).toMatchObject({ status: null, ok: false, attempts: 1, error: "no answer within 300 ms" });
  });

  it("retries a refused connection and logs why", async () => {
    const closed = await startTestServer(() => undefined);
    const closedPort = closed.port;
    await closed.close();
    const opts = options({ allowedHosts: [`127.0.0.1:${closedPort}`] });
    const outcome = await deliverWebhook(`http://127.0.0.1:${closedPort}/`, SECRET, MSG, opts);
    expect(outcome).toMatchObject({ status: null, ok: false, attempts: 3 });
    expect(outcome.error).toMatch(/ECONNREFUSED/);
  });

  it("refuses a loopback receiver that is not allow-listed, once, without sending", async () => {
    const outcome = await deliverWebhook(hookUrl(), SECRET, MSG, options({ allowedHosts: [`127.0.0.1:${port + 1}`] }));
    expect(outcome).toMatchObject({ status: null, ok: false, attempts: 1 });
    expect(outcome.error).toMatch(/loopback/);
    expect(received).toHaveLength(0);
  });

  it("checks the address again at delivery: a name that now resolves to loopback is refused", async () => {
    fakeDns("rebind.example", [{ address: "93.184.216.34", family: 4 }]);
    await checkWebhookUrl("http://rebind.example/hook", []);
    fakeDns("rebind.example", [{ address: "127.0.0.1", family: 4 }]);
    const outcome = await deliverWebhook(`http://rebind.example:${port}/hook`, SECRET, MSG, options({ allowedHosts: [] }));
    expect(outcome).toMatchObject({ ok: false, attempts: 1 });
    expect(outcome.error).toMatch(/127\.0\.0\.1 \(loopback\)/);
    expect(received).toHaveLength(0);
  });

  it("sends no signature without a secret", async () => {
    await deliverWebhook(hookUrl(), null, MSG, options());
    expect(received[0].headers["webhook-id"]).toBe(MSG.id);
    expect(received[0].headers["webhook-signature"]).toBeUndefined();
  });
});

/** Makes dns.promises.lookup answer `answers` for `name` (and behave normally otherwise). */
function fakeDns(name: string, found: { address: string; family: number }[]) {
  vi.restoreAllMocks();
  const real = dns.promises.lookup.bind(dns.promises);
  vi.spyOn(dns.promises, "lookup").mockImplementation((async (host: string, o: unknown) =>
    host === name ? found : real(host, o as dns.LookupAllOptions)) as typeof dns.promises.lookup);
}

describe("checkWebhookUrl", () => {
  it.each([
    "http://127.0.0.1:3000/",
    "http://10.0.0.1/",
    "http://[::1]/",
    "http://169.254.169.254/",
    "http://localhost/",
    "http://u:p@example.com/",
    "ftp://example.com/",
  ])("refuses %s with 422 naming webhookUrl", async (url) => {
    const e = await checkWebhookUrl(url, []).then(
      () => null,
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(AppError);
    expect((e as AppError).code).toBe("VALIDATION");
    expect((e as AppError).errors[0]?.field).toBe("webhookUrl");
  });

  it("lets an allow-listed host through", async () => {
    await expect(checkWebhookUrl(hookUrl(), [`127.0.0.1:${port}`])).resolves.toBeUndefined();
  });
});

describe("the delivery log", () => {
  function makeRule(): string {
    const id = newId("alr");
    getDb()
      .insert(alertRules)
      .values({
        id,
        endpointName: "unit-webhooks",
        kind: "drift",
        threshold: null,
        windowMinutes: 5,
        webhookUrl: hookUrl(),
        webhookSecret: SECRET,
        createdAt: new Date(),
      })
      .run();
    return id;
  }
  const delivery = (ruleId: string, at: Date, ok = true) => ({
    id: newId("msg"),
    ruleId,
    alertId: null,
    event: "alert.firing",
    url: hookUrl(),
    status: ok ? 204 : 500,
    ok,
    attempts: ok ? 1 : 3,
    error: ok ? null : "HTTP 500",
    durationMs: 3,
    at,
  });

  it("keeps the newest 100 per rule and lists the newest 10, newest first", () => {
    const ruleId = makeRule();
    const t0 = Date.now();
    for (let i = 0; i < 105; i++) recordDelivery(delivery(ruleId, new Date(t0 + i * 1000), i % 2 === 0));
    expect(getDb().select().from(webhookDeliveries).where(eq(webhookDeliveries.ruleId, ruleId)).all()).toHaveLength(100);
    const listed = listDeliveries(ruleId);
    expect(listed).toHaveLength(10);
    expect(listed[0]).toMatchObject({ status: 204, ok: true, attempts: 1, at: new Date(t0 + 104_000).toISOString() });
    expect(listed[1]).toMatchObject({ status: 500, ok: false, attempts: 3, error: "HTTP 500" });
  });

  it("stores nothing for a rule deleted meanwhile", () => {
    recordDelivery(delivery("alr_gone", new Date()));
    expect(listDeliveries("alr_gone")).toEqual([]);
  });

  it("a dispatched delivery is sent in the background and logged once it is done", async () => {
    const ruleId = makeRule();
    answers = [500];
    dispatchWebhook(
      { ruleId, alertId: "alt_unit", event: "alert.firing", url: hookUrl(), secret: SECRET, body: MSG.body },
      { allowedHosts: [`127.0.0.1:${port}`], retryDelaysMs: [10] },
    );
    expect(listDeliveries(ruleId)).toEqual([]);
    await settleWebhookDeliveries();
    const [logged] = listDeliveries(ruleId);
    expect(logged).toMatchObject({ alertId: "alt_unit", event: "alert.firing", status: 204, ok: true, attempts: 2, error: null });
    expect(received.map((r) => r.headers["webhook-id"])).toEqual([logged.id, logged.id]);
  });
});
