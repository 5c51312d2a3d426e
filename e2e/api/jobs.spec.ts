import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { expect, request as playwrightRequest, test } from "@playwright/test";
import { expectJson, expectProblem, multipartBody, raw, sampleProject, uniq, upload } from "./helpers";
import { waitForJob, type Job } from "./job-helpers";
import { deployLinear, idCsv, waitForRun, type Run } from "./train-helpers";
import { adminContextOn, OWN_SERVER_ADMIN_ENV } from "./auth-helpers";
import { sidePort } from "../own-server";

/** Batch jobs: a dataset version or a CSV scored in chunks to a CSV file and an output table. */

/** POSTs `bytes` of CSV-looking text with chunked transfer encoding (no content-length), 64 KiB at a time. */
function postChunked(url: string, headers: Record<string, string>, bytes: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: "POST", headers: { ...headers, "transfer-encoding": "chunked" } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
    });
    req.on("error", reject);
    const piece = Buffer.alloc(64 * 1024, "1,2,3\n");
    let sent = 0;
    const pump = () => {
      while (sent < bytes) {
        sent += piece.length;
        if (!req.write(piece)) return void req.once("drain", pump);
      }
      req.end();
    };
    pump();
  });
}

/** A job's output table (row, id, a, b, a's SQLite type, error), read from the test server's database file. */
function outputTable(name: string): { row: number; id: unknown; a: unknown; ta: string; b: unknown; error: string | null }[] {
  const port = new URL(test.info().project.use.baseURL!).port;
  const db = new Database(path.join(os.tmpdir(), `workbench-test-data-${port}`, "workbench.sqlite"), { readonly: true });
  try {
    return db.prepare(`SELECT "row", id, a, typeof(a) AS ta, b, error FROM "${name}" ORDER BY "row"`).all() as ReturnType<typeof outputTable>;
  } finally {
    db.close();
  }
}

function parseCsv(text: string): string[][] {
  return text
    .trim()
    .split("\n")
    .map((l) => l.split(","));
}

test("a dataset job keeps every row in order, with the predictions real-time scoring gives", async ({ request }) => {
  test.setTimeout(180_000);
  const ep = await deployLinear(request);
  const input = await upload(request, uniq("job input"), idCsv(10_000));
  const auth = { authorization: `Bearer ${ep.key}` };
  const queued = await expectJson<Job>(await request.post(`/api/endpoints/${ep.name}/jobs`, { headers: auth, data: { datasetId: input.id } }), 202);
  expect(queued).toMatchObject({ status: "queued", rowsTotal: 10_000, rowsDone: 0, outputUrl: null });
  const job = await waitForJob(request, queued.id, ["succeeded", "failed"]);
  expect(job).toMatchObject({ status: "succeeded", rowsTotal: 10_000, rowsDone: 10_000, rowsFailed: 0, error: null });
  expect(job.rate).toBeGreaterThan(0);
  expect(job.outputTable).toMatch(/^job_output_/);

  const res = await request.get(job.outputUrl!);
  expect(res.status()).toBe(200);
  expect(res.headers()["content-type"]).toContain("text/csv");
  const [header, ...rows] = parseCsv(await res.text());
  expect(header).toEqual(["id", "a", "b", "y", "prediction", "error"]);
  expect(rows).toHaveLength(10_000);
  rows.forEach((r, i) => expect(Number(r[0])).toBe(i));

  // Chunked batch scoring equals one-shot real-time scoring of the same rows (spread over the chunks).
  const picks = [0, 1, 4095, 4096, 8191, 8192, 9999];
  const online = await expectJson<{ predictions: number[] }>(
    await request.post(`/api/endpoints/${ep.name}/score`, {
      headers: auth,
      data: { rows: picks.map((i) => ({ a: Number(rows[i][1]), b: Number(rows[i][2]) })) },
    }),
    200,
  );
  // Equal to float32 rounding: a chunk goes through tfjs in one batched pass, a few rows through the typed-array loop.
  picks.forEach((i, k) =>
    expect(Math.abs(Number(rows[i][4]) - online.predictions[k])).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(online.predictions[k]))),
  );
  const { items } = await expectJson<{ items: Job[] }>(await request.get(`/api/endpoints/${ep.name}/jobs`), 200);
  expect(items.map((j) => j.id)).toContain(job.id);
});

