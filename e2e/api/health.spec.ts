import { expect, test } from "@playwright/test";

test('GET /api/health answers 200 {status:"ok"}', async ({ request }) => {
  const res = await request.get("/api/health");
  expect(res.status()).toBe(200);
  expect(res.headers()["content-type"]).toContain("application/json");
  expect(await res.json()).toEqual({ status: "ok" });
});
