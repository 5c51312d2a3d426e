import { createHash } from "node:crypto";
import type { APIResponse } from "@playwright/test";
import { createProject, expectJson, expectProblem, raw, sendChunked, uniq, upload } from "./helpers";
import {
  bearer,
  deploy,
  endpointName,
  expect,
  expectScored,
  infer,
  register,
  ROWS,
  score,
  test,
  trainRun,
  type Deployed,
  type EndpointBody,
  type V2Answer,
} from "./endpoint-helpers";

/** Real-time endpoints over HTTP: deploy, keys, version switch and split, bad input, rate limit, CORS, traffic, V2 metadata. */

test("deploy: 201 with an absolute url and both keys once; GET shows key prefixes only; names and models are checked", async ({
  request,
  regression,
  baseURL,
}) => {
  const name = endpointName("deploy");
  const created = await expectJson<Deployed>(await request.post("/api/endpoints", { data: { name, modelId: regression.model.id } }), 201);
  expect(created.name).toBe(name);
  expect(created.url).toBe(new URL(`/api/endpoints/${name}/score`, baseURL).toString());
  expect(created.mode).toBe("realtime");
  expect(created.model).toEqual({ id: regression.model.id, name: regression.model.name, version: 1 });
  expect(created.split).toBeNull();
  expect(created.key).toMatch(/^\S{20,}$/);
  expect(created.secondaryKey).toMatch(/^\S{20,}$/);
  expect(created.secondaryKey).not.toBe(created.key);
  expect(created.keys.map((k) => k.slot)).toEqual(["primary", "secondary"]);
  expect(created.key.startsWith(created.keys[0].prefix) && created.keys[0].prefix.length < created.key.length - 8).toBe(true);
  expect(created.secondaryKey.startsWith(created.keys[1].prefix)).toBe(true);
  expect(created.inputSchema.map((c) => c.name).sort()).toEqual(["a", "b", "colour"]);

  // Shown once: neither the keys nor their hashes come back.
  const secrets = [created.key, created.secondaryKey].flatMap((k) => [k, createHash("sha256").update(k).digest("hex")]);
  const getRes = await request.get(`/api/endpoints/${name}`);
  const got = await expectJson<EndpointBody & Record<string, unknown>>(getRes, 200);
  const listText = await (await request.get("/api/endpoints")).text();
  for (const text of [JSON.stringify(got), listText]) for (const secret of secrets) expect(text).not.toContain(secret);
  expect(got).not.toHaveProperty("key");
  expect(got).not.toHaveProperty("secondaryKey");
  expect(got.keys.map((k) => Object.keys(k).sort())).toEqual([
    ["createdAt", "prefix", "slot"],
    ["createdAt", "prefix", "slot"],
  ]);
  expect(got.keys.map((k) => k.prefix)).toEqual(created.keys.map((k) => k.prefix));
  expect(got.url).toBe(`/api/endpoints/${name}/score`);
  const list = JSON.parse(listText) as { items: EndpointBody[] };
  expect(list.items.map((e) => e.name)).toContain(name);

  await expectProblem(await request.post("/api/endpoints", { data: { name, modelId: regression.model.id } }), 409, "name");
  for (const bad of ["Has Spaces", "-dash-first", "", "UPPER", "x".repeat(64)]) {
    await expectProblem(await request.post("/api/endpoints", { data: { name: bad, modelId: regression.model.id } }), 422, "name");
  }
  await expectProblem(await request.post("/api/endpoints", { data: { name: endpointName("nomodel"), modelId: "mdl_nope" } }), 422, "modelId");
  await expectProblem(await request.post("/api/endpoints", { data: { name: endpointName("nomodel") } }), 422, "modelId");
  await expectProblem(await request.post("/api/endpoints", { data: { name: endpointName("rows"), modelId: regression.model.id, maxRows: 0 } }), 422, "maxRows");
  // The refused names left nothing behind.
  const after = await expectJson<{ items: EndpointBody[] }>(await request.get("/api/endpoints"), 200);
  expect(after.items.filter((e) => e.name === name)).toHaveLength(1);

  // Any model name serves, whatever its characters (the answer's x-model-version header carries it).
  const fancy = await register(request, regression.runId, uniq("Prévision ✓ 売上"));
  const fancyEp = await deploy(request, fancy.id, {}, "fancy");
  const fancyRes = await score(request, fancyEp.name, fancyEp.key, { rows: ROWS });
  expect((await expectScored(fancyRes)).model).toEqual({ id: fancy.id, name: fancy.name, version: 1 });
  expect(decodeURIComponent(fancyRes.headers()["x-model-version"])).toBe(`${fancy.name}@1`);
  await expectProblem(await score(request, fancyEp.name, fancyEp.key, { rows: [] }), 422, "rows");

  // Deleted: gone from GET and from scoring.
  const del = await request.delete(`/api/endpoints/${name}`);
  expect(del.status()).toBe(204);
  await expectProblem(await request.get(`/api/endpoints/${name}`), 404);
  await expectProblem(await score(request, name, created.key, { rows: ROWS }), 404);
});