test("a text/csv body is streamed to disk and counted as it comes: rowsTotal at once, with or without a last line break", async ({ request }) => {
  test.setTimeout(180_000);
  const ep = await deployLinear(request);
  const post = (body: string) =>
    request.post(`/api/endpoints/${ep.name}/jobs`, { headers: { authorization: `Bearer ${ep.key}`, "content-type": "text/csv" }, data: Buffer.from(body) });
  const csv = idCsv(3000);
  const queued = await expectJson<Job>(await post(csv), 202);
  expect(queued).toMatchObject({ status: "queued", rowsTotal: 3000 });
  expect(await expectJson<Job>(await post(csv.trimEnd()), 202)).toMatchObject({ rowsTotal: 3000 });
  const done = await waitForJob(request, queued.id, ["succeeded", "failed"]);
  expect(done).toMatchObject({ status: "succeeded", rowsDone: 3000, rowsTotal: 3000 });
});

test("row-level failures are recorded per row; past the error threshold the job fails without complete output", async ({ request }) => {
  test.setTimeout(180_000);
  const ep = await deployLinear(request);
  const csv = "id,a,b\n0,1,2\n1,abc,2\n2,3,\n3,4,5\n";
  const send = (threshold?: number) => {
    const parts = [
      { name: "file", fileName: "rows.csv", mimeType: "text/csv", content: Buffer.from(csv) },
      ...(threshold === undefined ? [] : [{ name: "errorThreshold", value: String(threshold) }]),
    ];
    const { contentType, body } = multipartBody(parts);
    return request.post(`/api/endpoints/${ep.name}/jobs`, { headers: { authorization: `Bearer ${ep.key}`, "content-type": contentType }, data: body });
  };
  const queued = await expectJson<Job>(await send(), 202);
  // Counted as the file part streams in.
  expect(queued.rowsTotal).toBe(4);
  const tolerant = await waitForJob(request, queued.id, ["succeeded", "failed"]);
  // Row 1 has text for a number; row 2 misses b, which the recipe does not impute.
  expect(tolerant).toMatchObject({ status: "succeeded", rowsDone: 4, rowsFailed: 2 });
  const errors = await expectJson<{ items: { row: number; message: string }[] }>(await request.get(`/api/jobs/${tolerant.id}/errors`), 200);
  expect(errors.items).toEqual([
    { row: 1, message: expect.stringMatching(/^a: expected a number/) },
    { row: 2, message: expect.stringMatching(/"b"/) },
  ]);
  const rows = parseCsv(await (await request.get(tolerant.outputUrl!)).text());
  expect(rows[2][rows[0].indexOf("prediction")]).toBe("");
  expect(Number(rows[1][rows[0].indexOf("prediction")])).toBeCloseTo(2 * 1 - 2 + 1, 0);
  // The output table: the model's number inputs as numbers SQL can compute on; a cell that is not one, as the text it was; other columns as they came.
  const table = outputTable(tolerant.outputTable);
  expect(table).toEqual([
    { row: 0, id: "0", a: 1, ta: "real", b: 2, error: null },
    { row: 1, id: "1", a: "abc", ta: "text", b: 2, error: expect.stringMatching(/^a: expected a number/) },
    { row: 2, id: "2", a: 3, ta: "real", b: null, error: expect.stringMatching(/"b"/) },
    { row: 3, id: "3", a: 4, ta: "real", b: 5, error: null },
  ]);

  const strict = await waitForJob(request, (await expectJson<Job>(await send(0), 202)).id, ["succeeded", "failed"]);
  expect(strict.status).toBe("failed");
  expect(strict.error).toMatch(/error threshold of 0/);
  await expectProblem(await request.get(`/api/jobs/${strict.id}/output.csv`), 409, "status");
});

