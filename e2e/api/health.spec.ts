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

test("unknown paths under known resources answer 404 problem+json", async ({ request }) => {
  await expectProblem(await request.get("/api/projects/prj_doesnotexist0000/nothing-here"), 404);
  await expectProblem(await request.get("/api/datasets/ds_doesnotexist0000/rows/extra"), 404);
});

test("a method a known path does not support answers 405 problem+json", async ({ request }) => {
  for (const [method, path] of [
    ["DELETE", "/api/health"],
    ["PUT", "/api/datasets"],
    ["POST", "/api/datasets/ds_doesnotexist0000/rows"],
  ] as const) {
    const res = await request.fetch(path, { method });
    expect(res.status(), `${method} ${path}`).toBe(405);
    await expectProblem(res, 405);
  }
});