test("auth: a missing or wrong key is 401, either key works, a rotated key stops at once, V2 needs the key too", async ({ request, regression }) => {
  const ep = await deploy(request, regression.model.id, {}, "auth");
  const body = { rows: ROWS };
  await expectProblem(await score(request, ep.name, null, body), 401, "authorization");
  await expectProblem(await score(request, ep.name, "wbk_not-a-key-at-all-000000000000", body), 401, "authorization");
  await expectProblem(await score(request, ep.name, null, body, { authorization: ep.key }), 401, "authorization");
  await expectProblem(await score(request, ep.name, null, body, { authorization: `Basic ${ep.key}` }), 401, "authorization");
  await expectScored(await score(request, ep.name, ep.key, body));
  await expectScored(await score(request, ep.name, ep.secondaryKey, body));
  // Another endpoint's key does not open this one.
  const other = await deploy(request, regression.model.id, {}, "auth-other");
  await expectProblem(await score(request, ep.name, other.key, body), 401, "authorization");

  // Rotation takes the secondary by default; clients on the primary keep working.
  const rotated = await expectJson<{ slot: string; key: string; prefix: string }>(await request.post(`/api/endpoints/${ep.name}/keys`, { data: {} }), 201);
  expect(rotated.slot).toBe("secondary");
  expect(rotated.key).not.toBe(ep.secondaryKey);
  expect(rotated.key.startsWith(rotated.prefix)).toBe(true);
  await expectProblem(await score(request, ep.name, ep.secondaryKey, body), 401, "authorization");
  await expectScored(await score(request, ep.name, rotated.key, body));
  await expectScored(await score(request, ep.name, ep.key, body));
  const got = await expectJson<EndpointBody>(await request.get(`/api/endpoints/${ep.name}`), 200);
  expect(got.keys.find((k) => k.slot === "secondary")!.prefix).toBe(rotated.prefix);
  expect(got.keys.find((k) => k.slot === "primary")!.prefix).toBe(ep.keys[0].prefix);

  // A body-less POST rotates the secondary too; a slot that does not exist is refused.
  const again = await expectJson<{ slot: string; key: string }>(await request.post(`/api/endpoints/${ep.name}/keys`), 201);
  expect(again.slot).toBe("secondary");
  await expectProblem(await score(request, ep.name, rotated.key, body), 401, "authorization");
  await expectProblem(await request.post(`/api/endpoints/${ep.name}/keys`, { data: { slot: "tertiary" } }), 422, "slot");
  await expectProblem(await request.post(`/api/endpoints/no-such-endpoint-here/keys`, { data: {} }), 404);

  const primary = await expectJson<{ slot: string; key: string }>(await request.post(`/api/endpoints/${ep.name}/keys`, { data: { slot: "primary" } }), 201);
  expect(primary.slot).toBe("primary");
  await expectProblem(await score(request, ep.name, ep.key, body), 401, "authorization");
  await expectScored(await score(request, ep.name, primary.key, body));
  await expectScored(await score(request, ep.name, again.key, body));

  const v2 = { inputs: [{ name: "input-0", datatype: "BYTES", shape: [1, 3], data: ["0.5", "-1.2", "red"] }] };
  await expectProblem(await infer(request, ep.name, null, v2), 401, "authorization");
  await expectProblem(await infer(request, ep.name, ep.key, v2), 401, "authorization");
  const answer = await expectJson<V2Answer>(await infer(request, ep.name, primary.key, v2), 200);
  expect(answer.outputs[0].shape).toEqual([1]);
});