test("bad job requests are refused naming the field, before anything runs", async ({ request }) => {
  test.setTimeout(180_000);
  const ep = await deployLinear(request);
  const auth = { authorization: `Bearer ${ep.key}` };
  const post = (data: unknown, headers: Record<string, string> = {}) =>
    request.post(`/api/endpoints/${ep.name}/jobs`, { headers: { ...auth, ...headers }, data });
  const mismatch = await upload(request, uniq("no b"), "id,a\n1,2\n");
  await expectProblem(await post({ datasetId: mismatch.id }), 422, "columns.b");
  await expectProblem(await post(raw("id,a\n1,2\n"), { "content-type": "text/csv" }), 422, "columns.b");
  await expectProblem(await post({ datasetId: "ds_nope" }), 422, "datasetId");
  await expectProblem(await post({ datasetId: mismatch.id, errorThreshold: -5 }), 422, "errorThreshold");
  await expectProblem(await post({ dataset: "x" }), 422);
  await expectProblem(await post(raw("{not json"), { "content-type": "application/json" }), 422, "body");
  // JSON sent as text/plain is read as a CSV it cannot be: a 422 naming file (it was a 500), with a hint.
  const notCsv = await expectProblem(await post(raw('{"datasetId":"ds_nosuch"}'), { "content-type": "text/plain" }), 422, "file");
  expect(notCsv.detail).toMatch(/quote.*looks like JSON/);
  await expectProblem(await post(raw('id,"a"x,b\n1,2,3\n'), { "content-type": "text/csv" }), 422, "file");
  await expectProblem(await post(raw("<xml/>"), { "content-type": "application/xml" }), 415, "content-type");
  // A text/csv body is streamed to disk: one over MAX_UPLOAD_BYTES (8 MiB in the tests) is refused naming the file.
  await expectProblem(await post(Buffer.alloc(8 * 1024 * 1024 + 1, "1,2,3\n"), { "content-type": "text/csv" }), 413, "file");
  // Sent without a length (chunked), the body is counted as it streams: past the limit, still a 413 naming file (read to the end, not a reset).
  const chunked = await postChunked(
    `${test.info().project.use.baseURL}/api/endpoints/${ep.name}/jobs`,
    { ...auth, "content-type": "text/csv" },
    9 * 1024 * 1024,
  );
  expect(chunked.status).toBe(413);
  expect(JSON.parse(chunked.body).errors).toEqual([expect.objectContaining({ field: "file" })]);
  await expectProblem(await request.post(`/api/endpoints/${ep.name}/jobs`, { data: { datasetId: mismatch.id } }), 401, "authorization");
  await expectProblem(await request.post(`/api/endpoints/no-such-endpoint/jobs`, { headers: auth, data: { datasetId: mismatch.id } }), 404);
  await expectProblem(await request.get("/api/jobs/job_nope"), 404);
  await expectProblem(await request.get("/api/jobs/job_nope/output.csv"), 404);
  const { items } = await expectJson<{ items: Job[] }>(await request.get(`/api/endpoints/${ep.name}/jobs`), 200);
  expect(items).toHaveLength(0);
});

test("a cancelled job stops and never offers its output as complete", async ({ request }) => {
  test.setTimeout(180_000);
  const ep = await deployLinear(request);
  const input = await upload(request, uniq("big input"), idCsv(60_000));
  const queued = await expectJson<Job>(
    await request.post(`/api/endpoints/${ep.name}/jobs`, { headers: { authorization: `Bearer ${ep.key}` }, data: { datasetId: input.id } }),
    202,
  );
  const cancelled = await expectJson<Job>(await request.post(`/api/jobs/${queued.id}/cancel`), 200);
  expect(["cancelled", "running"]).toContain(cancelled.status);
  const done = await waitForJob(request, queued.id, ["cancelled", "succeeded", "failed"]);
  expect(done.status).toBe("cancelled");
  expect(done.outputUrl).toBeNull();
  await expectProblem(await request.get(`/api/jobs/${queued.id}/output.csv`), 409, "status");
  await expectProblem(await request.post(`/api/jobs/${queued.id}/cancel`), 409, "status");
});

/** A workbench of its own (server and worker) on another port and data folder, so it can be killed. */
function startOwnServer(port: number, dataDir: string): ChildProcess {
  return spawn(process.execPath, ["--input-type=module", "-e", `import("./scripts/launch.mjs").then((m) => m.launch(${port}))`], {
    cwd: process.cwd(),
    env: { ...process.env, ...OWN_SERVER_ADMIN_ENV, WORKBENCH_DATA_DIR: dataDir, WORKBENCH_SEED_SAMPLES: "0", NODE_ENV: "production" },
    stdio: "ignore",
    detached: true,
  });
}

