/**
 * People, sessions and machine access over real HTTP: personal tokens, invites, disabling,
 * sign-in limits, cross-site refusal, and the audit trail each leaves.
 */
import { randomBytes } from "node:crypto";
import type { APIRequestContext } from "@playwright/test";
import { adminHeaders, ADMIN_EMAIL, viewerHeaders } from "./auth-helpers";
import { bearer, deploy, expect, ROWS, score, test } from "./endpoint-helpers";
import { expectJson, expectProblem, uniq } from "./helpers";

const PASSWORD = "a-long-enough-password";
const email = (what: string) => `${what}-${randomBytes(4).toString("hex")}@people.test`;
/** A fresh address per test for the sign-in limits (the server trusts X-Forwarded-For in tests). */
const address = () => `203.0.113.${1 + (randomBytes(1)[0] % 250)}`;

interface Person {
  id: string;
  email: string;
  role: string;
  disabled: boolean;
}

/** An account with `role`, through an administrator's invite; returns the person and a context signed in as them (cookie), sending our Origin. */
async function join(playwright: { request: { newContext(o: object): Promise<APIRequestContext> } }, baseURL: string, request: APIRequestContext, role: string) {
  const invite = await expectJson<{ token: string; url: string }>(await request.post("/api/invites", { headers: adminHeaders(), data: { role } }), 201);
  expect(invite.url).toBe(`${baseURL}/invite?token=${invite.token}`);
  const session = await playwright.request.newContext({ baseURL, extraHTTPHeaders: { origin: baseURL } });
  const who = email(role);
  const { user } = await expectJson<{ user: Person }>(
    await session.post("/api/invites/accept", { data: { token: invite.token, email: who, name: `A ${role}`, password: PASSWORD } }),
    201,
  );
  expect(user).toMatchObject({ email: who, role, disabled: false });
  return { user, session, token: invite.token };
}

test("personal API tokens: shown once, stored hashed, capped by the owner's role, refused once deleted", async ({ request, playwright, baseURL }) => {
  const anonymous = await playwright.request.newContext({ baseURL, extraHTTPHeaders: {} });
  const made = await expectJson<{ id: string; token: string; prefix: string; role: string; expiresAt: string }>(
    await request.post("/api/tokens", { data: { name: uniq("ci"), expiresInDays: 7 } }),
    201,
  );
  expect(made.token).toMatch(/^wbt_[A-Za-z0-9_-]{40,}$/);
  expect(made.role).toBe("editor");
  expect(made.token.startsWith(made.prefix)).toBe(true);
  const me = await expectJson<{ role: string; via: string }>(await anonymous.get("/api/me", { headers: bearer(made.token) }), 200);
  expect(me).toMatchObject({ role: "editor", via: "token" });
  const { items } = await expectJson<{ items: { id: string; prefix: string; lastUsedAt: string | null }[] }>(await request.get("/api/tokens"), 200);
  const listed = items.find((t) => t.id === made.id)!;
  expect(listed.prefix).toBe(made.prefix);
  expect(JSON.stringify(items)).not.toContain(made.token);
  expect(listed.lastUsedAt).not.toBeNull();
  // More than the owner's role: refused, naming the field.
  await expectProblem(await request.post("/api/tokens", { data: { name: "too much", role: "admin" } }), 422, "role");
  await expectProblem(await anonymous.post("/api/tokens", { headers: viewerHeaders(), data: { name: "viewer wants editor", role: "editor" } }), 422, "role");
  // A viewer's own token works for reading, and its writes are refused.
  const viewerToken = await expectJson<{ token: string }>(
    await anonymous.post("/api/tokens", { headers: viewerHeaders(), data: { name: uniq("viewer") } }),
    201,
  );
  await expectJson(await anonymous.get("/api/projects", { headers: bearer(viewerToken.token) }), 200);
  await expectProblem(await anonymous.post("/api/projects", { headers: bearer(viewerToken.token), data: { name: "x", task: "regression" } }), 403, "role");
  // Someone else's token is not theirs to delete (404, not a hint it exists); the owner deletes it and it stops at once.
  await expectProblem(await anonymous.delete(`/api/tokens/${made.id}`, { headers: viewerHeaders() }), 404);
  expect((await request.delete(`/api/tokens/${made.id}`)).status()).toBe(204);
  await expectProblem(await anonymous.get("/api/me", { headers: bearer(made.token) }), 401, "authorization");
  // Garbage, an endpoint key and a mistyped token are all 401 problems.
  await expectProblem(await anonymous.get("/api/projects", { headers: bearer("wbt_not-a-real-token") }), 401, "authorization");
  await expectProblem(await anonymous.get("/api/projects", { headers: bearer("wbk_an-endpoint-key") }), 401, "authorization");
  await expectProblem(await anonymous.get("/api/projects"), 401, "authorization");
  // Only administrators see everyone's.
  await expectProblem(await request.get("/api/tokens?all=1"), 403, "all");
  const all = await expectJson<{ items: { userEmail: string }[] }>(await request.get("/api/tokens?all=1", { headers: adminHeaders() }), 200);
  expect(all.items.some((t) => t.userEmail === ADMIN_EMAIL)).toBe(true);
  await anonymous.dispose();
});

