import type { IncomingHttpHeaders } from "node:http";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { getDb } from "@/db/client";
import { alertRules, endpoints } from "@/db/schema";
import { getSettings, updateSettings } from "@/lib/identity/server/settings";
import { AppError } from "@/lib/shared/errors";
import { newId } from "@/lib/shared/ids";
import { startTestServer, type TestServer } from "@/lib/shared/server/test-http";
import { createAlertRule, deleteAlertRule, evaluateAlerts, listAlertRules } from "./alerts";
import { verifyWebhook } from "./webhook-signature";
import { settleWebhookDeliveries } from "./webhooks";

// Every request of the window failed: an errorRate rule fires (the traffic itself is another module's test).
vi.mock("@/lib/monitor/server/traffic", () => ({
  endpointTraffic: () => ({ requests: 4, errors: 4, latencyMs: { p50: null, p95: null, p99: null } }),
}));

let server: TestServer;
let port = 0;
const received: { headers: IncomingHttpHeaders; body: string }[] = [];
const endpoint = `unit-alerts-${newId("x").slice(2)}`;
let hostsBefore: string[] = [];

beforeAll(async () => {
  server = await startTestServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      received.push({ headers: req.headers, body });
      res.writeHead(204).end();
    });
  });
  port = server.port;
  const now = new Date();
  getDb()
    .insert(endpoints)
    .values({ name: endpoint, mode: "realtime", modelId: "mdl_unit", corsOrigins: [], maxRows: 100, createdAt: now, updatedAt: now })
    .run();
  hostsBefore = getSettings().webhookAllowedHosts;
});

afterAll(async () => {
  updateSettings({ webhookAllowedHosts: hostsBefore }, null);
  getDb().delete(endpoints).where(eq(endpoints.name, endpoint)).run();
  await server.close();
});

const rule = (webhookUrl?: string) => ({ endpoint, kind: "errorRate", threshold: 0.5, windowMinutes: 5, ...(webhookUrl ? { webhookUrl } : {}) });

describe("alert rules with a webhook", () => {
  it("refuses a loopback webhook unless its host is allowed in the settings, storing nothing", async () => {
    const e = await createAlertRule(rule(`http://127.0.0.1:${port}/hook`)).then(
      () => null,
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(AppError);
    expect((e as AppError).code).toBe("VALIDATION");
    expect((e as AppError).errors.map((f) => f.field)).toEqual(["webhookUrl"]);
    expect(listAlertRules({ endpoint })).toEqual([]);
  });

  it("answers the secret once, signs each delivery with it, and lists the delivery with the rule", async () => {
    updateSettings({ webhookAllowedHosts: [...hostsBefore, `127.0.0.1:${port}`] }, null);
    const created = await createAlertRule(rule(`http://127.0.0.1:${port}/hook`));
    expect(created.webhookSecret).toMatch(/^whsec_/);
    expect(created).toMatchObject({ hasWebhookSecret: true, deliveries: [] });
    expect(getDb().select().from(alertRules).where(eq(alertRules.id, created.id)).get()?.webhookSecret).toBe(created.webhookSecret);
    const [listed] = listAlertRules({ endpoint });
    expect(listed).not.toHaveProperty("webhookSecret");

    const result = await evaluateAlerts();
    expect(result.fired).toBeGreaterThanOrEqual(1);
    await settleWebhookDeliveries();
    const mine = received.filter((r) => (JSON.parse(r.body) as { rule: { id: string } }).rule.id === created.id);
    expect(mine).toHaveLength(1);
    const [hook] = mine;
    expect(JSON.parse(hook.body)).toMatchObject({ type: "alert.firing", state: "firing", endpoint, value: 1 });
    expect(
      verifyWebhook(created.webhookSecret!, {
        id: String(hook.headers["webhook-id"]),
        timestamp: String(hook.headers["webhook-timestamp"]),
        body: hook.body,
        signature: String(hook.headers["webhook-signature"]),
      }),
    ).toBe(true);
    const [after] = listAlertRules({ endpoint });
    expect(after.deliveries).toHaveLength(1);
    expect(after.deliveries[0]).toMatchObject({ id: hook.headers["webhook-id"], event: "alert.firing", status: 204, ok: true, attempts: 1, error: null });

    deleteAlertRule(created.id);
    expect(listAlertRules({ endpoint })).toEqual([]);
  });

  it("a rule without a webhook has no secret", async () => {
    const created = await createAlertRule(rule());
    expect(created).toMatchObject({ webhookUrl: null, webhookSecret: null, hasWebhookSecret: false, deliveries: [] });
    deleteAlertRule(created.id);
  });
});
