/**
 * Behind a TLS proxy (`WORKBENCH_URL=https://…`), a server of its own: the session cookie is
 * `Secure`, and the configured address is the only origin state-changing browser requests may come
 * from (better-auth's trusted origins follow the same rule).
 */
import { expect, test } from "@playwright/test";
import { startOwnWebServer, sidePort } from "../own-server";
import { ADMIN_EMAIL, ADMIN_PASSWORD } from "./auth-helpers";
import { expectProblem } from "./helpers";

const PUBLIC_URL = "https://ml.workbench.example";

test("with an https WORKBENCH_URL the session cookie is Secure and only that origin may change things", async ({ playwright }) => {
  test.setTimeout(120_000);
  const port = sidePort(1600);
  const server = startOwnWebServer(port, { WORKBENCH_URL: PUBLIC_URL, WORKBENCH_ADMIN_EMAIL: ADMIN_EMAIL, WORKBENCH_ADMIN_PASSWORD: ADMIN_PASSWORD });
  const api = await playwright.request.newContext({ baseURL: server.base, extraHTTPHeaders: {} });
  try {
    await expect.poll(async () => (await api.get("/api/health").catch(() => null))?.status(), { timeout: 90_000 }).toBe(200);
    const signIn = await api.post("/api/auth/sign-in/email", { data: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD }, headers: { origin: PUBLIC_URL } });
    expect(signIn.status(), await signIn.text()).toBe(200);
    const setCookie = signIn.headersArray().find((h) => h.name.toLowerCase() === "set-cookie" && h.value.includes("session_token"))!.value;
    expect(setCookie).toMatch(/^__Secure-better-auth\.session_token=/);
    expect(setCookie).toMatch(/;\s*Secure/i);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    const cookie = setCookie.split(";")[0];
    // The address the server happens to be reached at is not its origin any more; the configured one is.
    await expectProblem(await api.post("/api/tokens", { data: { name: "x" }, headers: { cookie, origin: server.base } }), 403, "origin");
    const made = await api.post("/api/tokens", { data: { name: "behind a proxy" }, headers: { cookie, origin: PUBLIC_URL } });
    expect(made.status(), await made.text()).toBe(201);
    const invite = await api.post("/api/invites", { data: { role: "viewer" }, headers: { cookie, origin: PUBLIC_URL } });
    expect(((await invite.json()) as { url: string }).url).toMatch(new RegExp(`^${PUBLIC_URL.replace(/\./g, "\\.")}/invite\\?token=`));
  } finally {
    await api.dispose();
    server.stop();
  }
});