test("invites: an administrator's link makes an account with its role, once; revoked or reused links are refused", async ({ request, playwright, baseURL }) => {
  const { user, session, token } = await join(playwright, baseURL!, request, "viewer");
  const me = await expectJson<{ role: string; via: string; email: string }>(await session.get("/api/me"), 200);
  expect(me).toMatchObject({ role: "viewer", via: "session", email: user.email });
  // Valid once.
  await expectProblem(await session.post("/api/invites/accept", { data: { token, email: email("again"), name: "Again", password: PASSWORD } }), 409, "token");
  // Unknown, revoked, for another address.
  await expectProblem(await session.post("/api/invites/accept", { data: { token: "nope", email: email("x"), name: "X", password: PASSWORD } }), 404, "token");
  const revoked = await expectJson<{ id: string; token: string }>(
    await request.post("/api/invites", { headers: adminHeaders(), data: { role: "editor" } }),
    201,
  );
  expect((await request.delete(`/api/invites/${revoked.id}`, { headers: adminHeaders() })).status()).toBe(204);
  await expectProblem(
    await session.post("/api/invites/accept", { data: { token: revoked.token, email: email("r"), name: "R", password: PASSWORD } }),
    409,
    "token",
  );
  const addressed = await expectJson<{ token: string }>(
    await request.post("/api/invites", { headers: adminHeaders(), data: { role: "editor", email: email("named") } }),
    201,
  );
  await expectProblem(
    await session.post("/api/invites/accept", { data: { token: addressed.token, email: email("other"), name: "O", password: PASSWORD } }),
    422,
    "email",
  );
  // Weak passwords and bad fields are named.
  await expectProblem(
    await session.post("/api/invites/accept", { data: { token: addressed.token, email: "not-an-email", name: "O", password: "short" } }),
    422,
    /email|password/,
  );
  // Only administrators invite; the list shows status.
  await expectProblem(await request.post("/api/invites", { data: { role: "admin" } }), 403, "role");
  const { items } = await expectJson<{ items: { id: string; status: string }[] }>(await request.get("/api/invites", { headers: adminHeaders() }), 200);
  expect(items.find((i) => i.id === revoked.id)?.status).toBe("revoked");
  await session.dispose();
});

