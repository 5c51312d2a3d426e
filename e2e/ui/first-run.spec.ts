/**
 * A first start as a new user sees it: a server of its own on a fresh data folder with no one
 * registered prints a set-up link after its address; without the token the set-up page refuses;
 * with it, the first administrator is created and lands in the workbench, signed in.
 */
import { expect, test } from "@playwright/test";
import { startOwnWebServer, sidePort } from "../own-server";

test.use({ storageState: { cookies: [], origins: [] } });

test("first start: the printed set-up link creates the first administrator; the page refuses without it", async ({ page, playwright }) => {
  test.setTimeout(120_000);
  const port = sidePort(1500);
  const server = startOwnWebServer(port);
  const base = server.base;
  try {
    // The address, then the set-up link, as `npm start` prints them.
    await expect.poll(() => /set up the first administrator: (\S+)/.exec(server.output())?.[1] ?? "", { timeout: 90_000 }).toMatch(/\/setup\?token=/);
    const lines = server.output().split("\n");
    const ready = lines.findIndex((l) => l.includes("workbench ready on"));
    expect(ready).toBeGreaterThanOrEqual(0);
    expect(lines[ready + 1]).toContain(`set up the first administrator: ${base}/setup?token=`);
    const link = /set up the first administrator: (\S+)/.exec(server.output())![1];

    // Before anyone has an account, the API is closed and pages lead to set-up.
    const api = await playwright.request.newContext({ baseURL: base, extraHTTPHeaders: {} });
    expect((await api.get("/api/projects")).status()).toBe(401);
    expect(
      (await api.post("/api/setup", { data: { token: "wrong", email: "a@b.test", name: "A", password: "long-enough-1" }, headers: { origin: base } })).status(),
    ).toBe(403);
    await page.goto(`${base}/`);
    await expect(page).toHaveURL(`${base}/setup`);
    await expect(page.getByText("Open the set-up link the server printed")).toBeVisible();
    await expect(page.getByRole("form", { name: "Create the first administrator" })).toHaveCount(0);

    // The printed link.
    await page.goto(link);
    const form = page.getByRole("form", { name: "Create the first administrator" });
    await form.getByLabel("Name").fill("First Admin");
    await form.getByLabel("Email").fill("first@admin.test");
    await form.getByLabel("Password", { exact: true }).fill("first-admin-password");
    await form.getByLabel("Password again").fill("first-admin-password");
    await form.getByRole("button", { name: "Create administrator" }).click();
    await expect(page.getByRole("heading", { name: "Projects", level: 1 })).toBeVisible();
    const me = await page.request.get(`${base}/api/me`);
    expect(await me.json()).toMatchObject({ email: "first@admin.test", role: "admin", via: "session" });

    // The link was good once.
    expect(
      (
        await api.post("/api/setup", {
          data: { token: new URL(link).searchParams.get("token"), email: "second@admin.test", name: "B", password: "long-enough-1" },
          headers: { origin: base },
        })
      ).status(),
    ).toBe(409);
    await api.dispose();
  } finally {
    server.stop();
  }
});