test("a job whose server is killed mid-way resumes from its last committed chunk on restart", async () => {
  test.setTimeout(300_000);
  const port = sidePort(1000);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "workbench-kill-"));
  let server = startOwnServer(port, dataDir);
  const probe = await playwrightRequest.newContext({ baseURL: `http://127.0.0.1:${port}` });
  let api = probe;
  const kill = (s: ChildProcess) => {
    try {
      process.kill(-s.pid!, "SIGKILL");
    } catch {
      // Gone already.
    }
  };
  try {
    await expect.poll(async () => (await probe.get("/api/health").catch(() => null))?.status(), { timeout: 60_000 }).toBe(200);
    api = await adminContextOn(playwrightRequest, `http://127.0.0.1:${port}`);
    const ep = await deployLinear(api);
    const rows = 150_000;
    const input = await upload(api, uniq("kill input"), idCsv(rows));
    const queued = await expectJson<Job>(
      await api.post(`/api/endpoints/${ep.name}/jobs`, { headers: { authorization: `Bearer ${ep.key}` }, data: { datasetId: input.id } }),
      202,
    );
    // Kill the whole workbench (web server and worker) without warning once some chunks are committed.
    let doneAtKill = 0;
    await expect
      .poll(async () => (doneAtKill = (await expectJson<Job>(await api.get(`/api/jobs/${queued.id}`), 200)).rowsDone), { timeout: 60_000, intervals: [50] })
      .toBeGreaterThan(0);
    kill(server);
    expect(doneAtKill, "the job must still be mid-way when the server dies").toBeLessThan(rows);
    await expect.poll(async () => (await api.get("/api/health").catch(() => null))?.status() ?? 0, { timeout: 15_000 }).toBe(0);

    server = startOwnServer(port, dataDir);
    await expect.poll(async () => (await api.get("/api/health").catch(() => null))?.status(), { timeout: 60_000 }).toBe(200);
    const after = await waitForJob(api, queued.id, ["succeeded", "failed"], 180_000);
    expect(after).toMatchObject({ status: "succeeded", rowsDone: rows, rowsFailed: 0 });
    const [header, ...out] = parseCsv(await (await api.get(after.outputUrl!)).text());
    expect(header[0]).toBe("id");
    expect(out).toHaveLength(rows);
    // Every row once, in order: nothing lost and nothing doubled across the crash.
    out.forEach((r, i) => {
      if (Number(r[0]) !== i) throw new Error(`row ${i} of the output is input row ${r[0]}`);
    });
  } finally {
    kill(server);
    await api.dispose();
    if (api !== probe) await probe.dispose();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});

test("a forecaster's job over history forecasts the next horizon of every series, with the known-ahead values the input supplies", async ({ request }) => {
  test.setTimeout(240_000);
  const project = await sampleProject(request, "Orange juice sales");
  const queued = await expectJson<Run>(
    await request.post(`/api/projects/${project.id}/runs`, { data: { algorithm: "forecaster", params: { ensembleSize: 1 } } }),
    202,
  );
  const run = await waitForRun(request, queued.id, ["succeeded", "failed"]);
  expect(run.error).toBeNull();
  const model = await expectJson<{ id: string }>(await request.post("/api/models", { data: { runId: run.id } }), 201);
  const name = uniq("oj-forecast")
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, "-");
  const ep = await expectJson<{ name: string; key: string }>(await request.post("/api/endpoints", { data: { name, modelId: model.id, mode: "batch" } }), 201);
  // The sample's history: 9 series up to 1992-09-03, with Quantity: the job forecasts what follows.
  const history = (await expectJson<{ items: { id: string; name: string }[] }>(await request.get("/api/datasets"), 200)).items.find(
    (d) => d.name === "Orange juice sales (9 series)",
  )!;
  const job = await expectJson<Job>(
    await request.post(`/api/endpoints/${name}/jobs`, { headers: { authorization: `Bearer ${ep.key}` }, data: { datasetId: history.id } }),
    202,
  );
  const done = await waitForJob(request, job.id, ["succeeded", "failed"]);
  expect(done).toMatchObject({ status: "succeeded", rowsDone: 9 * 12, rowsTotal: 9 * 12 });
  const [header, ...rows] = parseCsv(await (await request.get(done.outputUrl!)).text());
  expect(header.slice(0, 3)).toEqual(["WeekStarting", "Store", "Brand"]);
  const series = new Map<string, string[]>();
  for (const r of rows) series.set(`${r[1]}|${r[2]}`, [...(series.get(`${r[1]}|${r[2]}`) ?? []), r[0]]);
  expect(series.size).toBe(9);
  for (const weeks of series.values()) {
    expect(weeks).toHaveLength(12);
    // Weekly steps after the newest history week, in order.
    expect(Date.parse(weeks[0])).toBeGreaterThan(Date.parse("1992-09-03"));
    weeks.forEach((w, i) => i > 0 && expect(Date.parse(w) - Date.parse(weeks[i - 1])).toBe(7 * 86_400_000));
  }
  for (const r of rows) expect(Number(r[header.indexOf("prediction")])).toBeGreaterThan(0);
});
