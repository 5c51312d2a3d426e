import { expect, test } from "@playwright/test";
import { expectProblem } from "./helpers";

test("GET /api/health answers 200 {status:\"ok\"}", async ({ request }) => {
  const res = await request.get("/api/health");
  expect(res.status()).toBe(200);
  expect(res.headers()["content-type"]).toContain("application/json");
  expect(await res.json()).toEqual({ status: "ok" });
});

test("an unknown API path answers 404 problem+json, for every method", async ({ request }) => {
  for (const method of ["GET", "POST", "PUT", "PATCH", "DELETE"]) {
    const res = await request.fetch("/api/no-such-thing/here", { method });
    const body = await expectProblem(res, 404);
    expect(body.detail).toContain("/api/no-such-thing/here");
  }
});
