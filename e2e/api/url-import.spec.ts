import http from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test, type APIRequestContext } from "@playwright/test";
import { expectJson, expectProblem, getRows, sha256, uniq, versionsOf, type Dataset } from "./helpers";

/**
 * URL imports fetch from a real HTTP server on localhost:3199, the one host the test server
 * allow-lists (playwright.config.ts). Only this file binds that port. Its tests run in order in
 * one worker (mode "default" overrides fullyParallel), so the port is bound once; unlike
 * "serial", a failing test does not skip the ones after it.
 */
test.describe.configure({ mode: "default" });

const FIXTURE_PORT = 3199;
const BASE = `http://localhost:${FIXTURE_PORT}`;
const SALES_CSV = "week,store,units,price\n2024-01-01,north,12,2.5\n2024-01-08,north,15,2.25\n2024-01-01,south,7,2.75\n";

let server: http.Server;
const hits: string[] = [];

function handler(req: http.IncomingMessage, res: http.ServerResponse) {
  const path = new URL(req.url ?? "/", BASE).pathname;
  hits.push(path);
  switch (path) {
    case "/sales.csv":
      res.writeHead(200, { "content-type": "text/csv; charset=utf-8" });
      res.end(SALES_CSV);
      return;
    case "/redirect-to-sales":
      res.writeHead(302, { location: "/sales.csv" });
      res.end();
      return;
    case "/redirect-to-loopback":
      res.writeHead(302, { location: `http://127.0.0.1:${FIXTURE_PORT}/sales.csv` });
      res.end();
      return;
    case "/redirect-to-metadata":
      res.writeHead(301, { location: "http://169.254.169.254/latest/meta-data" });
      res.end();
      return;
    case "/redirect-to-file":
      res.writeHead(302, { location: "file:///etc/passwd" });
      res.end();
      return;
    case "/image.png":
      res.writeHead(200, { "content-type": "image/png" });
      res.end(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
      return;
    default:
      res.writeHead(404, { "content-type": "text/plain" });
      res.end("not here");
  }
}

function listen(s: http.Server): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    s.once("error", reject);
    s.listen(FIXTURE_PORT, "localhost", () => resolve());
  });
}

test.beforeAll(async () => {
  server = http.createServer(handler);
  // After a failed test Playwright replaces the worker; give the old one a moment to close the port.
  for (let attempt = 1; ; attempt++) {
    try {
      await listen(server);
      break;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== "EADDRINUSE" || attempt === 20) {
        throw new Error(`the URL-import fixture port ${FIXTURE_PORT} is not free (${code}); stop whatever holds it`);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  expect((server.address() as AddressInfo).port).toBe(FIXTURE_PORT);
});

test.afterAll(async () => {
  await new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
});

function importUrl(request: APIRequestContext, name: string, url: unknown) {
  return request.post("/api/datasets", { data: url === undefined ? { name } : { name, url } });
}

test("importing from the allow-listed host: 201 with the URL as source", async ({ request }) => {
  const name = uniq("Imported sales");
  const url = `${BASE}/sales.csv`;
  const ds = await expectJson<Dataset>(await importUrl(request, name, url), 201);
  expect(ds).toMatchObject({ name, version: 1, rowCount: 3, sourceKind: "url", source: url, format: "csv", contentHash: sha256(SALES_CSV) });
  expect(ds.columns.map((c) => [c.name, c.type])).toEqual([
    ["week", "datetime"],
    ["store", "category"],
    ["units", "integer"],
    ["price", "number"],
  ]);
  expect((await getRows(request, ds.id)).rows[0]).toEqual({ week: "2024-01-01T00:00:00.000Z", store: "north", units: 12, price: 2.5 });
  const again = await expectJson<Dataset>(await importUrl(request, name, url), 201);
  expect(again.version).toBe(2);
});

test("a redirect within the allowed host is followed; source is the final URL", async ({ request }) => {
  const name = uniq("Redirected sales");
  const ds = await expectJson<Dataset>(await importUrl(request, name, `${BASE}/redirect-to-sales`), 201);
  expect(ds).toMatchObject({ rowCount: 3, source: `${BASE}/sales.csv` });
});

test.describe("refused URLs: 403 or 422 naming url, nothing created", () => {
  const refused: { what: string; url: string; status: number[] }[] = [
    { what: "loopback by address (not allow-listed)", url: `http://127.0.0.1:${FIXTURE_PORT}/sales.csv`, status: [403] },
    { what: "a private address", url: "http://10.0.0.1/x.csv", status: [403] },
    { what: "the cloud metadata address", url: "http://169.254.169.254/latest/meta-data", status: [403] },
    { what: "IPv6 loopback", url: `http://[::1]:${FIXTURE_PORT}/`, status: [403] },
    { what: "IPv4-mapped IPv6 loopback", url: `http://[::ffff:127.0.0.1]:${FIXTURE_PORT}/sales.csv`, status: [403] },
    { what: "the metadata host name", url: "http://metadata.google.internal/", status: [403] },
    { what: "localhost on another port", url: "http://localhost:3100/api/health", status: [403] },
    { what: "a redirect to a loopback address", url: `${BASE}/redirect-to-loopback`, status: [403] },
    { what: "a redirect to the metadata address", url: `${BASE}/redirect-to-metadata`, status: [403] },
    { what: "a redirect to file://", url: `${BASE}/redirect-to-file`, status: [403, 422] },
    { what: "a file:// URL", url: "file:///etc/passwd", status: [422] },
    { what: "an ftp:// URL", url: "ftp://x", status: [422] },
    { what: "a URL with credentials", url: `http://user:secret@localhost:${FIXTURE_PORT}/sales.csv`, status: [403, 422] },
    { what: "not a URL", url: "sales.csv", status: [422] },
  ];

  for (const c of refused) {
    test(`${c.what} → ${c.status.join(" or ")}`, async ({ request }) => {
      const name = uniq(`Refused ${c.what}`);
      const hitsBefore = hits.filter((h) => h === "/sales.csv").length;
      await expectProblem(await importUrl(request, name, c.url), c.status, "url");
      expect(await versionsOf(request, name)).toHaveLength(0);
      // Refused before the data was fetched.
      expect(hits.filter((h) => h === "/sales.csv").length).toBe(hitsBefore);
    });
  }

  test("a missing or empty url → 422 naming url", async ({ request }) => {
    const name = uniq("No url");
    await expectProblem(await importUrl(request, name, undefined), 422, "url");
    await expectProblem(await importUrl(request, name, ""), 422, "url");
    await expectProblem(await importUrl(request, name, 42), 422, "url");
    expect(await versionsOf(request, name)).toHaveLength(0);
  });

  test("a missing name → 422 naming name, and nothing is fetched", async ({ request }) => {
    const before = hits.length;
    await expectProblem(await request.post("/api/datasets", { data: { url: `${BASE}/sales.csv` } }), 422, "name");
    await expectProblem(await request.post("/api/datasets", { data: { name: " ", url: `${BASE}/sales.csv` } }), 422, "name");
    expect(hits.length).toBe(before);
  });

  test("upstream 404 → 502 naming url", async ({ request }) => {
    const name = uniq("Missing upstream");
    const problem = await expectProblem(await importUrl(request, name, `${BASE}/nope.csv`), 502, "url");
    expect(problem.detail).toContain("404");
    expect(await versionsOf(request, name)).toHaveLength(0);
  });

  test("an upstream image → 415", async ({ request }) => {
    const name = uniq("Upstream image");
    await expectProblem(await importUrl(request, name, `${BASE}/image.png`), 415, "url");
    expect(await versionsOf(request, name)).toHaveLength(0);
  });
});
