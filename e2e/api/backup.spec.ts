import { spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { expect, request as playwrightRequest, test, type APIRequestContext } from "@playwright/test";
import { ADMIN_EMAIL, ADMIN_PASSWORD, OWN_SERVER_ADMIN_ENV, signIn } from "./auth-helpers";
import { createProject, expectJson, getRows, upload, uniq, type Dataset, type Project } from "./helpers";
import { idCsv, waitForRun, type Run } from "./train-helpers";
import { sidePort } from "../own-server";

/**
 * `npm run backup` of a workbench of the test's own (web server and worker, real processes) while a
 * batch job runs and scoring requests keep coming; `npm run restore` into a new folder; a workbench
 * started on that folder has everything, with the same keys.
 */

interface Job {
  id: string;
  status: string;
  rowsTotal: number | null;
  rowsDone: number;
  outputUrl: string | null;
}

/** The web server and the workers as separate processes (scripts/server.ts, scripts/worker.ts per lane), on `dataDir`. */
function startWorkbench(port: number, dataDir: string): { base: string; worker: ChildProcess; stop(): Promise<void> } {
  const env = {
    ...process.env,
    ...OWN_SERVER_ADMIN_ENV,
    WORKBENCH_DATA_DIR: dataDir,
    WORKBENCH_SEED_SAMPLES: "0",
    PORT: String(port),
    NODE_ENV: "production" as const,
  };
  const start = (script: string, args: string[] = []) =>
    spawn(process.execPath, ["--import", "tsx", script, ...args], { cwd: process.cwd(), env, stdio: "ignore", detached: true });
  // One worker per lane, as `npm start` runs them; the batch one is the one a test holds.
  const worker = start("scripts/worker.ts", ["--lane", "batch"]);
  const children: ChildProcess[] = [start("scripts/server.ts", ["-p", String(port)]), start("scripts/worker.ts", ["--lane", "train"]), worker];
  return {
    base: `http://127.0.0.1:${port}`,
    worker,
    async stop() {
      for (const c of children) {
        try {
          process.kill(-c.pid!, "SIGCONT");
          process.kill(-c.pid!, "SIGTERM");
        } catch {
          // Gone already.
        }
      }
      await expect.poll(() => children.every((c) => c.exitCode !== null || c.signalCode !== null), { timeout: 30_000 }).toBe(true);
    },
  };
}

async function untilHealthy(base: string): Promise<void> {
  const probe = await playwrightRequest.newContext({ baseURL: base });
  await expect.poll(async () => (await probe.get("/api/health").catch(() => null))?.status(), { timeout: 90_000 }).toBe(200);
  await probe.dispose();
}

/** Signs in as the test administrator and makes an API token; the token is returned to call a restored copy with. */
async function adminToken(base: string): Promise<string> {
  const session = await playwrightRequest.newContext({ baseURL: base, extraHTTPHeaders: { origin: base } });
  await signIn(session, ADMIN_EMAIL, ADMIN_PASSWORD, base);
  const { token } = await expectJson<{ token: string }>(await session.post("/api/tokens", { data: { name: "backup test", expiresInDays: 1 } }), 201);
  await session.dispose();
  return token;
}

/** Runs `npm run <script> -- args` with WORKBENCH_DATA_DIR = dataDir; resolves with its exit code and output. `onOut` sees the output as it comes. */
function npmRun(script: string, args: string[], dataDir: string, onOut?: (out: string) => void): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("npm", ["run", "--silent", script, "--", ...args], { cwd: process.cwd(), env: { ...process.env, WORKBENCH_DATA_DIR: dataDir } });
    let out = "";
    let err = "";
    child.stdout.on("data", (b: Buffer) => {
      out += b.toString();
      onOut?.(out);
    });
    child.stderr.on("data", (b: Buffer) => (err += b.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, out, err }));
  });
}

/**
 * Stops the worker (SIGSTOP) at a moment it holds no write lock on the database (a commit it
 * was stopped in would hold up every write of the web server): stopped, then the lock is tried;
 * when it is held, the worker goes on until the next try (it needs that time to finish its
 * commit) and is stopped again. A poll for that moment, not a retry of the test's steps.
 */
async function holdWorker(worker: ChildProcess, databaseFile: string): Promise<void> {
  await expect(async () => {
    worker.kill("SIGSTOP");
    // Stopped ("T" in /proc/<pid>/stat) before anything is read: no commit lands after that.
    await expect.poll(() => fs.readFileSync(`/proc/${worker.pid}/stat`, "utf8").split(") ")[1][0]).toBe("T");
    const db = new Database(databaseFile, { timeout: 0 });
    try {
      db.exec("BEGIN IMMEDIATE");
      db.exec("ROLLBACK");
    } catch (e) {
      worker.kill("SIGCONT");
      throw e;
    } finally {
      db.close();
    }
  }).toPass({ timeout: 30_000 });
}

