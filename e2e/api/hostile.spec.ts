/**
 * Hostile input against every method of every route file (found on disk at test time, as
 * access.spec.ts finds them, so a new route is covered without anyone adding it): invalid JSON,
 * wrong and missing types, wrong content types, oversize bodies, traversal and injection strings,
 * NUL bytes, very long strings, huge numbers, deep nesting, unicode oddities, bad query and path
 * parameters. On a server of the test's own, seeded with one of everything a path can name:
 * never a 5xx, every 4xx a problem answer with a title and a detail (and `errors[].field` where
 * the input was refused), and nothing stored changed by a refused request (a digest of every table
 * of its SQLite file and its data folder's file list, before and after each batch).
 *
 * The scoring front (lib/integrate/server/serving/front.ts) answers `POST /api/endpoints/{name}/score`,
 * `/jobs` and `/v2/models/{name}/infer` without Next: those paths have route files too, so they are
 * walked here, and over real HTTP they reach the front.
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import Database from "better-sqlite3";
import { expect, test, type APIRequestContext } from "@playwright/test";
import type { Access, Method } from "@/lib/identity/access";
import { atLeast, isRole } from "@/lib/identity/roles";
import { startOwnWebServer, type OwnServer, sidePort } from "../own-server";
import { ADMIN_EMAIL, ADMIN_PASSWORD, MEMBER_PASSWORD, OWN_SERVER_ADMIN_ENV, tokenOn, type ContextFactory } from "./auth-helpers";
import { createProject, expectJson, upload, type ProblemBody } from "./helpers";
import { accessOf, routeFiles, type RouteFile } from "./routes";
import { idCsv, waitForRun, type Run } from "./train-helpers";

/** Requests in flight at once: enough to keep the server busy, few enough for a small machine. */
const CONCURRENCY = 4;
/** Requests between two digests of the stored state. */
const BATCH = 24;

/**
 * What changes on any request, refused or not, and so is left out of the digest:
 * - audit_log: refusals that matter (access denied, failed sign-ins) are recorded by design;
 * - request_logs: every scoring request is logged, refused ones too (monitoring counts errors);
 * - api_tokens.last_used_at: stamped whenever a token authenticates a call.
 */
const CHANGES_ANYWAY = new Set(["audit_log", "request_logs"]);
const COLUMNS_CHANGING_ANYWAY: Record<string, string[]> = { api_tokens: ["last_used_at", "lastUsedAt"] };
/**
 * Files of the data folder left out of its list: the database's own (their sizes move with any
 * write; the digest covers their content), and realtime.beat, rewritten while any request is
 * scored, refused or not, to tell the worker the web server is busy.
 */
const FILES_CHANGING_ANYWAY = /^(workbench\.sqlite(-wal|-shm|-journal)?|realtime\.beat)$/;

// ---------------------------------------------------------------------------------------------
// The corpus

const LONG = "x".repeat(100_000);
const deepArray = (n: number) => "[".repeat(n) + "]".repeat(n);
const deepObject = (n: number) => '{"a":'.repeat(n) + "1" + "}".repeat(n);

/** Values put in every field a route names. */
const HOSTILE_VALUES: [string, unknown][] = [
  ["empty string", ""],
  ["white space", " \t\n"],
  ["NUL", "\u0000"],
  ["NUL inside", "a\u0000b"],
  ["traversal", "../../../../etc/passwd"],
  ["encoded traversal", "..%2F..%2F..%2Fetc%2Fpasswd"],
  ["SQL injection", "x'); DROP TABLE projects; --"],
  ["markup", "<script>alert(1)</script>"],
  ["a file URL", "file:///etc/passwd"],
  ["a cloud metadata URL", "http://169.254.169.254/latest/meta-data/"],
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template-injection payload, sent as it is written.
  ["template", "${7*7}{{7*7}}"],
  ["spreadsheet formula", "=cmd|' /C calc'!A0"],
  ["100 000 characters", LONG],
  ["unicode oddities", "\u202eevil\uFEFF𝕏😀\u0301\u200d"],
  ["lone surrogate", "\ud800x"],
  ["negative", -1],
  ["zero", 0],
  ["fraction", 0.5],
  ["huge number", 1e308],
  ["past safe integers", 2 ** 53 + 1],
  ["NaN as text", "NaN"],
  ["Infinity as text", "Infinity"],
  ["true", true],
  ["null", null],
  ["array", ["a", 1, null]],
  ["object", { $gt: "" }],
  ["nested array", JSON.parse(deepArray(50))],
];

