/** Alerts: an error-rate rule fires on bad requests and resolves on good ones, posting both to a local webhook receiver. */
import { expectJson, expectProblem, getProject } from "./helpers";
import { deploy, expect, ROWS, score, test } from "./endpoint-helpers";
import { allowWebhookHost, receiver } from "./webhook-helpers";

interface Alert {
  id: string;
  ruleId: string;
  endpoint: string;
  kind: string;
  state: "firing" | "resolved";
  value: number | null;
  firedAt: string;
  resolvedAt: string | null;
}

interface Hook {
  rule: { id: string; kind: string };
  state: string;
  value: number;
  endpoint: string;
  at: string;
}

test("an errorRate rule fires on bad requests, resolves on good ones, and tells its webhook both times", async ({ request, regression }) => {
  const hook = await receiver();
  // The receiver is on loopback: an administrator allows its host for webhooks.
  const disallow = await allowWebhookHost(request, hook.host);
  const hooks = () => hook.received.map((r) => JSON.parse(r.body) as Hook);
  try {
    const ep = await deploy(request, regression.model.id, {}, "alerts");
    // 3 errors in 33 requests (0.0909) is under it, in 32 (0.09375) not yet: only the last good request can resolve the alert,
    // so the server's own evaluation every 30 s cannot resolve it half-way with another value.
    const threshold = 0.092;
    const rule = await expectJson<{ id: string; kind: string; threshold: number }>(
      await request.post("/api/alerts/rules", { data: { endpoint: ep.name, kind: "errorRate", threshold, windowMinutes: 1, webhookUrl: hook.url } }),
      201,
    );
    expect(rule).toMatchObject({ kind: "errorRate", threshold });
    const alertsOf = async () => (await expectJson<{ items: Alert[] }>(await request.get(`/api/alerts?endpoint=${ep.name}`), 200)).items;

    for (let i = 0; i < 3; i++) expect((await score(request, ep.name, ep.key, { rows: [{ a: "not a number", b: 1, colour: "red" }] })).status()).toBe(422);
    await expect
      .poll(async () => (await expectJson<{ fired: number }>(await request.post("/api/alerts/evaluate"), 200), (await alertsOf()).map((a) => a.state)))
      .toEqual(["firing"]);
    const [firing] = await alertsOf();
    expect(firing).toMatchObject({ ruleId: rule.id, kind: "errorRate", value: 1, resolvedAt: null });
    await expect.poll(() => hooks().map((h) => h.state)).toEqual(["firing"]);
    expect(hooks()[0]).toMatchObject({ rule: { id: rule.id, kind: "errorRate" }, endpoint: ep.name, value: 1 });
    expect((await getProject(request, regression.projectId)).steps.monitor).toBe("attention");

    for (let i = 0; i < 30; i++) expect((await score(request, ep.name, ep.key, { rows: ROWS })).status()).toBe(200);
    // A read that begins after the answers sees every one of them (the request log is written behind them, off the event loop).
    expect(await expectJson(await request.get(`/api/endpoints/${ep.name}/metrics`), 200)).toMatchObject({ requests: 33, errors: 3 });
    await expect.poll(async () => (await request.post("/api/alerts/evaluate"), (await alertsOf()).map((a) => a.state))).toEqual(["resolved"]);
    const [resolved] = await alertsOf();
    expect(resolved.id).toBe(firing.id);
    expect(Date.parse(resolved.resolvedAt!)).toBeGreaterThanOrEqual(Date.parse(resolved.firedAt));
    await expect.poll(() => hooks().map((h) => h.state)).toEqual(["firing", "resolved"]);
    expect(hooks()[1].value).toBeCloseTo(3 / 33, 5);
    expect((await getProject(request, regression.projectId)).steps.monitor).not.toBe("attention");
    expect((await expectJson<{ items: Alert[] }>(await request.get(`/api/alerts?state=firing&endpoint=${ep.name}`), 200)).items).toEqual([]);
  } finally {
    await disallow();
    await hook.close();
  }
});