test("disabling an account ends its sessions and tokens at once; the last administrator stays", async ({ request, playwright, baseURL }) => {
  const { user, session } = await join(playwright, baseURL!, request, "editor");
  const token = await expectJson<{ token: string }>(await session.post("/api/tokens", { data: { name: "script" } }), 201);
  const anonymous = await playwright.request.newContext({ baseURL, extraHTTPHeaders: {} });
  await expectJson(await anonymous.get("/api/me", { headers: bearer(token.token) }), 200);
  const disabled = await expectJson<Person>(await request.patch(`/api/users/${user.id}`, { headers: adminHeaders(), data: { disabled: true } }), 200);
  expect(disabled.disabled).toBe(true);
  await expectProblem(await session.get("/api/me"), 401);
  await expectProblem(await anonymous.get("/api/me", { headers: bearer(token.token) }), 401, "authorization");
  await expectProblem(
    await anonymous.post("/api/auth/sign-in/email", { data: { email: user.email, password: PASSWORD }, headers: { "x-forwarded-for": address() } }),
    403,
    "email",
  );
  // Enabled again: signs in, and the role change is the administrator's to make.
  await expectJson(await request.patch(`/api/users/${user.id}`, { headers: adminHeaders(), data: { disabled: false, role: "viewer" } }), 200);
  const back = await playwright.request.newContext({ baseURL, extraHTTPHeaders: { origin: baseURL! } });
  await expectJson(
    await back.post("/api/auth/sign-in/email", { data: { email: user.email, password: PASSWORD }, headers: { "x-forwarded-for": address() } }),
    200,
  );
  expect((await expectJson<{ role: string }>(await back.get("/api/me"), 200)).role).toBe("viewer");
  // A token never carries more than its owner's role now.
  expect((await expectJson<{ role: string }>(await anonymous.get("/api/me", { headers: bearer(token.token) }), 200)).role).toBe("viewer");
  // Editors do not manage people; the last active administrator cannot be demoted.
  await expectProblem(await request.patch(`/api/users/${user.id}`, { data: { role: "admin" } }), 403);
  const people = await expectJson<{ items: Person[] }>(await request.get("/api/users", { headers: adminHeaders() }), 200);
  const admins = people.items.filter((p) => p.role === "admin" && !p.disabled);
  if (admins.length === 1)
    await expectProblem(await request.patch(`/api/users/${admins[0].id}`, { headers: adminHeaders(), data: { role: "viewer" } }), 409, "role");
  await Promise.all([session.dispose(), anonymous.dispose(), back.dispose()]);
});

test("sign-in: wrong passwords are limited per account and per address with a 429 and Retry-After; the answer never carries the session token", async ({
  request,
  playwright,
  baseURL,
}) => {
  const { user, session } = await join(playwright, baseURL!, request, "viewer");
  const from = address();
  const attempt = (who: string, password: string, ip = from) =>
    session.post("/api/auth/sign-in/email", { data: { email: who, password }, headers: { "x-forwarded-for": ip } });
  for (let i = 0; i < 5; i++) await expectProblem(await attempt(user.email, "wrong-password"), 401, "password");
  const limited = await attempt(user.email, PASSWORD);
  await expectProblem(limited, 429, "email");
  expect(Number(limited.headers()["retry-after"])).toBeGreaterThan(0);
  // Per address: twenty failures from one address, over unknown accounts, close it for everyone.
  const busy = address();
  for (let i = 0; i < 20; i++) await expectProblem(await attempt(email("nobody"), "whatever-pass", busy), 401);
  await expectProblem(await attempt(ADMIN_EMAIL, "whatever-pass", busy), 429, "address");
  // A good sign-in from elsewhere: the body has the user, not the token; the cookie is httpOnly, SameSite=Lax.
  const { user: other, session: fresh } = await join(playwright, baseURL!, request, "viewer");
  const ok = await fresh.post("/api/auth/sign-in/email", { data: { email: other.email, password: PASSWORD }, headers: { "x-forwarded-for": address() } });
  const body = await expectJson<Record<string, unknown>>(ok, 200);
  expect(body.token).toBeUndefined();
  const cookie = ok.headersArray().find((h) => h.name.toLowerCase() === "set-cookie" && h.value.includes("session_token"))!.value;
  expect(cookie).toMatch(/HttpOnly/i);
  expect(cookie).toMatch(/SameSite=Lax/i);
  expect(cookie).not.toMatch(/Secure/i);
  const current = await expectJson<{ session: Record<string, unknown>; user: { email: string } }>(await fresh.get("/api/auth/get-session"), 200);
  expect(current.user.email).toBe(other.email);
  expect(current.session.token).toBeUndefined();
  // Sign-up is not offered: people join by invite.
  await expectProblem(await fresh.post("/api/auth/sign-up/email", { data: { email: email("self"), password: PASSWORD, name: "Self" } }), 404);
  // Signed out, the session is gone.
  expect((await fresh.post("/api/auth/sign-out", { data: {} })).status()).toBe(200);
  await expectProblem(await fresh.get("/api/me"), 401);
  const failures = await expectJson<{ items: { action: string; target: string; outcome: string }[] }>(
    await request.get(`/api/audit?action=signin.failed&target=${encodeURIComponent(user.email)}`, { headers: adminHeaders() }),
    200,
  );
  expect(failures.items.length).toBe(5);
  await Promise.all([session.dispose(), fresh.dispose()]);
});

