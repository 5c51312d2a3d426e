import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { AppError } from "@/lib/shared/errors";
import { frontRoute, serveFront } from "./front";

describe("frontRoute", () => {
  it("takes POST scoring in both protocols and job submission, with the endpoint's name decoded", () => {
    expect(frontRoute("POST", "/api/endpoints/web-shop/score")).toEqual({ name: "web-shop", route: "score" });
    expect(frontRoute("POST", "/api/endpoints/web-shop/score?k=3")).toEqual({ name: "web-shop", route: "score" });
    expect(frontRoute("POST", "/v2/models/oj%2Dsales/infer")).toEqual({ name: "oj-sales", route: "infer" });
    expect(frontRoute("POST", "/api/endpoints/oj-weekly/jobs")).toEqual({ name: "oj-weekly", route: "jobs" });
  });

  it("leaves every other method, path and undecodable name to Next", () => {
    for (const [method, url] of [
      ["GET", "/api/endpoints/web-shop/score"],
      ["OPTIONS", "/api/endpoints/web-shop/score"],
      ["POST", "/api/endpoints/web-shop/score/"],
      ["GET", "/api/endpoints/web-shop/jobs"],
      ["POST", "/api/endpoints/web-shop/keys"],
      ["POST", "/api/endpoints/a/b/score"],
      ["POST", "/api/endpoints//score"],
      ["POST", "/v2/models/web-shop/ready"],
      ["POST", "/v2/models/%E0%A4%A/infer"],
      ["POST", "/xapi/endpoints/web-shop/score"],
    ] as const) {
      expect(frontRoute(method, url), `${method} ${url}`).toBeNull();
    }
  });
});

describe("AppError across module copies", () => {
  it("is an AppError to every copy of the module, so a validation error from a predictor another copy compiled stays a 4xx", async () => {
    vi.resetModules();
    const other = await import("@/lib/shared/errors");
    expect(other.AppError).not.toBe(AppError);
    const foreign = new other.AppError("VALIDATION", "x", [{ field: "rows[0].a", message: "x" }]);
    expect(foreign instanceof AppError).toBe(true);
    expect(new AppError("NOT_FOUND", "y") instanceof other.AppError).toBe(true);
    expect(new Error("z") instanceof AppError).toBe(false);
    expect(AppError[Symbol.hasInstance](null)).toBe(false);
  });
});

describe("serveFront over HTTP", () => {
  // An unknown endpoint goes the whole way through the front (headers, body, score, problem answer) without a model.
  let server: http.Server;
  let origin: string;
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      if (serveFront(req, res)) return;
      res.writeHead(418).end("next");
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it("answers scoring and job requests itself, as problems naming what is wrong; other requests pass on", async () => {
    const unknown = await fetch(`${origin}/api/endpoints/no-such-endpoint/score`, { method: "POST", body: "{}", headers: { authorization: "Bearer x" } });
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get("content-type")).toBe("application/problem+json");
    expect(unknown.headers.get("x-request-id")).toMatch(/^req_/);
    expect((await unknown.json()).detail).toContain("no-such-endpoint");
    const job = await fetch(`${origin}/api/endpoints/no-such-endpoint/jobs`, { method: "POST", body: "a,b\n1,2\n", headers: { "content-type": "text/csv" } });
    expect(job.status).toBe(404);
    expect(job.headers.get("content-type")).toBe("application/problem+json");
    const passed = await fetch(`${origin}/api/endpoints/no-such-endpoint/score`);
    expect(passed.status).toBe(418);
  });

  it("answers a path that does not percent-decode with a 400 naming path, whatever the route (Next's answer is a bare 500)", async () => {
    for (const [method, path] of [
      ["GET", "/api/projects/%E0%A4%A"],
      ["POST", "/v2/models/%E0%A4%A/infer"],
      ["DELETE", "/%ZZ?x=1"],
    ]) {
      const res = await fetch(`${origin}${path}`, { method });
      expect(res.status, `${method} ${path}`).toBe(400);
      expect(res.headers.get("content-type")).toBe("application/problem+json");
      expect((await res.json()).errors).toEqual([expect.objectContaining({ field: "path" })]);
    }
    // A malformed query is the route's to judge.
    expect((await fetch(`${origin}/api/projects?name=%E0%A4%A`)).status).toBe(418);
  });
});