test("a dataQuality rule fires on refused rows with mistyped cells, which quality counts as type errors", async ({ request, regression }) => {
  const ep = await deploy(request, regression.model.id, {}, "alerts-quality");
  const since = new Date(Date.now() - 1000).toISOString();
  const rule = await expectJson<{ id: string; threshold: number }>(
    await request.post("/api/alerts/rules", { data: { endpoint: ep.name, kind: "dataQuality", threshold: 0.2, windowMinutes: 5 } }),
    201,
  );
  const alertsOf = async () => (await expectJson<{ items: Alert[] }>(await request.get(`/api/alerts?endpoint=${ep.name}`), 200)).items;

  // 6 good rows, then 1 refused row with a text where a number belongs: 1 in 7, under 20 %.
  for (let i = 0; i < 2; i++) expect((await score(request, ep.name, ep.key, { rows: ROWS })).status()).toBe(200);
  expect((await score(request, ep.name, ep.key, { rows: [{ a: "lots", b: 1, colour: "red" }] })).status()).toBe(422);
  await expectJson(await request.post("/api/alerts/evaluate"), 200);
  expect(await alertsOf()).toEqual([]);
  const quality = await expectJson<{ window: { rows: number; rejectedRows: number }; features: { name: string; rows: number; typeErrorRate: number }[] }>(
    await request.get(`/api/endpoints/${ep.name}/quality?since=${encodeURIComponent(since)}`),
    200,
  );
  expect(quality.window).toMatchObject({ rows: 6, rejectedRows: 1 });
  expect(quality.features.find((f) => f.name === "a")).toMatchObject({ rows: 7, typeErrorRate: 1 / 7 });

  // Two more such rows: 3 in 9, over 20 %.
  expect(
    (
      await score(request, ep.name, ep.key, {
        rows: [
          { a: "many", b: 1, colour: "red" },
          { a: "few", b: 1, colour: "blue" },
        ],
      })
    ).status(),
  ).toBe(422);
  await expect.poll(async () => (await request.post("/api/alerts/evaluate"), (await alertsOf()).map((a) => a.state))).toEqual(["firing"]);
  const [firing] = await alertsOf();
  expect(firing).toMatchObject({ ruleId: rule.id, kind: "dataQuality", threshold: 0.2 });
  expect(firing.value).toBeCloseTo(3 / 9, 6);
});

test("alert rules name what is wrong", async ({ request, regression }) => {
  const ep = await deploy(request, regression.model.id, {}, "alerts-bad");
  const post = (data: unknown) => request.post("/api/alerts/rules", { data });
  await expectProblem(await post({ endpoint: "no-such-endpoint-z", kind: "drift", windowMinutes: 5 }), 422, "endpoint");
  await expectProblem(await post({ endpoint: ep.name, kind: "loudness", windowMinutes: 5 }), 422, "kind");
  await expectProblem(await post({ endpoint: ep.name, kind: "errorRate", windowMinutes: 5 }), 422, "threshold");
  await expectProblem(await post({ endpoint: ep.name, kind: "errorRate", threshold: 2, windowMinutes: 5 }), 422, "threshold");
  await expectProblem(await post({ endpoint: ep.name, kind: "dataQuality", windowMinutes: 5 }), 422, "threshold");
  await expectProblem(await post({ endpoint: ep.name, kind: "dataQuality", threshold: 1.5, windowMinutes: 5 }), 422, "threshold");
  await expectProblem(await post({ endpoint: ep.name, kind: "drift", windowMinutes: 0 }), 422, "windowMinutes");
  await expectProblem(await post({ endpoint: ep.name, kind: "drift", windowMinutes: 5, webhookUrl: "ftp://x" }), 422, "webhookUrl");
  // A loopback webhook is refused unless an administrator allows its host (e2e/api/webhooks.spec.ts).
  await expectProblem(await post({ endpoint: ep.name, kind: "drift", windowMinutes: 5, webhookUrl: "http://127.0.0.1:9/none" }), 422, "webhookUrl");
  await expectProblem(await request.get("/api/alerts?state=loud"), 422, "state");
  const rule = await expectJson<{ id: string }>(await post({ endpoint: ep.name, kind: "p99LatencyMs", threshold: 0, windowMinutes: 5 }), 201);
  await score(request, ep.name, ep.key, { rows: ROWS });
  await expectJson(await request.post("/api/alerts/evaluate"), 200);
  const rules = await expectJson<{ items: { id: string }[] }>(await request.get(`/api/alerts/rules?endpoint=${ep.name}`), 200);
  expect(rules.items.map((r) => r.id)).toEqual([rule.id]);
  expect((await request.delete(`/api/alerts/rules/${rule.id}`)).status()).toBe(204);
  await expectProblem(await request.delete(`/api/alerts/rules/${rule.id}`), 404);
});