interface BodyCase {
  what: string;
  contentType?: string;
  body: string | Buffer;
}

const json = (what: string, body: string): BodyCase => ({ what, contentType: "application/json", body });

/** Bodies no route can take: sent to real things as well as unknown ones. */
const REFUSED_BODIES: BodyCase[] = [
  json("invalid JSON", "{"),
  json("a trailing comma", '{"a":1,}'),
  json("NaN", "NaN"),
  json("a NUL byte", "\u0000"),
  json("a raw NUL in a string", '{"name":"a\u0000b"}'),
  json("single quotes", "{'name':'x'}"),
  json("a byte-order mark and garbage", "\uFEFF}{"),
  json("2 MiB", `{"name":"${"x".repeat(2 * 1024 * 1024)}"}`),
  { what: "JSON as text/plain", contentType: "text/plain", body: '{"datasetId":"ds_nosuch"}' },
  { what: "XML", contentType: "application/xml", body: "<a><name>x</name></a>" },
  { what: "a form", contentType: "application/x-www-form-urlencoded", body: "name=x&task=regression" },
  { what: "multipart without a boundary", contentType: "multipart/form-data", body: "--x\r\nbroken" },
  { what: "broken multipart", contentType: "multipart/form-data; boundary=x", body: '--x\r\nContent-Disposition: form-data; name="file"\r\n\r\nabc' },
  { what: "a CSV with an open quote", contentType: "text/csv", body: 'a,"b\n1,2\n' },
  { what: "a tar of garbage", contentType: "application/x-tar", body: Buffer.alloc(1024, 0xff) },
  { what: "a CSV of NUL bytes", contentType: "text/csv", body: "\uFEFFa,b\n\u0000,\u0001\n" },
  { what: "JSON with no content type", body: "{}" },
  { what: "a nonsense content type", contentType: "no/such; ;;=", body: "{}" },
];

/** JSON of the wrong shape: refused by any route with a schema, though a loose one may take some. */
const WRONG_SHAPES: BodyCase[] = [
  json("an empty object", "{}"),
  json("null", "null"),
  json("an array", "[]"),
  json("an array of an object", "[{}]"),
  json("a string", '"x"'),
  json("a number", "42"),
  json("1e400", "1e400"),
  json("20 000 nested arrays", deepArray(20_000)),
  json("20 000 nested objects", deepObject(20_000)),
  json("a __proto__ key", '{"__proto__":{"role":"admin"},"constructor":{"prototype":{"role":"admin"}}}'),
];

/** A well-formed upload with hostile parts: a traversal for a name, NUL bytes in the file and its name. */
const MULTIPART: BodyCase = {
  what: "multipart with hostile parts",
  contentType: "multipart/form-data; boundary=hostile",
  body: [
    "--hostile",
    'Content-Disposition: form-data; name="name"',
    "",
    "../../etc/passwd",
    "--hostile",
    'Content-Disposition: form-data; name="meta"',
    "",
    '{"recipeId":"../x","algorithm":"\u0000"}',
    "--hostile",
    'Content-Disposition: form-data; name="file"; filename="../../x\u0000.csv"',
    "Content-Type: text/csv",
    "",
    "id,a\n1,\u0000\n",
    "--hostile--",
    "",
  ].join("\r\n"),
};

/** Query strings: every parameter a route reads, all at once, set to one bad value (the whole target within Node's 16 KiB of headers). */
const QUERY_NAMES = ["limit", "offset", "since", "until", "name", "projectId", "endpoint", "bucket", "all", "missing", "big", "window", "token"];
const QUERY_VALUES = [
  "-1",
  "abc",
  "1e309",
  "NaN",
  "%00",
  "99999999999999999999",
  "'%20OR%201%3D1--",
  "%E0%A4%A",
  "..%2F..%2F",
  "x".repeat(1000),
  "",
  "2026-13-45T99:99:99Z",
];

/** Path segments that name nothing, or worse (not `%2e%2e`: resolved before routing, it names another path, not this parameter). */
const HOSTILE_SEGMENTS = [
  "no-such-thing-4e1a",
  "..%2F..%2F..%2Fetc%2Fpasswd",
  "%00",
  "a%00b",
  "x'%20OR%201%3D1--",
  "%3Cscript%3E",
  "y".repeat(3000),
  "%F0%9F%98%80%E2%80%AE",
  "%E0%A4%A",
  "-1",
  "NaN",
];

