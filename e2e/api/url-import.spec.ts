import type http from "node:http";
import { expect, test, type APIRequestContext } from "@playwright/test";
import { answer, startTestServer, type TestServer } from "../../lib/shared/server/test-http";
import { freePort, ready, startOwnWebServer, type OwnServer } from "../own-server";
import { OWN_SERVER_ADMIN_ENV } from "./auth-helpers";
import { expectJson, expectProblem, getRows, sha256, uniq, versionsOf, type Dataset } from "./helpers";

/**
 * URL imports fetch from a real HTTP server on localhost, on a port the system picks, which a
 * workbench server of this file's own allow-lists (`URL_IMPORT_ALLOWED_HOSTS=localhost:<port>`):
 * the shared test server's allow-list is fixed when it starts, and a fixed fixture port would
 * make two test runs on one machine meet. The tests run in order in one worker (mode "default"
 * overrides fullyParallel), so both servers start once; unlike "serial", a failing test does not
 * skip the ones after it.
 */
test.describe.configure({ mode: "default" });

const SALES_CSV = "week,store,units,price\n2024-01-01,north,12,2.5\n2024-01-08,north,15,2.25\n2024-01-01,south,7,2.75\n";

let fixture: TestServer;
/** The fixture's origin, the one the workbench may reach. */
let BASE = "";
let workbench: OwnServer;
let workbenchPort = 0;
let api: APIRequestContext;
const hits: string[] = [];

