/**
 * Credentials of the API and e2e tests. The test server starts with this administrator
 * (WORKBENCH_ADMIN_EMAIL/PASSWORD, playwright.config.ts); e2e/global-setup.ts signs in as them,
 * invites an editor and a viewer, and hands each a personal API token through the environment.
 */
import { expect, type APIRequestContext } from "@playwright/test";

export const ADMIN_EMAIL = "admin@workbench.test";
export const ADMIN_PASSWORD = "admin-password-for-tests";
export const EDITOR_EMAIL = "editor@workbench.test";
export const VIEWER_EMAIL = "viewer@workbench.test";
export const MEMBER_PASSWORD = "member-password-for-tests";

function token(name: "WB_ADMIN_TOKEN" | "WB_EDITOR_TOKEN" | "WB_VIEWER_TOKEN"): string {
  const t = process.env[name];
  if (!t) throw new Error(`${name} is not set: e2e/global-setup.ts did not run`);
  return t;
}

export const adminHeaders = (): Record<string, string> => ({ authorization: `Bearer ${token("WB_ADMIN_TOKEN")}` });
export const editorHeaders = (): Record<string, string> => ({ authorization: `Bearer ${token("WB_EDITOR_TOKEN")}` });
export const viewerHeaders = (): Record<string, string> => ({ authorization: `Bearer ${token("WB_VIEWER_TOKEN")}` });

/** Signs `email` in on a request context (its cookie jar keeps the session); returns the session cookie's value. */
export async function signIn(request: APIRequestContext, email: string, password: string, baseURL: string): Promise<void> {
  const res = await request.post("/api/auth/sign-in/email", { data: { email, password }, headers: { origin: baseURL } });
  expect(res.status(), await res.text()).toBe(200);
}

/** The environment a test's own server (started on another port) needs for its administrator. */
export const OWN_SERVER_ADMIN_ENV = { WORKBENCH_ADMIN_EMAIL: ADMIN_EMAIL, WORKBENCH_ADMIN_PASSWORD: ADMIN_PASSWORD };

/**
 * An API context on a server the test started itself (with OWN_SERVER_ADMIN_ENV): signs in as its
 * administrator and calls with a fresh administrator's token from then on.
 */
export async function adminContextOn(factory: ContextFactory, baseURL: string): Promise<APIRequestContext> {
  return factory.newContext({ baseURL, extraHTTPHeaders: { authorization: `Bearer ${await tokenOn(factory, baseURL, ADMIN_EMAIL, ADMIN_PASSWORD)}` } });
}

export type ContextFactory = { newContext(o: { baseURL: string; extraHTTPHeaders?: Record<string, string> }): Promise<APIRequestContext> };

/** Signs `email` in on a server the test started itself and returns a fresh personal API token of theirs. */
export async function tokenOn(factory: ContextFactory, baseURL: string, email: string, password: string): Promise<string> {
  const session = await factory.newContext({ baseURL, extraHTTPHeaders: { origin: baseURL } });
  try {
    await signIn(session, email, password, baseURL);
    const res = await session.post("/api/tokens", { data: { name: "own server", expiresInDays: 1 } });
    expect(res.status(), await res.text()).toBe(201);
    return ((await res.json()) as { token: string }).token;
  } finally {
    await session.dispose();
  }
}