// ---------------------------------------------------------------------------------------------
// Sending

interface Req {
  method: Method;
  path: string;
  headers: Record<string, string>;
  body?: string | Buffer;
  what: string;
}

interface Answer {
  status: number;
  contentType: string;
  body: string;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });

/** One request by node:http, so a body goes with no content type, or a GET with none at all, exactly as written. */
function send(base: string, r: Req): Promise<Answer> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { ...r.headers };
    if (r.body !== undefined) headers["content-length"] = Buffer.byteLength(r.body);
    const req = http.request({ host: url.hostname, port: url.port, path: r.path, method: r.method, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, contentType: String(res.headers["content-type"] ?? ""), body: Buffer.concat(chunks).toString("utf8") }),
      );
      res.on("error", reject);
    });
    req.on("error", reject);
    req.setTimeout(60_000, () => req.destroy(new Error("no answer in 60 s")));
    req.end(r.body);
  });
}

async function pool<T, R>(items: T[], n: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]);
      }
    }),
  );
  return out;
}

const label = (r: Req) => `${r.method} ${r.path.length > 120 ? r.path.slice(0, 120) + "…" : r.path} [${r.what}]`;

/** What is wrong with an answer, or null: a 5xx, or a 4xx that is not a useful problem answer. */
function fault(a: Answer): string | null {
  if (a.status >= 500) return `${a.status}: ${a.body.slice(0, 300)}`;
  if (a.status < 400) return null;
  if (!a.contentType.includes("application/problem+json")) return `${a.status} as ${a.contentType || "no content type"}: ${a.body.slice(0, 200)}`;
  let p: ProblemBody;
  try {
    p = JSON.parse(a.body) as ProblemBody;
  } catch {
    return `${a.status}: a problem answer that is not JSON`;
  }
  if (p.status !== a.status) return `${a.status}: the problem says status ${p.status}`;
  if (!p.title || !p.detail) return `${a.status}: no title or detail: ${a.body.slice(0, 200)}`;
  // Refused input names what was wrong with it.
  if ([400, 413, 415, 422].includes(a.status) && !(p.errors?.length && p.errors.every((e) => typeof e.field === "string" && e.field.length > 0))) {
    return `${a.status}: no errors[].field: ${a.body.slice(0, 200)}`;
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Stored state

type Digest = Map<string, string>;

function digest(db: Database.Database, dataDir: string): Digest {
  const out: Digest = new Map();
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all() as string[];
  for (const t of tables) {
    if (CHANGES_ANYWAY.has(t)) continue;
    const skip = COLUMNS_CHANGING_ANYWAY[t] ?? [];
    const cols = (db.prepare(`PRAGMA table_info("${t}")`).all() as { name: string }[]).map((c) => c.name).filter((c) => !skip.includes(c));
    const list = cols.map((c) => `"${c}"`).join(", ");
    const hash = createHash("sha256");
    for (const row of db
      .prepare(`SELECT ${list} FROM "${t}" ORDER BY ${cols.map((_, i) => i + 1).join(", ")}`)
      .raw()
      .iterate())
      hash.update(JSON.stringify(row, (_k, v) => (typeof v === "bigint" ? String(v) : v)));
    out.set(`table ${t}`, hash.digest("hex"));
  }
  const walk = (dir: string): string[] =>
    fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) return walk(full).map((f) => path.join(e.name, f));
      return dir === dataDir && FILES_CHANGING_ANYWAY.test(e.name) ? [] : [`${e.name} ${fs.statSync(full).size}`];
    });
  out.set("files", walk(dataDir).sort().join("\n"));
  return out;
}

/** What differs between two digests: the tables, and the data folder's files added or gone. */
function changed(a: Digest, b: Digest): string[] {
  return [...new Set([...a.keys(), ...b.keys()])]
    .filter((k) => a.get(k) !== b.get(k))
    .map((k) => {
      if (k !== "files") return k;
      const [was, now] = [new Set(a.get(k)!.split("\n")), new Set(b.get(k)!.split("\n"))];
      return `files (gone: ${[...was].filter((f) => !now.has(f)).join(", ") || "none"}; new: ${[...now].filter((f) => !was.has(f)).join(", ") || "none"})`;
    });
}