test("a state-changing request with the session cookie must come from the workbench's own origin; tokens are not affected", async ({
  request,
  playwright,
  baseURL,
}) => {
  const { session } = await join(playwright, baseURL!, request, "editor");
  const before = (await expectJson<{ items: unknown[] }>(await request.get("/api/projects"), 200)).items.length;
  const name = uniq("csrf");
  const body = { name, task: "regression" };
  // A foreign page's fetch or form: foreign Origin, or a cross-site fetch with no Origin.
  await expectProblem(await session.post("/api/projects", { data: body, headers: { origin: "https://evil.example" } }), 403, "origin");
  await expectProblem(await session.post("/api/projects", { data: body, headers: { origin: "null" } }), 403, "origin");
  const noOrigin = await playwright.request.newContext({ baseURL, extraHTTPHeaders: {}, storageState: await session.storageState() });
  await expectProblem(await noOrigin.post("/api/projects", { data: body }), 403, "origin");
  await expectProblem(await noOrigin.post("/api/projects", { data: body, headers: { "sec-fetch-site": "cross-site" } }), 403, "origin");
  // Multipart uploads and bodiless posts are refused the same way.
  await expectProblem(
    await session.post("/api/datasets", {
      headers: { origin: "https://evil.example" },
      multipart: { name: "evil", file: { name: "a.csv", mimeType: "text/csv", buffer: Buffer.from("a\n1\n") } },
    }),
    403,
    "origin",
  );
  await expectProblem(await session.post("/api/alerts/evaluate", { headers: { origin: "https://evil.example" } }), 403, "origin");
  await expectProblem(await session.post("/api/auth/sign-out", { headers: { origin: "https://evil.example" }, data: {} }), 403, "origin");
  const after = (await expectJson<{ items: { name: string }[] }>(await request.get("/api/projects"), 200)).items;
  expect(after.length).toBe(before);
  expect(after.some((p) => p.name === name)).toBe(false);
  // Our own origin (as http://127.0.0.1:PORT or http://localhost:PORT, whichever the browser used), or Sec-Fetch-Site: same-origin.
  await expectJson(await session.post("/api/projects", { data: { ...body, name: `${name} a` } }), 201);
  await expectJson(await noOrigin.post("/api/projects", { data: { ...body, name: `${name} b` }, headers: { "sec-fetch-site": "same-origin" } }), 201);
  // A bearer token is not sent by browsers on their own: a foreign Origin does not matter to it.
  await expectJson(await request.post("/api/projects", { data: { ...body, name: `${name} c` }, headers: { origin: "https://evil.example" } }), 201);
  const denied = await expectJson<{ items: { action: string; outcome: string }[] }>(
    await request.get("/api/audit?action=access.cross-site&limit=5", { headers: adminHeaders() }),
    200,
  );
  expect(denied.items.length).toBeGreaterThan(0);
  expect(denied.items.every((e) => e.outcome === "denied")).toBe(true);
  await Promise.all([session.dispose(), noOrigin.dispose()]);
});

