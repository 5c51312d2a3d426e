/**
 * Runs once, after the test server is up (Playwright starts its webServer first): signs in as the
 * administrator the server was started with, invites an editor and a viewer, and gives each a
 * personal API token (WB_*_TOKEN in the environment the test workers inherit) and the editor's
 * browser session (WB_EDITOR_STATE, a storage state file) for the UI tests.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { FullConfig } from "@playwright/test";
import { ADMIN_EMAIL, ADMIN_PASSWORD, EDITOR_EMAIL, MEMBER_PASSWORD, VIEWER_EMAIL } from "./api/auth-helpers";

async function call(base: string, method: string, url: string, body: unknown, headers: Record<string, string>): Promise<Response> {
  const res = await fetch(base + url, {
    method,
    headers: { "content-type": "application/json", origin: base, ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status >= 400) throw new Error(`${method} ${url} → ${res.status}: ${await res.text()}`);
  return res;
}

/** The session cookie a sign-in or join answer sets. */
function sessionCookie(res: Response): { name: string; value: string } {
  for (const c of res.headers.getSetCookie()) {
    const [pair] = c.split(";");
    const at = pair.indexOf("=");
    const name = pair.slice(0, at);
    if (name.endsWith("better-auth.session_token")) return { name, value: pair.slice(at + 1) };
  }
  throw new Error("no session cookie in the answer");
}

export default async function globalSetup(config: FullConfig) {
  const base = String(config.projects[0].use.baseURL);
  const admin = sessionCookie(await call(base, "POST", "/api/auth/sign-in/email", { email: ADMIN_EMAIL, password: ADMIN_PASSWORD }, {}));
  const asAdmin = { cookie: `${admin.name}=${admin.value}` };
  const adminToken = (await (await call(base, "POST", "/api/tokens", { name: "tests (admin)", expiresInDays: 2 }, asAdmin)).json()) as { token: string };
  const join = async (email: string, role: "editor" | "viewer") => {
    const invite = (await (await call(base, "POST", "/api/invites", { role, email }, asAdmin)).json()) as { token: string };
    const joined = await call(base, "POST", "/api/invites/accept", { token: invite.token, email, name: `Test ${role}`, password: MEMBER_PASSWORD }, {});
    const cookie = sessionCookie(joined);
    const t = (await (
      await call(base, "POST", "/api/tokens", { name: `tests (${role})`, expiresInDays: 2 }, { cookie: `${cookie.name}=${cookie.value}` })
    ).json()) as { token: string };
    return { cookie, token: t.token };
  };
  const editor = await join(EDITOR_EMAIL, "editor");
  const viewer = await join(VIEWER_EMAIL, "viewer");
  const host = new URL(base).hostname;
  const statePath = path.join(os.tmpdir(), `workbench-test-editor-${new URL(base).port}.json`);
  const cookie = {
    ...editor.cookie,
    domain: host,
    path: "/",
    expires: Math.floor(Date.now() / 1000) + 86_400,
    httpOnly: true,
    secure: false,
    sameSite: "Lax" as const,
  };
  fs.writeFileSync(statePath, JSON.stringify({ cookies: [cookie], origins: [] }));
  process.env.WB_ADMIN_TOKEN = adminToken.token;
  process.env.WB_EDITOR_TOKEN = editor.token;
  process.env.WB_VIEWER_TOKEN = viewer.token;
  process.env.WB_EDITOR_STATE = statePath;
}