// ---------------------------------------------------------------------------------------------
// The seed: one of everything a path parameter can name

interface Seed {
  real: Record<string, string>;
  key: string;
  viewerToken: string;
}

const VIEWER = "viewer@hostile.test";

async function seed(factory: ContextFactory, admin: APIRequestContext, base: string): Promise<Seed> {
  const ds = await upload(admin, "hostile data", idCsv(300));
  const project = await createProject(admin, { name: "hostile", task: "regression", datasetId: ds.id, target: "y" });
  await expectJson(
    await admin.put(`/api/projects/${project.id}/recipe`, {
      data: { datasetId: ds.id, target: "y", features: ["a", "b"], steps: [], split: { method: "random", validation: 0.2, seed: 2 } },
    }),
    201,
  );
  const queued = await expectJson<Run>(await admin.post(`/api/projects/${project.id}/runs`, { data: { algorithm: "linear", params: { epochs: 10 } } }), 202);
  const run = await waitForRun(admin, queued.id, ["succeeded", "failed"]);
  expect(run.error).toBeNull();
  const model = await expectJson<{ id: string }>(await admin.post("/api/models", { data: { runId: run.id } }), 201);
  const ep = await expectJson<{ name: string; key: string }>(await admin.post("/api/endpoints", { data: { name: "hostile", modelId: model.id } }), 201);
  const job = await expectJson<{ id: string }>(
    await admin.post(`/api/endpoints/${ep.name}/jobs`, { headers: { authorization: `Bearer ${ep.key}` }, data: { datasetId: ds.id } }),
    202,
  );
  await expect
    .poll(async () => (await expectJson<{ status: string }>(await admin.get(`/api/jobs/${job.id}`), 200)).status, {
      timeout: 120_000,
      intervals: [250, 500, 1000],
    })
    .toBe("succeeded");
  // Once a year, half a year away: the scheduler's ticks never run it during the test.
  const cron = `0 6 1 ${((new Date().getUTCMonth() + 6) % 12) + 1} *`;
  const schedule = await expectJson<{ id: string }>(
    await admin.post("/api/schedules", { data: { name: "hostile", endpoint: ep.name, dataset: "hostile data", cron, timezone: "UTC" } }),
    201,
  );
  const report = await expectJson<{ id: string }>(
    await admin.post("/api/reports", { data: { name: "hostile", endpoint: ep.name, historyDataset: "hostile data", timeColumn: "id", valueColumn: "y" } }),
    201,
  );
  // A rule that never fires: the evaluator's own ticks must not change what the digest covers.
  const rule = await expectJson<{ id: string }>(
    await admin.post("/api/alerts/rules", { data: { endpoint: ep.name, kind: "p99LatencyMs", threshold: 600_000, windowMinutes: 5 } }),
    201,
  );
  // A viewer, with a token; and an invitation left open.
  const invite = await expectJson<{ token: string }>(await admin.post("/api/invites", { data: { role: "viewer", email: VIEWER } }), 201);
  const joined = await admin.post("/api/invites/accept", {
    data: { token: invite.token, email: VIEWER, name: "Viewer", password: MEMBER_PASSWORD },
    headers: { origin: base },
  });
  expect(joined.status(), await joined.text()).toBeLessThan(300);
  const viewerToken = await tokenOn(factory, base, VIEWER, MEMBER_PASSWORD);
  const tokens = await expectJson<{ items: { id: string; userEmail: string | null }[] }>(await admin.get("/api/tokens?all=1"), 200);
  const open = await expectJson<{ id: string }>(await admin.post("/api/invites", { data: { role: "editor" } }), 201);
  const users = await expectJson<{ items: { id: string; email: string }[] }>(await admin.get("/api/users"), 200);
  return {
    key: ep.key,
    viewerToken,
    real: {
      "/api/projects/[id]": project.id,
      "/api/runs/[id]": run.id,
      "/api/datasets/[id]": ds.id,
      "/api/models/[id]": model.id,
      "/api/endpoints/[name]": ep.name,
      "/v2/models/[name]": ep.name,
      "/api/jobs/[id]": job.id,
      "/api/schedules/[id]": schedule.id,
      "/api/reports/[id]": report.id,
      "/api/alerts/rules/[id]": rule.id,
      "/api/invites/[id]": open.id,
      // The viewer's token (the administrator's would end the run if a DELETE were taken).
      "/api/tokens/[id]": tokens.items.find((t) => t.userEmail === VIEWER)!.id,
      "/api/users/[id]": users.items.find((u) => u.email === VIEWER)!.id,
      "/api/auth/[...all]": "sign-in/email",
      "/api/[[...path]]": "no/such/route",
      "/v2/[[...path]]": "no/such/route",
    },
  };
}