async function waitForJob(api: APIRequestContext, id: string, statuses: RegExp, timeout: number): Promise<Job> {
  let job: Job | undefined;
  await expect
    .poll(async () => (job = await expectJson<Job>(await api.get(`/api/jobs/${id}`), 200)).status, { timeout, intervals: [250, 500, 1000] })
    .toMatch(statuses);
  return job!;
}

const sha = (text: string) => createHash("sha256").update(text).digest("hex");

/** Whether a restore left nothing behind in `dir`. */
const isEmptyOrAbsent = (dir: string) => !fs.existsSync(dir) || fs.readdirSync(dir).length === 0;

test("a backup taken during a batch job and scoring load restores into a new folder with every project, dataset, model, endpoint key and job", async () => {
  test.setTimeout(600_000);
  const port = sidePort(1730);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "workbench-backup-"));
  const liveDir = path.join(work, "live");
  const backups = path.join(work, "backups");
  const restoredDir = path.join(work, "restored");
  const live = startWorkbench(port, liveDir);
  let restored: ReturnType<typeof startWorkbench> | null = null;
  const contexts: APIRequestContext[] = [];
  let stopLoad = true;
  try {
    await untilHealthy(live.base);
    const token = await adminToken(live.base);
    const api = await playwrightRequest.newContext({ baseURL: live.base, extraHTTPHeaders: { authorization: `Bearer ${token}` } });
    contexts.push(api);

    // A project with a dataset, a trained and registered model, a real-time endpoint and a finished job.
    const dataset = await upload(api, uniq("backup training"), idCsv(300));
    const datasetRows = (await getRows(api, dataset.id)).rows;
    expect(datasetRows).toHaveLength(300);
    const project = await createProject(api, { name: uniq("backup"), task: "regression", datasetId: dataset.id, target: "y" });
    await expectJson(
      await api.put(`/api/projects/${project.id}/recipe`, {
        data: { datasetId: dataset.id, target: "y", features: ["a", "b"], steps: [], split: { method: "random", validation: 0.2, seed: 2 } },
      }),
      201,
    );
    const queuedRun = await expectJson<Run>(await api.post(`/api/projects/${project.id}/runs`, { data: { algorithm: "linear", params: { epochs: 30 } } }), 202);
    const run = await waitForRun(api, queuedRun.id, ["succeeded", "failed"]);
    expect(run.error).toBeNull();
    const model = await expectJson<{ id: string; version: number }>(await api.post("/api/models", { data: { runId: run.id } }), 201);
    const name = uniq("backup")
      .toLowerCase()
      .replace(/[^a-z0-9-]/g, "-");
    const endpoint = await expectJson<{ name: string; key: string }>(await api.post("/api/endpoints", { data: { name, modelId: model.id } }), 201);
    const keyed = { authorization: `Bearer ${endpoint.key}` };
    const row = { rows: [{ id: 1, a: 0.5, b: -1.5 }] };
    const scored = await expectJson<{ predictions: number[] }>(await api.post(`/api/endpoints/${name}/score`, { headers: keyed, data: row }), 200);
    const postJob = async (rows: number) =>
      expectJson<Job>(
        await api.post(`/api/endpoints/${name}/jobs`, { headers: { ...keyed, "content-type": "text/csv" }, data: Buffer.from(idCsv(rows)) }),
        202,
      );
    const finished = await waitForJob(api, (await postJob(2_000)).id, /^(succeeded|failed)$/, 120_000);
    expect(finished.status).toBe("succeeded");
    const finishedOutput = await (await api.get(finished.outputUrl!)).text();

    // A large job, running, and scoring requests in a loop while the backup is taken. The worker is
    // held (SIGSTOP) from some committed chunks until the backup says its database snapshot is
    // taken, so the snapshot finds the job mid-way; it goes on committing while the files are copied.
    const bigRows = 300_000;
    const big = await postJob(bigRows);
    await expect
      .poll(async () => (await expectJson<Job>(await api.get(`/api/jobs/${big.id}`), 200)).rowsDone, { timeout: 120_000, intervals: [50] })
      .toBeGreaterThan(0);
    await holdWorker(live.worker, path.join(liveDir, "workbench.sqlite"));
    const heldAt = await expectJson<Job>(await api.get(`/api/jobs/${big.id}`), 200);
    stopLoad = false;
    const load = (async () => {
      const statuses: number[] = [];
      while (!stopLoad) statuses.push((await api.post(`/api/endpoints/${name}/score`, { headers: keyed, data: row })).status());
      return statuses;
    })();
    let released = false;
    const backup = await npmRun("backup", [backups], liveDir, (out) => {
      if (released || !out.includes("database snapshot taken")) return;
      released = true;
      live.worker.kill("SIGCONT");
    });
    live.worker.kill("SIGCONT");
    stopLoad = true;
    const statuses = await load;
    expect(backup.code, backup.out + backup.err).toBe(0);
    expect(backup.out).toMatch(/ {2}database: .* \(100 %\)/);
    expect(backup.out).toMatch(/backup complete: /);
    expect(statuses.length).toBeGreaterThan(0);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    const [backupName] = fs.readdirSync(backups);
    expect(backupName).toMatch(/^workbench-/);
    const backupDir = path.join(backups, backupName);

    // The snapshot holds the running job at its committed chunks, and the backup exactly their bytes of output.
    const snapshot = new Database(path.join(backupDir, "workbench.sqlite"), { readonly: true });
    const atSnapshot = snapshot.prepare("SELECT status, rows_done AS done, output_bytes AS bytes FROM jobs WHERE id = ?").get(big.id) as {
      status: string;
      done: number;
      bytes: number;
    };
    snapshot.close();
    expect(atSnapshot).toMatchObject({ status: "running", done: heldAt.rowsDone });
    expect(atSnapshot.done).toBeLessThan(bigRows);
    expect(fs.statSync(path.join(backupDir, "jobs", big.id, "output.csv")).size).toBe(atSnapshot.bytes);

    // The live workbench finishes the job; its output is what the restored one must produce too.
    const bigDone = await waitForJob(api, big.id, /^(succeeded|failed)$/, 300_000);
    expect(bigDone.status).toBe("succeeded");
    const bigOutput = await (await api.get(bigDone.outputUrl!)).text();
    await live.stop();

    // Restore: refused into a folder that is not empty, and a corrupt copy is refused naming its file.
    fs.mkdirSync(path.join(work, "busy"));
    fs.writeFileSync(path.join(work, "busy", "notes.txt"), "keep me");
    const busy = await npmRun("restore", [backupDir, "--to", path.join(work, "busy")], liveDir);
    expect(busy.code).toBe(1);
    expect(busy.err).toMatch(/restore refused: .*busy is not empty \(it holds notes\.txt\); restore only into an empty or new folder/);
    expect(fs.readdirSync(path.join(work, "busy"))).toEqual(["notes.txt"]);

    const corrupt = path.join(work, "corrupt");
    fs.cpSync(backupDir, corrupt, { recursive: true });
    const victim = path.join(corrupt, "jobs", finished.id, "output.csv");
    const bytes = fs.readFileSync(victim);
    bytes[bytes.length >> 1] ^= 0x20;
    fs.writeFileSync(victim, bytes);
    const refused = await npmRun("restore", [corrupt], path.join(work, "never"));
    expect(refused.code).toBe(1);
    expect(refused.err).toContain(`jobs/${finished.id}/output.csv: its checksum differs from the manifest's`);
    expect(isEmptyOrAbsent(path.join(work, "never"))).toBe(true);

    const restore = await npmRun("restore", [backups], restoredDir);
    expect(restore.code, restore.out + restore.err).toBe(0);
    expect(restore.out).toContain(`restored ${backupDir}`);

    // The restored workbench: the same token, projects, dataset versions, models, endpoint keys and jobs.
    restored = startWorkbench(port + 1, restoredDir);
    await untilHealthy(restored.base);
    const again = await playwrightRequest.newContext({ baseURL: restored.base, extraHTTPHeaders: { authorization: `Bearer ${token}` } });
    contexts.push(again);
    expect((await expectJson<Project>(await again.get(`/api/projects/${project.id}`), 200)).name).toBe(project.name);
    const datasetAgain = await expectJson<Dataset>(await again.get(`/api/datasets/${dataset.id}`), 200);
    expect({ contentHash: datasetAgain.contentHash, rowCount: datasetAgain.rowCount }).toEqual({ contentHash: dataset.contentHash, rowCount: 300 });
    // Its rows, from the Parquet file the backup holds.
    expect((await getRows(again, dataset.id)).rows).toEqual(datasetRows);
    expect(await expectJson(await again.get(`/api/models/${model.id}`), 200)).toMatchObject({ id: model.id, version: model.version });
    expect(await expectJson(await again.get(`/api/endpoints/${name}`), 200)).toMatchObject({ name, model: { id: model.id } });
    const scoredAgain = await expectJson<{ predictions: number[] }>(await again.post(`/api/endpoints/${name}/score`, { headers: keyed, data: row }), 200);
    expect(scoredAgain.predictions).toEqual(scored.predictions);
    expect((await expectJson<Job>(await again.get(`/api/jobs/${finished.id}`), 200)).status).toBe("succeeded");
    expect(await (await again.get(`/api/jobs/${finished.id}/output.csv`)).text()).toBe(finishedOutput);
    // The job that was running resumes from its committed chunks and ends with the live one's output: every row once, in order.
    const bigAgain = await waitForJob(again, big.id, /^(succeeded|failed)$/, 300_000);
    expect(bigAgain).toMatchObject({ status: "succeeded", rowsDone: bigRows });
    expect(sha(await (await again.get(`/api/jobs/${big.id}/output.csv`)).text())).toBe(sha(bigOutput));
  } finally {
    stopLoad = true;
    for (const c of contexts) await c.dispose();
    await live.stop().catch(() => undefined);
    await restored?.stop().catch(() => undefined);
    fs.rmSync(work, { recursive: true, force: true });
  }
});
