import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { AppError } from "@/lib/shared/errors";

// A job refused by a quota, without an endpoint or a model behind it.
vi.mock("../batch/jobs", () => ({
  createJob: async () => {
    throw new AppError("TOO_MANY_REQUESTS", "The endpoint has 10 batch jobs queued.", [{ field: "quota", message: "full" }], { retryAfterSeconds: 30 });
  },
}));

const { serveFront } = await import("./front");

describe("the scoring front's problem answers", () => {
  let server: http.Server;
  let origin: string;
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      if (!serveFront(req, res)) res.writeHead(418).end();
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it("carry a 429's Retry-After header, as Next's route handlers do", async () => {
    const res = await fetch(`${origin}/api/endpoints/busy/jobs`, { method: "POST", body: "a\n1\n", headers: { "content-type": "text/csv" } });
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("30");
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect((await res.json()).errors).toEqual([{ field: "quota", message: "full" }]);
  });
});