/** The pattern with its parameter set to `segment`: the real thing's id, or a hostile one. */
function fill(pattern: string, real: Record<string, string>, segment?: string): string | null {
  if (!/\[/.test(pattern)) return pattern;
  const prefix = Object.keys(real).find((k) => pattern.startsWith(k));
  const value = segment ?? (prefix ? real[prefix] : undefined);
  if (value === undefined) return null;
  return pattern.replace(/\[\[?[^\]]+\]\]?/, value);
}

/** The fields a route names when it is sent `{}` (the top of each path), so hostile values go where they are read. */
async function fieldsOf(base: string, r: Req): Promise<string[]> {
  const a = await send(base, { ...r, headers: { ...r.headers, "content-type": "application/json" }, body: "{}" });
  let fields: string[] = [];
  try {
    fields = ((JSON.parse(a.body) as ProblemBody).errors ?? []).map((e) => e.field.split(".")[0]);
  } catch {
    // not JSON
  }
  const named = [...new Set(fields)].filter((f) => f && f !== "body" && f !== "content-type");
  return named.length ? named : ["name"];
}

/** The requests of one route's method as the administrator (an endpoint's key where that is what it takes). */
async function adminCases(base: string, route: RouteFile, method: Method, s: Seed, auth: Record<string, string>): Promise<Req[]> {
  const access = accessOf(route.pattern, method);
  const headers = access === "key" ? { authorization: `Bearer ${s.key}` } : auth;
  const out: Req[] = [];
  const realPath = fill(route.pattern, s.real);
  const hasParam = route.pattern.includes("[");
  const add = (p: string, what: string, c?: BodyCase) =>
    out.push({ method, path: p, what, headers: { ...headers, ...(c?.contentType ? { "content-type": c.contentType } : {}) }, ...(c ? { body: c.body } : {}) });

  // A method the route refuses is answered 405 before anything is read: a few bodies show it reads none.
  if (route.refused.includes(method)) {
    const p = realPath ?? fill(route.pattern, s.real, "no-such-thing-4e1a")!;
    add(p, "a refused method");
    for (const c of [...REFUSED_BODIES.filter((b) => ["invalid JSON", "2 MiB", "broken multipart"].includes(b.what)), MULTIPART]) add(p, c.what, c);
    return out;
  }
  // A path below the real thing that no route serves (the catch-alls' 404, or another route's answer for an unknown id).
  if (realPath) add(`${realPath.split("?")[0]}/no-such-thing-4e1a`, "a path below it", method === "GET" || method === "OPTIONS" ? undefined : json("{}", "{}"));

  if (method === "GET" || method === "OPTIONS") {
    const extra =
      method === "OPTIONS" ? { origin: "https://evil.example", "access-control-request-method": "DELETE", "access-control-request-headers": "x-evil" } : {};
    if (realPath) {
      for (const v of QUERY_VALUES) add(`${realPath}?${QUERY_NAMES.map((n) => `${n}=${v}`).join("&")}`, `query ${v.slice(0, 20)}`);
      add(`${realPath}?limit=1&limit=x&offset=2&offset=-3`, "repeated parameters");
      add(`${realPath}?since=2030-01-01T00:00:00Z&until=2020-01-01T00:00:00Z`, "since after until");
    }
    if (hasParam) for (const seg of HOSTILE_SEGMENTS) add(fill(route.pattern, s.real, seg)!, `path ${seg.slice(0, 20)}`);
    for (const r of out) Object.assign(r.headers, extra);
    return out;
  }
  // Bodies every route refuses go to the real thing and to an unknown one. Bodies a route might take go
  // to the real thing too, but for a DELETE (what an accepted one changes is allowed; one must not remove what later cases need).
  const unknown = hasParam ? fill(route.pattern, s.real, "no-such-thing-4e1a")! : null;
  const targets = realPath ? [realPath, ...(unknown ? [unknown] : [])] : unknown ? [unknown] : [];
  for (const p of targets) for (const c of REFUSED_BODIES) add(p, c.what, c);
  const loose = unknown ?? realPath;
  if (loose && !(method === "DELETE" && !hasParam)) {
    // Fields as the route names them.
    const fieldsAt = method === "DELETE" || !realPath ? loose : realPath;
    const fields = await fieldsOf(base, { method, path: fieldsAt, headers, what: "" });
    for (const c of [...WRONG_SHAPES, MULTIPART]) add(fieldsAt, c.what, c);
    for (const [what, v] of HOSTILE_VALUES)
      add(fieldsAt, `${fields.join(",")} = ${what}`, json(what, JSON.stringify(Object.fromEntries(fields.map((f) => [f, v])))));
    add(fieldsAt, "an unknown field", json("unknown", JSON.stringify({ [`no_such_field_${"z".repeat(50)}`]: 1 })));
  }
  if (hasParam) for (const seg of HOSTILE_SEGMENTS) add(fill(route.pattern, s.real, seg)!, `path ${seg.slice(0, 20)}`, json("{}", "{}"));
  return out;
}

