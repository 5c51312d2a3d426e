/**
 * Paths and methods no route serves, on both REST surfaces (/api and /v2): a problem answer naming
 * the path (404) or the methods allowed (405 with `Allow`), never Next's HTML not-found page or its
 * bare 405; the real routes, static and dynamic, still answer for themselves; and a signed-out
 * caller learns no more about an unknown path than about a real one.
 */
import { expect, test, type APIRequestContext } from "@playwright/test";
import { createProject, expectJson, expectProblem, uniq } from "./helpers";
import { examplePath, routeFiles } from "./routes";

/** Paths no route serves: beside, below and above real ones, including below the scoring front's own paths. */
const UNKNOWN: [method: string, path: string][] = [
  ["GET", "/api"],
  ["GET", "/api/no-such-thing/here"],
  ["PATCH", "/api/no-such-thing"],
  ["OPTIONS", "/api/no-such-thing"],
  ["POST", "/api/endpoints/x/nosuch"],
  ["POST", "/api/endpoints/x/score/more"],
  ["GET", "/api/projects/prj_doesnotexist0000/nothing-here"],
  ["GET", "/api/datasets/ds_doesnotexist0000/rows/extra"],
  ["DELETE", "/api/jobs/x/output.csv/more"],
  ["GET", "/v2"],
  ["GET", "/v2/nosuch"],
  ["PUT", "/v2/health"],
  ["DELETE", "/v2/models"],
  ["GET", "/v2/models/x/nosuch"],
  ["POST", "/v2/models/x/infer/extra"],
  ["OPTIONS", "/v2/models/x/infer/extra"],
];

const send = (ctx: APIRequestContext, method: string, path: string) =>
  ctx.fetch(path, { method, maxRedirects: 0, ...(method === "POST" || method === "PUT" || method === "PATCH" ? { data: {} } : {}) });

test("an unknown path under /api or /v2 answers a 404 problem naming the method and path, for every method", async ({ request }) => {
  for (const [method, path] of UNKNOWN) {
    const res = await send(request, method, path);
    const body = await expectProblem(res, 404, "path");
    expect(body.detail, `${method} ${path}`).toContain(`${method} ${path}`);
  }
  // HEAD: the same answer without a body.
  const head = await request.head("/v2/nosuch");
  expect(head.status()).toBe(404);
  expect(head.headers()["content-type"]).toContain("application/problem+json");
  // A trailing slash is Next's redirect to the path without it, which answers like any other.
  const slashed = await request.get("/api/nosuch/");
  expect((await expectProblem(slashed, 404, "path")).detail).toContain("GET /api/nosuch");
});

test("signed out: an unknown /api path is the same 401 as a real route, an unknown /v2 path the 404 real V2 routes give anyone", async ({
  playwright,
  baseURL,
}) => {
  const anonymous = await playwright.request.newContext({ baseURL, extraHTTPHeaders: {} });
  try {
    const real = await expectProblem(await send(anonymous, "GET", "/api/projects"), 401, "authorization");
    for (const [method, path] of UNKNOWN.filter(([, p]) => p.startsWith("/api"))) {
      const body = await expectProblem(await send(anonymous, method, path), 401, "authorization");
      expect(body.detail, `${method} ${path}`).toBe(real.detail);
    }
    // No V2 route asks for a personal credential (health and metadata are public, inference takes an endpoint's key).
    await expectProblem(await send(anonymous, "GET", "/v2/models/no-such-endpoint"), 404);
    for (const [method, path] of UNKNOWN.filter(([, p]) => p.startsWith("/v2"))) {
      const body = await expectProblem(await send(anonymous, method, path), 404, "path");
      expect(body.detail, `${method} ${path}`).toContain(`${method} ${path}`);
    }
    // A HEAD is authorised as its GET: a public route answers it.
    expect((await anonymous.head("/api/health")).status()).toBe(200);
    expect((await anonymous.head("/v2/health/live")).status()).toBe(200);
  } finally {
    await anonymous.dispose();
  }
});

test("real routes still answer for themselves: static, dynamic, their own 404s, and better-auth's catch-all", async ({ request }) => {
  expect(await expectJson(await request.get("/api/health"), 200)).toEqual({ status: "ok" });
  expect(await expectJson(await request.get("/v2/health/live"), 200)).toEqual({ live: true });
  expect(await expectJson(await request.get("/v2/health/ready"), 200)).toEqual({ ready: true });
  const project = await createProject(request, { name: uniq("routes"), task: "regression" });
  expect((await expectJson<{ id: string }>(await request.get(`/api/projects/${project.id}`), 200)).id).toBe(project.id);
  expect(await expectJson<{ items: unknown[] }>(await request.get(`/api/projects/${project.id}/runs`), 200)).toHaveProperty("items");
  // A dynamic route's own 404 says what is missing, not that the route is.
  const missing = await expectProblem(await request.get("/api/projects/prj_doesnotexist0000"), 404);
  expect(missing.detail).not.toContain("No API route");
  const endpoint = await expectProblem(await request.get("/v2/models/no-such-endpoint"), 404);
  expect(endpoint.detail).not.toContain("No API route");
  // A static route beside a dynamic one is its own: `import` is not a model's id.
  expect((await request.get("/api/models/import")).headers().allow).toBe("POST");
  // better-auth's routes are a catch-all of their own, more specific than /api's.
  expect((await request.get("/api/auth/get-session")).status()).toBe(200);
});

test("every route file answers every method: a method it does not serve is a 405 problem with Allow naming those it does, to anyone", async ({
  request,
  playwright,
  baseURL,
}) => {
  const routes = routeFiles();
  expect(routes.length).toBeGreaterThan(50);
  // Next answers a method a route file does not export with a bare 405 (no body, no Allow): each file refuses the rest with otherMethods.
  for (const r of routes)
    expect([...new Set([...r.served, ...r.refused])].filter((m) => m !== "OPTIONS").sort(), r.file).toEqual(["DELETE", "GET", "PATCH", "POST", "PUT"]);
  const refusals = routes.flatMap((r) => r.refused.map((method) => ({ r, method })));
  expect(refusals.length).toBeGreaterThan(100);
  for (const { r, method } of refusals) {
    const path = examplePath(r.pattern);
    const res = await send(request, method, path);
    const body = await expectProblem(res, 405, "method");
    expect(body.detail, `${method} ${path}`).toContain(method);
    expect(res.headers().allow?.split(", ").sort(), `${method} ${path}: Allow`).toEqual(r.served);
  }
  // Before any access check: the route exists, and how to call it is no secret (health, better-auth's routes).
  const anonymous = await playwright.request.newContext({ baseURL, extraHTTPHeaders: {} });
  try {
    for (const [method, path, allow] of [
      ["DELETE", "/api/health", "GET"],
      ["PUT", "/v2/health/live", "GET"],
      ["PUT", "/api/auth/sign-in/email", "GET, POST"],
      ["GET", "/v2/models/x/infer", "POST, OPTIONS"],
    ]) {
      const res = await send(anonymous, method, path);
      await expectProblem(res, 405, "method");
      expect(res.headers().allow, `${method} ${path}`).toBe(allow);
    }
  } finally {
    await anonymous.dispose();
  }
});