function handler(req: http.IncomingMessage, res: http.ServerResponse) {
  const path = new URL(req.url ?? "/", "http://localhost").pathname;
  hits.push(path);
  switch (path) {
    case "/sales.csv":
      return answer(res, 200, { "content-type": "text/csv; charset=utf-8" }, SALES_CSV);
    case "/redirect-to-sales":
      return answer(res, 302, { location: "/sales.csv" });
    case "/redirect-to-loopback":
      return answer(res, 302, { location: `http://127.0.0.1:${fixture.port}/sales.csv` });
    case "/redirect-to-metadata":
      return answer(res, 301, { location: "http://169.254.169.254/latest/meta-data" });
    case "/redirect-to-file":
      return answer(res, 302, { location: "file:///etc/passwd" });
    case "/image.png":
      return answer(res, 200, { "content-type": "image/png" }, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    default:
      return answer(res, 404, { "content-type": "text/plain" }, "not here");
  }
}

test.beforeAll(async () => {
  test.setTimeout(120_000);
  fixture = await startTestServer(handler, "localhost");
  BASE = `http://localhost:${fixture.port}`;
  workbenchPort = await freePort();
  workbench = startOwnWebServer(workbenchPort, { ...OWN_SERVER_ADMIN_ENV, URL_IMPORT_ALLOWED_HOSTS: `localhost:${fixture.port}` });
  api = await ready(workbench);
});

test.afterAll(async () => {
  await api?.dispose();
  workbench?.stop();
  await fixture?.close();
});

function importUrl(name: string, url: unknown) {
  return api.post("/api/datasets", { data: url === undefined ? { name } : { name, url } });
}

test("importing from the allow-listed host: 201 with the URL as source", async () => {
  const name = uniq("Imported sales");
  const url = `${BASE}/sales.csv`;
  const ds = await expectJson<Dataset>(await importUrl(name, url), 201);
  expect(ds).toMatchObject({ name, version: 1, rowCount: 3, sourceKind: "url", source: url, format: "csv", contentHash: sha256(SALES_CSV) });
  expect(ds.columns.map((c) => [c.name, c.type])).toEqual([
    ["week", "datetime"],
    ["store", "category"],
    ["units", "integer"],
    ["price", "number"],
  ]);
  expect((await getRows(api, ds.id)).rows[0]).toEqual({ week: "2024-01-01T00:00:00.000Z", store: "north", units: 12, price: 2.5 });
  const again = await expectJson<Dataset>(await importUrl(name, url), 201);
  expect(again.version).toBe(2);
});

test("a redirect within the allowed host is followed; source is the final URL", async () => {
  const name = uniq("Redirected sales");
  const ds = await expectJson<Dataset>(await importUrl(name, `${BASE}/redirect-to-sales`), 201);
  expect(ds).toMatchObject({ rowCount: 3, source: `${BASE}/sales.csv` });
});

test.describe("refused URLs: 403 or 422 naming url, nothing created", () => {
  // URLs are functions: the ports are known once beforeAll has run.
  const refused: { what: string; url: () => string; status: number[] }[] = [
    { what: "loopback by address (not allow-listed)", url: () => `http://127.0.0.1:${fixture.port}/sales.csv`, status: [403] },
    { what: "a private address", url: () => "http://10.0.0.1/x.csv", status: [403] },
    { what: "the cloud metadata address", url: () => "http://169.254.169.254/latest/meta-data", status: [403] },
    { what: "IPv6 loopback", url: () => `http://[::1]:${fixture.port}/`, status: [403] },
    { what: "IPv4-mapped IPv6 loopback", url: () => `http://[::ffff:127.0.0.1]:${fixture.port}/sales.csv`, status: [403] },
    { what: "the metadata host name", url: () => "http://metadata.google.internal/", status: [403] },
    { what: "localhost on another port (the workbench's own)", url: () => `http://localhost:${workbenchPort}/api/health`, status: [403] },
    { what: "a redirect to a loopback address", url: () => `${BASE}/redirect-to-loopback`, status: [403] },
    { what: "a redirect to the metadata address", url: () => `${BASE}/redirect-to-metadata`, status: [403] },
    { what: "a redirect to file://", url: () => `${BASE}/redirect-to-file`, status: [403, 422] },
    { what: "a file:// URL", url: () => "file:///etc/passwd", status: [422] },
    { what: "an ftp:// URL", url: () => "ftp://x", status: [422] },
    { what: "a URL with credentials", url: () => `http://user:secret@localhost:${fixture.port}/sales.csv`, status: [403, 422] },
    { what: "not a URL", url: () => "sales.csv", status: [422] },
  ];

  for (const c of refused) {
    test(`${c.what} → ${c.status.join(" or ")}`, async () => {
      const name = uniq(`Refused ${c.what}`);
      const hitsBefore = hits.filter((h) => h === "/sales.csv").length;
      await expectProblem(await importUrl(name, c.url()), c.status, "url");
      expect(await versionsOf(api, name)).toHaveLength(0);
      // Refused before the data was fetched.
      expect(hits.filter((h) => h === "/sales.csv").length).toBe(hitsBefore);
    });
  }

  test("a missing or empty url → 422 naming url", async () => {
    const name = uniq("No url");
    await expectProblem(await importUrl(name, undefined), 422, "url");
    await expectProblem(await importUrl(name, ""), 422, "url");
    await expectProblem(await importUrl(name, 42), 422, "url");
    expect(await versionsOf(api, name)).toHaveLength(0);
  });

  test("a missing name → 422 naming name, and nothing is fetched", async () => {
    const before = hits.length;
    await expectProblem(await api.post("/api/datasets", { data: { url: `${BASE}/sales.csv` } }), 422, "name");
    await expectProblem(await api.post("/api/datasets", { data: { name: " ", url: `${BASE}/sales.csv` } }), 422, "name");
    expect(hits.length).toBe(before);
  });

  test("upstream 404 → 502 naming url", async () => {
    const name = uniq("Missing upstream");
    const problem = await expectProblem(await importUrl(name, `${BASE}/nope.csv`), 502, "url");
    expect(problem.detail).toContain("404");
    expect(await versionsOf(api, name)).toHaveLength(0);
  });

  test("an upstream image → 415", async () => {
    const name = uniq("Upstream image");
    await expectProblem(await importUrl(name, `${BASE}/image.png`), 415, "url");
    expect(await versionsOf(api, name)).toHaveLength(0);
  });
});
