/**
 * The access table against the routes themselves: every `app/**\/route.ts` and each method it
 * exports must have an entry in lib/identity/access.ts (a route added without one fails here), and
 * over real HTTP an anonymous caller gets 401, a viewer's token 403 on anything above viewer, an
 * editor's token 403 on administrators' routes, and each is let through where the table says.
 */
import { expect, test, type APIRequestContext } from "@playwright/test";
import { API_ACCESS, PAGE_ACCESS, type Method } from "@/lib/identity/access";
import { editorHeaders, viewerHeaders } from "./auth-helpers";
import { accessOf, examplePath, filesNamed, routeFiles, urlPattern } from "./routes";

const ROUTES = routeFiles();

test("every route file and every method it serves has an entry in the access table, and every entry a route", () => {
  expect(ROUTES.length).toBeGreaterThan(50);
  for (const r of ROUTES) {
    const entry = API_ACCESS[r.pattern];
    expect(entry, `${r.file}: no entry for ${r.pattern} in lib/identity/access.ts`).toBeDefined();
    expect(Object.keys(entry).sort(), `${r.file}: the methods it serves vs its access entry`).toEqual(r.served);
  }
  const patterns = new Set(ROUTES.map((r) => r.pattern));
  for (const p of Object.keys(API_ACCESS)) expect(patterns.has(p), `access entry ${p} names no route file`).toBe(true);
});

test("every page states the least role it needs in the same table", () => {
  const pages = filesNamed("page.tsx").map(urlPattern);
  expect(pages.length).toBeGreaterThan(15);
  for (const p of pages) expect(PAGE_ACCESS[p], `app${p === "/" ? "" : p}/page.tsx: no entry in PAGE_ACCESS`).toBeDefined();
});

async function send(ctx: APIRequestContext, method: Method, url: string) {
  return ctx.fetch(url, { method, maxRedirects: 0 });
}

const RANK: Record<string, number> = { viewer: 0, editor: 1, admin: 2 };

test("anonymous callers get 401 wherever a credential is needed; viewers 403 above their role; editors 403 on administrators' routes", async ({
  playwright,
  baseURL,
}) => {
  test.setTimeout(120_000);
  const anonymous = await playwright.request.newContext({ baseURL, extraHTTPHeaders: {} });
  const viewer = await playwright.request.newContext({ baseURL, extraHTTPHeaders: viewerHeaders() });
  const editor = await playwright.request.newContext({ baseURL, extraHTTPHeaders: editorHeaders() });
  const failures: string[] = [];
  const check = (what: string, ok: boolean) => void (ok || failures.push(what));
  try {
    for (const r of ROUTES) {
      // better-auth's own routes and the set-up/invite answers check their own tokens; they are covered in identity.spec.ts.
      if (r.pattern.startsWith("/api/auth/")) continue;
      const url = examplePath(r.pattern);
      for (const method of [...r.served, ...r.refused]) {
        const access = accessOf(r.pattern, method);
        const anon = await send(anonymous, method, url);
        // (A CORS preflight for an endpoint that does not exist is refused: 403 is its own answer, not an access decision.)
        if (access === "public")
          check(
            `${method} ${url} anonymous: ${anon.status()} (public)`,
            anon.status() !== 401 && (anon.status() !== 403 || method === "OPTIONS") && anon.status() < 500,
          );
        else if (access === "key") check(`${method} ${url} anonymous: ${anon.status()} (endpoint key)`, anon.status() === 401 || anon.status() === 404);
        else {
          check(`${method} ${url} anonymous: ${anon.status()}, expected 401`, anon.status() === 401);
          check(`${method} ${url} anonymous: not a problem answer`, (anon.headers()["content-type"] ?? "").includes("application/problem+json"));
        }
        if (access === "public" || access === "key") continue;
        const needs = RANK[access];
        const v = await send(viewer, method, url);
        if (needs > RANK.viewer) check(`${method} ${url} viewer: ${v.status()}, expected 403 (needs ${access})`, v.status() === 403);
        else check(`${method} ${url} viewer: ${v.status()}, expected to be let through`, v.status() !== 401 && v.status() !== 403 && v.status() < 500);
        const e = await send(editor, method, url);
        if (needs > RANK.editor) check(`${method} ${url} editor: ${e.status()}, expected 403 (needs ${access})`, e.status() === 403);
        else check(`${method} ${url} editor: ${e.status()}, expected to be let through`, e.status() !== 401 && e.status() !== 403 && e.status() < 500);
      }
    }
  } finally {
    await Promise.all([anonymous.dispose(), viewer.dispose(), editor.dispose()]);
  }
  expect(failures).toEqual([]);
});

test("pages: a signed-out visitor is sent to sign-in, a viewer gets 403 on editors' pages, the shop stays open", async ({ playwright, baseURL }) => {
  const anonymous = await playwright.request.newContext({ baseURL, extraHTTPHeaders: {} });
  try {
    for (const p of ["/", "/projects/x", "/datasets", "/models", "/reports", "/admin/people"]) {
      const res = await anonymous.get(p, { maxRedirects: 0 });
      expect(res.status(), p).toBe(307);
      expect(res.headers().location, p).toContain(`/sign-in?next=${encodeURIComponent(p)}`);
    }
    expect((await anonymous.get("/shop")).status()).toBe(200);
    expect((await anonymous.get("/sign-in")).status()).toBe(200);
    // The person a page renders for is the proxy's own finding: a client cannot name one.
    const forged = { "x-workbench-viewer": encodeURIComponent(JSON.stringify({ id: "x", email: "forged@evil.example", name: "Forged", role: "admin" })) };
    const home = await anonymous.get("/", { maxRedirects: 0, headers: forged });
    expect(home.status()).toBe(307);
    for (const p of ["/shop", "/api", "/v2/nope"]) expect(await (await anonymous.get(p, { headers: forged })).text(), p).not.toContain("forged@evil.example");
  } finally {
    await anonymous.dispose();
  }
  const viewer = await playwright.request.newContext({ baseURL, extraHTTPHeaders: viewerHeaders() });
  try {
    expect((await viewer.get("/datasets", { maxRedirects: 0 })).status()).toBe(403);
    expect((await viewer.get("/admin/people", { maxRedirects: 0 })).status()).toBe(403);
    expect((await viewer.get("/reports", { maxRedirects: 0 })).status()).toBe(200);
  } finally {
    await viewer.dispose();
  }
});