/** Runs `total` calls of `fn(i)` with at most `concurrency` in flight, in order of i. */
async function pool<T>(total: number, concurrency: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(total);
  let next = 0;
  const worker = async () => {
    while (next < total) {
      const i = next++;
      results[i] = await fn(i);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return results;
}

test.describe("version switch and traffic split", () => {
  test("switching the version under concurrent traffic drops no request; answers after the PATCH come from the new version", async ({
    request,
    regression,
  }) => {
    test.setTimeout(120_000);
    const modelName = uniq("switch model");
    const v1 = await register(request, regression.runId, modelName);
    const v2 = await register(request, regression.runId, modelName);
    expect([v1.version, v2.version]).toEqual([1, 2]);
    const ep = await deploy(request, v1.id, {}, "switch");
    const onV1 = await expectScored(await score(request, ep.name, ep.key, { rows: ROWS }));
    expect(onV1.model.version).toBe(1);

    type Phase = "before" | "during" | "after";
    let phase: Phase = "before";
    let patched: Promise<APIResponse> | undefined;
    const results = await pool(300, 20, async (i) => {
      if (i === 100) {
        phase = "during";
        patched = request.patch(`/api/endpoints/${ep.name}`, { data: { modelId: v2.id } }).then((res) => {
          phase = "after";
          return res;
        });
      }
      // The last 50 wait for the PATCH's answer, so some requests surely start after it.
      if (i >= 250) await patched;
      const startedIn = phase;
      const res = await score(request, ep.name, ep.key, { rows: [ROWS[i % ROWS.length]] });
      const endedIn = phase;
      const text = await res.text();
      const version = res.status() === 200 ? (JSON.parse(text) as { model: { version: number } }).model.version : null;
      return { i, status: res.status(), text, version, header: res.headers()["x-model-version"], startedIn, endedIn };
    });
    const patch = await expectJson<EndpointBody>(await patched!, 200);
    expect(patch.model).toMatchObject({ id: v2.id, version: 2 });

    const failed = results.filter((r) => r.status !== 200);
    expect(failed.map((r) => `${r.i}: ${r.status} ${r.text.slice(0, 200)}`)).toEqual([]);
    const before = results.filter((r) => r.endedIn === "before");
    const after = results.filter((r) => r.startedIn === "after");
    expect(before.length).toBeGreaterThanOrEqual(50);
    expect(after.length).toBeGreaterThanOrEqual(50);
    expect(new Set(before.map((r) => r.version))).toEqual(new Set([1]));
    expect(new Set(after.map((r) => r.version))).toEqual(new Set([2]));
    for (const r of results) expect(r.header).toBe(`${modelName}@${r.version}`);
    // The same weights under a new version number: the answers do not change.
    const answers = await expectScored(await score(request, ep.name, ep.key, { rows: ROWS }));
    expect(answers.model).toEqual({ id: v2.id, name: modelName, version: 2 });
    expect(answers.predictions).toEqual(onV1.predictions);

    // A traffic split: half the requests go to v1, the rest stay on the main version, until it ends.
    const split = await expectJson<EndpointBody>(await request.patch(`/api/endpoints/${ep.name}`, { data: { split: { modelId: v1.id, percent: 50 } } }), 200);
    expect(split.model.version).toBe(2);
    expect(split.split).toMatchObject({ model: { id: v1.id, version: 1 }, percent: 50 });
    const mixed = await pool(200, 20, async () => (await expectScored(await score(request, ep.name, ep.key, { rows: [ROWS[0]] }))).model.version);
    const ones = mixed.filter((v) => v === 1).length;
    const twos = mixed.filter((v) => v === 2).length;
    expect(ones + twos).toBe(200);
    expect(ones).toBeGreaterThanOrEqual(40);
    expect(twos).toBeGreaterThanOrEqual(40);

    const ended = await expectJson<EndpointBody>(await request.patch(`/api/endpoints/${ep.name}`, { data: { split: null } }), 200);
    expect(ended.split).toBeNull();
    expect((await expectJson<EndpointBody>(await request.get(`/api/endpoints/${ep.name}`), 200)).split).toBeNull();
    const only = await pool(40, 10, async () => (await expectScored(await score(request, ep.name, ep.key, { rows: [ROWS[1]] }))).model.version);
    expect(new Set(only)).toEqual(new Set([2]));

    await expectProblem(await request.patch(`/api/endpoints/${ep.name}`, { data: { modelId: "mdl_nope" } }), 422, "modelId");
    await expectProblem(await request.patch(`/api/endpoints/${ep.name}`, { data: { split: { modelId: "mdl_nope", percent: 10 } } }), 422, "split.modelId");
    await expectProblem(await request.patch(`/api/endpoints/${ep.name}`, { data: { split: { modelId: v1.id, percent: 101 } } }), 422, "split.percent");
    expect((await expectJson<EndpointBody>(await request.get(`/api/endpoints/${ep.name}`), 200)).model.version).toBe(2);
  });
});

test("bad input is a problem naming the field, never a 500, and changes nothing stored", async ({ request, regression, baseURL }) => {
  const ep = await deploy(request, regression.model.id, { maxRows: 5 }, "bad");
  expect(ep.maxRows).toBe(5);
  const before = await expectJson<EndpointBody>(await request.get(`/api/endpoints/${ep.name}`), 200);
  const post = (data: unknown, headers: Record<string, string> = {}) => score(request, ep.name, ep.key, data, headers);
  const json = { "content-type": "application/json" };

  await expectProblem(await post(raw("{not json"), json), [400, 422], "body");
  await expectProblem(await post(raw(""), json), [400, 422], "body");
  await expectProblem(await post([ROWS[0]]), 422, "body");
  await expectProblem(await post({}), 422, "body");
  await expectProblem(await post({ rows: [] }), 422, "rows");
  await expectProblem(await post({ rows: "x" }), 422, "rows");
  await expectProblem(await post({ rows: [ROWS[0], 7] }), 422, "rows[1]");
  await expectProblem(await post({ rows: ROWS, extra: true }), 422, "extra");
  await expectProblem(await post({ rows: ROWS, dataframe_records: ROWS }), 422, "dataframe_records");
  await expectProblem(await post({ rows: [{ b: 1, colour: "red" }] }), 422, "rows[0].a");
  await expectProblem(await post({ rows: [ROWS[0], { ...ROWS[1], a: "lots" }] }), 422, "rows[1].a");
  await expectProblem(await post({ rows: [{ ...ROWS[0], b: { nested: 1 } }] }), 422, "rows[0].b");
  await expectProblem(await post({ rows: [{ ...ROWS[0], b: [1, 2] }] }), 422, "rows[0].b");
  // A missing value the recipe does not impute (it has no impute step for a).
  await expectProblem(await post({ rows: [ROWS[0], { ...ROWS[1], a: null }] }), 422, "rows[1].a");
  await expectProblem(await post({ instances: [{ ...ROWS[0], a: "NA" }] }), 422, "instances[0].a");
  await expectProblem(await post({ dataframe_records: [{ b: 1, colour: "red" }] }), 422, "dataframe_records[0].a");
  await expectProblem(await post({ dataframe_split: { columns: ["a", "b", "colour"], data: [[1, 2]] } }), 422, "dataframe_split.data[0]");
  await expectProblem(await post({ dataframe_split: { columns: ["a", "b", "colour"], data: [[1, "x", "red"]] } }), 422, "dataframe_split.data[0].b");
  await expectProblem(await post(raw("a,b,colour\n1,2\n"), { "content-type": "text/csv" }), 422, "rows[0]");
  await expectProblem(await post(raw("a,b,colour\n1,2,red\n"), { "content-type": "text/plain" }), 415, "content-type");
  await expectProblem(await post(raw("<rows/>"), { "content-type": "application/xml" }), 415, "content-type");
  await expectProblem(await post({ rows: Array.from({ length: 6 }, (_, i) => ROWS[i % 3]) }), 413, "rows");
  const sixCsv = ["a,b,colour", ...Array.from({ length: 6 }, () => "1,2,red")].join("\n");
  await expectProblem(await post(raw(sixCsv), { "content-type": "text/csv" }), 413, "rows");

  // Over 8 MiB, sent in chunks without a content-length: the server finds out while reading.
  const chunk = Buffer.alloc(1024 * 1024, " ");
  const big = await sendChunked(baseURL!, `/api/endpoints/${ep.name}/score`, "POST", { ...bearer(ep.key), "content-type": "application/json" }, [
    '{"rows": [',
    ...Array.from({ length: 9 }, () => chunk),
    "]}",
  ]);
  expect(big.status, big.body.slice(0, 300)).toBe(413);
  expect(big.contentType).toContain("application/problem+json");
  expect(JSON.parse(big.body).errors.map((e: { field: string }) => e.field)).toContain("body");

  // V2 requests: the same checks, named by tensor.
  const tensor = (over: Record<string, unknown>) => ({ inputs: [{ name: "a", datatype: "FP64", shape: [3], data: [1, 2, 3], ...over }] });
  await expectProblem(await infer(request, ep.name, ep.key, tensor({ data: [1, 2] })), 422, "inputs[0].data");
  await expectProblem(await infer(request, ep.name, ep.key, tensor({ shape: [2, 2] })), 422, /^inputs\[0\]\.(data|shape)$/);
  await expectProblem(await infer(request, ep.name, ep.key, tensor({ datatype: "FP128" })), 422, "inputs[0].datatype");
  await expectProblem(await infer(request, ep.name, ep.key, tensor({ data: ["x", "y", "z"] })), 422, "inputs[0].data");
  await expectProblem(await infer(request, ep.name, ep.key, tensor({ shape: [6], data: [1, 2, 3, 4, 5, 6] })), 413, "inputs[0].shape");
  await expectProblem(await infer(request, ep.name, ep.key, { inputs: [] }), 422, "inputs");
  await expectProblem(await infer(request, ep.name, ep.key, { instances: ROWS }), 422, "instances");
  // Only column a: b and colour are missing.
  await expectProblem(await infer(request, ep.name, ep.key, tensor({})), 422, /^inputs\[0\]\.(b|colour)$/);
  await expectProblem(await request.post(`/v2/models/${ep.name}/infer`, { headers: { ...bearer(ep.key), ...json }, data: raw("{") }), [400, 422], "body");

  // Unknown endpoints are 404 on every path.
  const nobody = "no-such-endpoint";
  await expectProblem(await score(request, nobody, ep.key, { rows: ROWS }), 404);
  await expectProblem(await infer(request, nobody, ep.key, tensor({})), 404);
  await expectProblem(await request.get(`/api/endpoints/${nobody}`), 404);
  await expectProblem(await request.patch(`/api/endpoints/${nobody}`, { data: { maxRows: 10 } }), 404);
  await expectProblem(await request.delete(`/api/endpoints/${nobody}`), 404);

  // Bad PATCH bodies are refused as a whole.
  await expectProblem(await request.patch(`/api/endpoints/${ep.name}`, { data: { maxRows: 0 } }), 422, "maxRows");
  await expectProblem(await request.patch(`/api/endpoints/${ep.name}`, { data: { corsOrigins: ["not an origin"] } }), 422, "corsOrigins.0");
  await expectProblem(await request.patch(`/api/endpoints/${ep.name}`, { data: { maxRows: 10, name: "renamed" } }), 422, "name");

  // Nothing stored changed, and the endpoint still scores.
  expect(await expectJson<EndpointBody>(await request.get(`/api/endpoints/${ep.name}`), 200)).toEqual(before);
  const ok = await expectScored(await post({ rows: ROWS.slice(0, 2) }));
  expect(ok.predictions).toHaveLength(2);
});

test("rate limit per key answers 429 naming authorization; CORS allows only the listed origins", async ({ request, regression }) => {
  const ep = await deploy(request, regression.model.id, {}, "limits");
  const body = { rows: [ROWS[0]] };

  const limited = await expectJson<EndpointBody>(await request.patch(`/api/endpoints/${ep.name}`, { data: { rateLimitPerMinute: 3 } }), 200);
  expect(limited.rateLimitPerMinute).toBe(3);
  for (let i = 0; i < 3; i++) await expectScored(await score(request, ep.name, ep.key, body));
  const refused = await expectProblem(await score(request, ep.name, ep.key, body), 429, "authorization");
  expect(refused.detail).toMatch(/3 requests a minute/);
  // The limit is per key: the secondary has its own three.
  await expectScored(await score(request, ep.name, ep.secondaryKey, body));
  await expectJson(await request.patch(`/api/endpoints/${ep.name}`, { data: { rateLimitPerMinute: null } }), 200);
  await expectScored(await score(request, ep.name, ep.key, body));

  const shop = "https://shop.example";
  const preflight = (origin: string) =>
    request.fetch(`/api/endpoints/${ep.name}/score`, {
      method: "OPTIONS",
      headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "authorization, content-type" },
    });
  // No origin is allowed until the endpoint lists it.
  expect((await preflight(shop)).headers()["access-control-allow-origin"]).toBeUndefined();
  const withCors = await expectJson<EndpointBody>(await request.patch(`/api/endpoints/${ep.name}`, { data: { corsOrigins: [shop] } }), 200);
  expect(withCors.corsOrigins).toEqual([shop]);

  const allowed = await preflight(shop);
  expect(allowed.status()).toBe(204);
  expect(allowed.headers()["access-control-allow-origin"]).toBe(shop);
  expect(allowed.headers()["access-control-allow-methods"]).toContain("POST");
  expect(allowed.headers()["access-control-allow-headers"]).toContain("authorization");
  const v2Preflight = await request.fetch(`/v2/models/${ep.name}/infer`, {
    method: "OPTIONS",
    headers: { origin: shop, "access-control-request-method": "POST" },
  });
  expect(v2Preflight.headers()["access-control-allow-origin"]).toBe(shop);

  const stranger = await preflight("https://evil.example");
  expect(stranger.status()).not.toBe(204);
  expect(stranger.headers()["access-control-allow-origin"]).toBeUndefined();

  const fromShop = await score(request, ep.name, ep.key, body, { origin: shop });
  await expectScored(fromShop);
  expect(fromShop.headers()["access-control-allow-origin"]).toBe(shop);
  expect(fromShop.headers()["access-control-expose-headers"]).toContain("x-request-id");
  // A refused request from the shop still carries the header, so its page can read the problem.
  const unauthorized = await score(request, ep.name, null, body, { origin: shop });
  expect(unauthorized.status()).toBe(401);
  expect(unauthorized.headers()["access-control-allow-origin"]).toBe(shop);
  const fromStranger = await score(request, ep.name, ep.key, body, { origin: "https://evil.example" });
  expect(fromStranger.headers()["access-control-allow-origin"]).toBeUndefined();
});

test("traffic: scored and refused requests are counted, with latency percentiles, a series and versions", async ({ request, regression }) => {
  const ep = await deploy(request, regression.model.id, {}, "traffic");
  const scored = 6;
  for (let i = 0; i < scored; i++) await expectScored(await score(request, ep.name, i % 2 ? ep.key : ep.secondaryKey, { rows: ROWS }));
  await expectProblem(await score(request, ep.name, null, { rows: ROWS }), 401);
  await expectProblem(await score(request, ep.name, "wbk_wrong", { rows: ROWS }), 401);
  await expectProblem(await score(request, ep.name, ep.key, { rows: [] }), 422);
  await expectProblem(await infer(request, ep.name, ep.key, { inputs: [] }), 422);
  const refused = 4;

  interface Traffic {
    requests: number;
    errors: number;
    rows: number;
    latencyMs: { p50: number; p95: number; p99: number };
    series: { start: string; requests: number; errors: number }[];
    byVersion: { modelId: string; version: number; requests: number }[];
  }
  const t = await expectJson<Traffic>(await request.get(`/api/endpoints/${ep.name}/metrics`), 200);
  expect(t.requests).toBe(scored + refused);
  expect(t.errors).toBe(refused);
  expect(t.rows).toBe(scored * ROWS.length);
  const { p50, p95, p99 } = t.latencyMs;
  for (const p of [p50, p95, p99]) expect(typeof p === "number" && p > 0).toBe(true);
  expect(p50).toBeLessThanOrEqual(p95);
  expect(p95).toBeLessThanOrEqual(p99);
  expect(t.series.length).toBeGreaterThan(0);
  expect(t.series.reduce((sum, s) => sum + s.requests, 0)).toBe(t.requests);
  expect(t.series.reduce((sum, s) => sum + s.errors, 0)).toBe(t.errors);
  expect(t.byVersion).toEqual([{ modelId: regression.model.id, version: 1, requests: scored }]);

  // A window in the past holds none of it; epoch milliseconds work as well as ISO.
  const past = await expectJson<Traffic>(await request.get(`/api/endpoints/${ep.name}/metrics?since=2020-01-01T00:00:00Z&until=${Date.UTC(2020, 0, 2)}`), 200);
  expect(past.requests).toBe(0);
  expect(past.latencyMs.p50).toBeNull();
  await expectProblem(await request.get(`/api/endpoints/${ep.name}/metrics?since=yesterday-ish`), 422, "since");
  await expectProblem(await request.get(`/api/endpoints/${ep.name}/metrics?until=not-a-time`), 422, "until");
  await expectProblem(await request.get(`/api/endpoints/${ep.name}/metrics?since=2024-02-01T00:00:00Z&until=2024-01-01T00:00:00Z`), 422, "since");
  await expectProblem(await request.get(`/api/endpoints/no-such-endpoint/metrics`), 404);
});

test("V2 health and model metadata: one input per column with its datatype, the outputs, readiness, 404 for unknown", async ({ request }) => {
  test.setTimeout(180_000);
  expect(await expectJson(await request.get("/v2/health/live"), 200)).toEqual({ live: true });
  expect(await expectJson(await request.get("/v2/health/ready"), 200)).toEqual({ ready: true });

  // One column of each V2 datatype: number → FP64, integer → INT64, boolean → BOOL, category → BYTES.
  const lines = ["x,count,member,tier,y"];
  for (let i = 0; i < 60; i++)
    lines.push(`${(i * 0.37).toFixed(2)},${i % 7},${i % 3 === 0 ? "true" : "false"},${["gold", "silver"][i % 2]},${(i * 0.5 + (i % 7)).toFixed(2)}`);
  const ds = await upload(request, uniq("typed columns"), lines.join("\n") + "\n");
  expect(Object.fromEntries(ds.columns.map((c) => [c.name, c.type]))).toMatchObject({ x: "number", count: "integer", member: "boolean", tier: "category" });
  const project = await createProject(request, { name: uniq("v2 metadata"), task: "regression", datasetId: ds.id, target: "y" });
  await expectJson(
    await request.put(`/api/projects/${project.id}/recipe`, {
      data: { datasetId: ds.id, target: "y", steps: [{ op: "onehot", columns: ["tier"] }], split: { method: "random", validation: 0.2, seed: 1 } },
    }),
    201,
  );
  const run = await trainRun(request, project.id, "linear", { epochs: 3 });
  const model = await register(request, run.id);
  const ep = await deploy(request, model.id, {}, "v2meta");

  interface Meta {
    name: string;
    versions: string[];
    inputs: { name: string; datatype: string; shape: number[] }[];
    outputs: { name: string; datatype: string; shape: number[] }[];
  }
  const meta = await expectJson<Meta>(await request.get(`/v2/models/${ep.name}`), 200);
  expect(meta.name).toBe(ep.name);
  expect(meta.versions).toEqual(["1"]);
  expect(Object.fromEntries(meta.inputs.map((i) => [i.name, i.datatype]))).toEqual({ x: "FP64", count: "INT64", member: "BOOL", tier: "BYTES" });
  for (const input of meta.inputs) expect(input.shape).toEqual([-1]);
  expect(meta.outputs).toEqual([{ name: "prediction", datatype: "FP64", shape: [-1] }]);
  expect(await expectJson(await request.get(`/v2/models/${ep.name}/ready`), 200)).toMatchObject({ ready: true });

  // A request built from the metadata is scored.
  const values: Record<string, unknown[]> = { x: [1.5, 2.5], count: [3, 4], member: [true, false], tier: ["gold", "bronze"] };
  const answer = await expectJson<V2Answer>(
    await infer(request, ep.name, ep.key, {
      id: "my-request-1",
      inputs: meta.inputs.map(({ name, datatype }) => ({ name, datatype, shape: [2], data: values[name] })),
    }),
    200,
  );
  expect(answer.id).toBe("my-request-1");
  expect(answer.outputs[0]).toMatchObject({ name: "prediction", shape: [2] });
  for (const v of answer.outputs[0].data) expect(Number.isFinite(v)).toBe(true);
  // The same rows through the native path agree.
  const native = await expectScored(
    await score(request, ep.name, ep.key, {
      rows: [0, 1].map((i) => Object.fromEntries(Object.entries(values).map(([k, v]) => [k, v[i]]))),
    }),
  );
  expect(native.predictions).toEqual(answer.outputs[0].data);

  await expectProblem(await request.get("/v2/models/no-such-endpoint"), 404);
  await expectProblem(await request.get("/v2/models/no-such-endpoint/ready"), 404);
});