// ---------------------------------------------------------------------------------------------

const ROUTES = routeFiles();

test("hostile input to every route: never a 5xx, refusals are problem answers naming the field, and change nothing stored", async ({ playwright }) => {
  test.setTimeout(600_000);
  const port = sidePort(1700);
  // Workers for the seed's training run and job only; stopped before the corpus, so nothing moves on its own.
  const server: OwnServer = startOwnWebServer(port, OWN_SERVER_ADMIN_ENV, { worker: true });
  const probe = await playwright.request.newContext({ baseURL: server.base });
  let admin: APIRequestContext | undefined;
  let db: Database.Database | undefined;
  try {
    await expect.poll(async () => (await probe.get("/api/health").catch(() => null))?.status(), { timeout: 90_000 }).toBe(200);
    const adminToken = await tokenOn(playwright.request, server.base, ADMIN_EMAIL, ADMIN_PASSWORD);
    const adminAuth = { authorization: `Bearer ${adminToken}` };
    admin = await playwright.request.newContext({ baseURL: server.base, extraHTTPHeaders: adminAuth });
    const s = await seed(playwright.request, admin, server.base);
    expect(
      server.workers.map((w) => w.exitCode),
      "a worker died during the seed",
    ).toEqual([null, null]);
    await server.stopWorkers();
    // A sweep made once the worker is gone: its trials stay queued.
    const sweep = await expectJson<{ id: string }>(
      await admin.post(`/api/projects/${s.real["/api/projects/[id]"]}/sweeps`, {
        data: { algorithm: "linear", method: "grid", space: { l2: [0, 0.1] }, params: { epochs: 2 } },
      }),
      202,
    );
    s.real["/api/sweeps/[id]"] = sweep.id;

    db = new Database(path.join(server.dataDir, "workbench.sqlite"), { readonly: true, fileMustExist: true });
    // The digest sees what a request changes: a token made now, and nothing else.
    const baseline = digest(db, server.dataDir);
    expect(baseline.size).toBeGreaterThan(20);
    await expectJson(await admin.post("/api/tokens", { data: { name: "probe" } }), 201);
    expect(changed(baseline, digest(db, server.dataDir))).toEqual(["table api_tokens"]);

    const faults: string[] = [];
    const accepted: string[] = [];
    const stateChanges: string[] = [];
    let sent = 0;

    /** Sends a batch, checks every answer, and the stored state before and after it. */
    const runBatch = async (reqs: Req[], again = false): Promise<void> => {
      const before = digest(db!, server.dataDir);
      const answers = await pool(reqs, CONCURRENCY, (r) =>
        send(server.base, r).catch((e: Error) => ({ status: 0, contentType: "", body: `no answer: ${e.message}` })),
      );
      sent += reqs.length;
      const refused: Req[] = [];
      answers.forEach((a, i) => {
        const f = a.status === 0 ? a.body : fault(a);
        if (f) faults.push(`${label(reqs[i])} → ${f}`);
        if (a.status >= 200 && a.status < 300) {
          if (reqs[i].method !== "GET") accepted.push(`${label(reqs[i])} → ${a.status}`);
        } else refused.push(reqs[i]);
      });
      const diff = changed(before, digest(db!, server.dataDir));
      if (!diff.length) return;
      if (refused.length === reqs.length || again) {
        stateChanges.push(`${diff.join(", ")} changed by: ${refused.map(label).join("; ")}`);
        return;
      }
      // Something was accepted and changed things (that is allowed): the refused ones alone must change nothing.
      if (refused.length) await runBatch(refused, true);
    };

    const run = async (reqs: Req[]) => {
      for (let i = 0; i < reqs.length; i += BATCH) await runBatch(reqs.slice(i, i + BATCH));
    };

    // Reads that fill a cache (a profile, a report's data) do so once, before the corpus.
    for (const r of ROUTES) {
      const p = fill(r.pattern, s.real);
      if (p && r.served.includes("GET") && !p.startsWith("/api/auth")) await send(server.base, { method: "GET", path: p, headers: adminAuth, what: "warm" });
    }

    // As the administrator: every method each file serves, and those it answers 405.
    for (const route of ROUTES) {
      for (const method of [...route.served, ...route.refused]) {
        await run(await adminCases(server.base, route, method, s, adminAuth));
      }
    }

    // Anonymous, as a viewer and with an endpoint's key: the guard answers first, with a problem, whatever the input.
    // What each caller must get from a route by its access: a status, "no key" (401, or 404/405 before a key is looked at), or null (not a guard's answer).
    type Expected = number | "no key" | null;
    const callers: { who: string; auth: Record<string, string>; expected: (access: Access) => Expected }[] = [
      { who: "anonymous", auth: {}, expected: (access) => (isRole(access) ? 401 : access === "key" ? "no key" : null) },
      {
        who: "viewer",
        auth: { authorization: `Bearer ${s.viewerToken}` },
        expected: (access) => (isRole(access) ? (atLeast("viewer", access) ? null : 403) : access === "key" ? "no key" : null),
      },
      // An endpoint's key is no personal credential.
      { who: "endpoint key", auth: { authorization: `Bearer ${s.key}` }, expected: (access) => (isRole(access) ? 401 : null) },
    ];
    for (const { who, auth, expected } of callers) {
      for (const route of ROUTES) {
        const p = fill(route.pattern, s.real);
        if (!p) continue;
        for (const method of [...route.served, ...route.refused]) {
          const access = accessOf(route.pattern, method);
          const cases: BodyCase[] =
            method === "GET" || method === "OPTIONS"
              ? []
              : [REFUSED_BODIES[0], REFUSED_BODIES[8], json("hostile", JSON.stringify({ name: LONG, id: "../../x\u0000", role: "admin" }))];
          // Without a body only where nothing can change (a viewer may delete its own token).
          const reqs: Req[] = [
            ...(cases.length ? [] : [{ method, path: `${p}?limit=-1&since=x`, headers: { ...auth }, what: who }]),
            ...cases.map((c) => ({
              method,
              path: p,
              headers: { ...auth, ...(c.contentType ? { "content-type": c.contentType } : {}) },
              body: c.body,
              what: `${who}, ${c.what}`,
            })),
          ];
          const before = digest(db, server.dataDir);
          const answers = await pool(reqs, CONCURRENCY, (r) => send(server.base, r));
          sent += reqs.length;
          answers.forEach((a, i) => {
            const f = fault(a);
            if (f) faults.push(`${label(reqs[i])} → ${f}`);
            const want = expected(access);
            if (typeof want === "number" && a.status !== want) faults.push(`${label(reqs[i])} → ${a.status}, expected ${want}`);
            if (want === "no key" && ![401, 404, 405].includes(a.status))
              faults.push(`${label(reqs[i])} → ${a.status}, expected 401 without the endpoint's key`);
          });
          const diff = changed(before, digest(db, server.dataDir));
          if (diff.length && answers.every((a) => a.status >= 300)) stateChanges.push(`${diff.join(", ")} changed by: ${reqs.map(label).join("; ")}`);
        }
      }
    }

    // What was taken (names are free text: a traversal or markup in one is data, escaped where shown).
    await test.info().attach("accepted.txt", { body: accepted.join("\n"), contentType: "text/plain" });
    console.log(`[hostile] ${sent} requests over ${ROUTES.length} route files; ${accepted.length} accepted (see accepted.txt)`);
    expect(sent).toBeGreaterThan(1000);
    const found = [...faults, ...stateChanges.map((c) => `state: ${c}`)];
    expect(found, found.join("\n")).toEqual([]);
  } finally {
    db?.close();
    await admin?.dispose();
    await probe.dispose();
    agent.destroy();
    server.stop();
  }
});