test("an endpoint's keys are an editor's to rotate: a stranger gets 401 and the shop's key keeps working; deploys, rotations and deletions are audited", async ({
  request,
  playwright,
  baseURL,
  regression,
}) => {
  test.setTimeout(120_000);
  const anonymous = await playwright.request.newContext({ baseURL, extraHTTPHeaders: {} });
  const { model } = regression;
  const ep = await deploy(request, model.id);
  const stranger = await anonymous.post(`/api/endpoints/${ep.name}/keys`, { data: { slot: "primary" } });
  await expectProblem(stranger, 401, "authorization");
  expect(await stranger.text()).not.toContain("wbk_");
  await expectProblem(await anonymous.post(`/api/endpoints/${ep.name}/keys`, { headers: viewerHeaders(), data: { slot: "primary" } }), 403, "role");
  expect((await score(anonymous, ep.name, ep.key, { rows: ROWS })).status()).toBe(200);
  // A stranger reads no rows, bundles or outputs, deletes nothing, deploys nothing.
  await expectProblem(await anonymous.get(`/api/models/${model.id}/bundle`), 401);
  await expectProblem(await anonymous.delete(`/api/endpoints/${ep.name}`), 401);
  await expectProblem(await anonymous.post("/api/endpoints", { data: { name: "stolen", modelId: model.id } }), 401);
  await expectProblem(await anonymous.get(`/api/models/${model.id}/bundle`, { headers: viewerHeaders() }), 403);
  // The editor rotates; the audit log says who did it.
  await expectJson(await request.post(`/api/endpoints/${ep.name}/keys`, { data: { slot: "secondary" } }), 201);
  expect((await request.delete(`/api/endpoints/${ep.name}`)).status()).toBe(204);
  const log = await expectJson<{ items: { action: string; target: string; actorEmail: string }[] }>(
    await request.get(`/api/audit?action=endpoint.*&limit=500`, { headers: adminHeaders() }),
    200,
  );
  const mine = log.items.filter((e) => e.target === ep.name).map((e) => e.action);
  expect(mine).toEqual(expect.arrayContaining(["endpoint.deploy", "endpoint.key.rotate", "endpoint.delete"]));
  expect(log.items.find((e) => e.target === ep.name)?.actorEmail).toBe("editor@workbench.test");
  // The log pages and filters; it is the administrators'.
  const page1 = await expectJson<{ items: { id: number }[]; nextCursor: string | null }>(
    await request.get("/api/audit?limit=2", { headers: adminHeaders() }),
    200,
  );
  expect(page1.items).toHaveLength(2);
  const page2 = await expectJson<{ items: { id: number }[] }>(
    await request.get(`/api/audit?limit=2&cursor=${page1.nextCursor}`, { headers: adminHeaders() }),
    200,
  );
  expect(page2.items[0].id).toBeLessThan(page1.items[1].id);
  await expectProblem(await request.get("/api/audit"), 403);
  await expectProblem(await request.get("/api/audit?limit=zero", { headers: adminHeaders() }), 422, "limit");
  await anonymous.dispose();
});

test("settings are the administrators': changes are validated and audited", async ({ request }) => {
  const before = await expectJson<{ quotas: Record<string, number>; webhookAllowedHosts: string[] }>(
    await request.get("/api/settings", { headers: adminHeaders() }),
    200,
  );
  await expectProblem(await request.get("/api/settings"), 403);
  await expectProblem(await request.put("/api/settings", { headers: adminHeaders(), data: { quotas: { maxSweepTrials: -1 } } }), 422, "quotas.maxSweepTrials");
  await expectProblem(
    await request.put("/api/settings", { headers: adminHeaders(), data: { webhookAllowedHosts: ["not a host!"] } }),
    422,
    "webhookAllowedHosts.0",
  );
  await expectProblem(await request.put("/api/settings", { headers: adminHeaders(), data: { surprise: true } }), 422, "surprise");
  const after = await expectJson<typeof before>(await request.get("/api/settings", { headers: adminHeaders() }), 200);
  expect(after).toEqual(before);
});

test("a person changes their password: the old one stops working, other sessions end, and it is audited", async ({ request, playwright, baseURL }) => {
  const { user, session } = await join(playwright, baseURL!, request, "viewer");
  const other = await playwright.request.newContext({ baseURL, extraHTTPHeaders: { origin: baseURL! } });
  await expectJson(
    await other.post("/api/auth/sign-in/email", { data: { email: user.email, password: PASSWORD }, headers: { "x-forwarded-for": address() } }),
    200,
  );
  await expectProblem(
    await session.post("/api/auth/change-password", { data: { currentPassword: "not-my-password", newPassword: "another-long-password" } }),
    422,
    "currentPassword",
  );
  await expectProblem(await session.post("/api/auth/change-password", { data: { currentPassword: PASSWORD, newPassword: "short" } }), 422, "newPassword");
  await expectJson(
    await session.post("/api/auth/change-password", { data: { currentPassword: PASSWORD, newPassword: "another-long-password", revokeOtherSessions: true } }),
    200,
  );
  await expectProblem(await other.get("/api/me"), 401);
  await expectProblem(
    await other.post("/api/auth/sign-in/email", { data: { email: user.email, password: PASSWORD }, headers: { "x-forwarded-for": address() } }),
    401,
  );
  await expectJson(
    await other.post("/api/auth/sign-in/email", { data: { email: user.email, password: "another-long-password" }, headers: { "x-forwarded-for": address() } }),
    200,
  );
  const log = await expectJson<{ items: unknown[] }>(
    await request.get(`/api/audit?action=password.change&target=${encodeURIComponent(user.email)}`, { headers: adminHeaders() }),
    200,
  );
  expect(log.items).toHaveLength(1);
  await Promise.all([session.dispose(), other.dispose()]);
});
