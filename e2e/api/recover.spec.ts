/**
 * Crashes and full disks, on servers of the tests' own: a web server killed mid-upload leaves
 * nothing half-made once it starts again, and a full disk is a clear problem (507 for an upload,
 * a failed job naming the reason) with nothing half-written kept.
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { expect, test, type APIRequestContext } from "@playwright/test";
import { freePort, query, ready, startOwnWebServer, type OwnServer } from "../own-server";
import { OWN_SERVER_ADMIN_ENV } from "./auth-helpers";
import { expectJson, expectProblem, uniq, upload } from "./helpers";
import { waitForJob, type Job } from "./job-helpers";
import { deployLinear, idCsv } from "./train-helpers";

/** A personal token for requests made with node:http (Playwright cannot leave a body unfinished). */
async function tokenOn(api: APIRequestContext): Promise<string> {
  return (await expectJson<{ token: string }>(await api.post("/api/tokens", { data: { name: uniq("raw"), expiresInDays: 1 } }), 201)).token;
}

/**
 * Starts a POST whose body streams `rows` CSV lines (idCsv's shape) and is never finished: the
 * server is killed while it still reads. Errors of the dying connection are expected and dropped.
 */
function unfinishedUpload(url: string, headers: Record<string, string>, rows: number): http.ClientRequest {
  const req = http.request(url, { method: "POST", headers: { ...headers, "content-type": "text/csv", "transfer-encoding": "chunked" } });
  req.on("error", () => undefined);
  req.on("response", (res) => res.resume());
  let i = 0;
  const pump = () => {
    if (i === 0) req.write("id,a,b,y\n");
    while (i < rows) {
      const lines: string[] = [];
      for (const end = Math.min(rows, i + 5000); i < end; i++) lines.push(`${i},${(i % 97) / 10},${(i % 89) / 10},${i % 7}`);
      if (!req.write(lines.join("\n") + "\n")) return void req.once("drain", pump);
    }
  };
  pump();
  return req;
}

test("a web server killed mid-upload leaves no half-made version, dataset folder, DuckDB spill or job file once it starts again", async () => {
  test.setTimeout(300_000);
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "workbench-crash-"));
  // The first server has a worker (to train the job's model); it lives on when its web server dies, as under the supervisor.
  const first = startOwnWebServer(port, OWN_SERVER_ADMIN_ENV, { dataDir, worker: true });
  let second: OwnServer | null = null;
  let api: APIRequestContext | null = null;
  const uploads: http.ClientRequest[] = [];
  try {
    api = await ready(first);
    const ep = await deployLinear(api);
    const auth = { authorization: `Bearer ${await tokenOn(api)}` };
    const name = uniq("killed upload");
    uploads.push(unfinishedUpload(`${first.base}/api/datasets?name=${encodeURIComponent(name)}`, auth, 500_000));
    uploads.push(unfinishedUpload(`${first.base}/api/endpoints/${ep.name}/jobs`, { authorization: `Bearer ${ep.key}` }, 500_000));

    // Kill once the version is ingesting with its upload on disk, and the job's file too.
    const jobsDir = path.join(dataDir, "jobs");
    const uploadBytes = () =>
      query<{ id: string }>(dataDir, "SELECT id FROM dataset_versions WHERE status = 'ingesting'").reduce(
        (n, v) => n + (fs.statSync(path.join(dataDir, "datasets", v.id, "upload.csv"), { throwIfNoEntry: false })?.size ?? 0),
        0,
      );
    const jobFileBytes = () =>
      fs.existsSync(jobsDir)
        ? fs.readdirSync(jobsDir).reduce((n, id) => n + (fs.statSync(path.join(jobsDir, id, "input.csv"), { throwIfNoEntry: false })?.size ?? 0), 0)
        : 0;
    await expect.poll(uploadBytes, { timeout: 60_000, intervals: [50] }).toBeGreaterThan(200_000);
    await expect.poll(jobFileBytes, { timeout: 60_000, intervals: [50] }).toBeGreaterThan(0);
    const pending = query<{ id: string }>(dataDir, "SELECT id FROM dataset_versions WHERE status = 'ingesting'");
    expect(pending).toHaveLength(1);
    const knownJobs = new Set(query<{ id: string }>(dataDir, "SELECT id FROM jobs").map((j) => j.id));
    const orphanFolders = fs.readdirSync(jobsDir).filter((id) => !knownJobs.has(id));
    expect(orphanFolders).toHaveLength(1);
    // DuckDB spill folders: the web server's (it converted the model's training data) and the training worker's (it read it).
    const spill = (pid: number | undefined) => path.join(dataDir, "tmp", "duckdb", String(pid));
    expect(fs.existsSync(spill(first.child.pid))).toBe(true);
    expect(fs.existsSync(spill(first.workers[0].pid))).toBe(true);
    process.kill(-first.child.pid!, "SIGKILL");
    await expect.poll(() => first.child.exitCode ?? first.child.signalCode, { timeout: 15_000 }).toBe("SIGKILL");
    expect(uploadBytes(), "the killed server left the version ingesting, with its upload").toBeGreaterThan(0);
    // A deletion cut off between the version's row and its folder.
    const orphan = path.join(dataDir, "datasets", "ds_deletedbeforeitsfolder");
    fs.mkdirSync(orphan);
    fs.writeFileSync(path.join(orphan, "data.parquet"), "PAR1");

    second = startOwnWebServer(port, OWN_SERVER_ADMIN_ENV, { dataDir });
    await api.dispose();
    api = await ready(second);
    await expect.poll(() => second!.output()).toContain("[recover] removed 1 unfinished dataset version(s) left ingesting, with their files\n");
    await expect.poll(() => second!.output()).toContain("[recover] removed 1 dataset folder(s) no version names (a deletion cut off)");
    await expect.poll(() => second!.output()).toContain("[recover] removed 1 DuckDB spill folder(s) of processes that ended");
    await expect.poll(() => second!.output()).toContain("[recover] removed 1 job folder(s) of uploads cut off before their job was queued");
    expect(query(dataDir, "SELECT id FROM dataset_versions WHERE status = 'ingesting'")).toEqual([]);
    expect(fs.existsSync(path.join(dataDir, "datasets", pending[0].id))).toBe(false);
    expect(fs.existsSync(orphan)).toBe(false);
    expect(fs.existsSync(spill(first.child.pid))).toBe(false);
    expect(fs.existsSync(spill(first.workers[0].pid)), "the worker that lives on keeps its spill folder").toBe(true);
    expect(fs.existsSync(path.join(jobsDir, orphanFolders[0]))).toBe(false);
    expect((await expectJson<{ items: { name: string }[] }>(await api.get("/api/datasets"), 200)).items.map((d) => d.name)).not.toContain(name);
    // The restarted server takes the same upload whole.
    expect((await upload(api, name, idCsv(2000))).rowCount).toBe(2000);
  } finally {
    for (const u of uploads) u.destroy();
    await api?.dispose();
    first.stop();
    second?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});

/** Bytes the database may grow by in the tests below before SQLite fails writes as on a full disk (db/client.ts limitGrowth). */
const DISK_FULL_AFTER_BYTES = String(1024 * 1024);

/**
 * A small file system (tmpfs of `bytes`) mounted over `dir`, where this process may mount (root
 * with CAP_SYS_ADMIN, as in a container); null elsewhere. Its unmount is lazy: a process still
 * holding a file there lets go of it later.
 */
function mountSmallDisk(dir: string, bytes: number): { unmount(): void } | null {
  fs.mkdirSync(dir, { recursive: true });
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", `size=${bytes}`, "tmpfs", dir], { stdio: "ignore" });
  } catch {
    return null;
  }
  return { unmount: () => execFileSync("umount", ["-l", dir], { stdio: "ignore" }) };
}

/**
 * Runs `body` against a server of the test's own once it is ready (printing its output when the
 * body fails), then stops it, unmounts its small disk (if any) and removes its data folder.
 */
async function onOwnServer(server: OwnServer, small: { unmount(): void } | null, body: (api: APIRequestContext) => Promise<void>): Promise<void> {
  let api: APIRequestContext | null = null;
  try {
    api = await ready(server);
    await body(api);
  } catch (e) {
    console.log(`--- the server's output ---\n${server.output().slice(-5000)}`);
    throw e;
  } finally {
    await api?.dispose();
    server.stop();
    small?.unmount();
    fs.rmSync(server.dataDir, { recursive: true, force: true });
  }
}

/** A CSV of about `bytes` whose text Parquet cannot squeeze much (random hex). */
function hexCsv(bytes: number): string {
  const lines = ["id,h"];
  for (let i = 0, size = 5; size < bytes; i++) {
    const line = `${i},${randomBytes(12).toString("hex")}`;
    lines.push(line);
    size += line.length + 1;
  }
  return `${lines.join("\n")}\n`;
}

const MIB = 1024 * 1024;
/**
 * Where an upload meets the full disk: its own file, by injected ENOSPC (WORKBENCH_FAULT_FILE_FULL_AFTER_BYTES)
 * or on a small file system over the datasets folder; or, on a small file system its upload fits,
 * DuckDB's write of the Parquet file beside it.
 */
const FULL_DISKS: { where: string; env: Record<string, string>; diskBytes: number; body: () => string }[] = [
  { where: "the upload's file (injected)", env: { WORKBENCH_FAULT_FILE_FULL_AFTER_BYTES: String(MIB) }, diskBytes: 0, body: () => idCsv(100_000) },
  { where: "the upload's file (tmpfs)", env: {}, diskBytes: MIB, body: () => idCsv(100_000) },
  { where: "DuckDB's Parquet file (tmpfs)", env: {}, diskBytes: 2 * MIB, body: () => hexCsv(1.5 * MIB) },
];

for (const disk of FULL_DISKS) {
  test(`a full disk under ${disk.where} is a 507 naming file; nothing of the upload stays and its space is free again`, async () => {
    test.setTimeout(180_000);
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "workbench-upload-full-"));
    const datasets = path.join(dataDir, "datasets");
    const small = disk.diskBytes ? mountSmallDisk(datasets, disk.diskBytes) : null;
    test.skip(disk.diskBytes > 0 && !small, "this process may not mount a file system");
    const server = startOwnWebServer(await freePort(), { ...OWN_SERVER_ADMIN_ENV, ...disk.env }, { dataDir });
    await onOwnServer(server, small, async (api) => {
      const name = uniq("too big for the disk");
      const res = await api.post(`/api/datasets?name=${encodeURIComponent(name)}`, {
        headers: { "content-type": "text/csv" },
        data: Buffer.from(disk.body()),
      });
      const problem = await expectProblem(res, 507, "file");
      expect(problem.title).toBe("Insufficient storage");
      expect(problem.detail).toMatch(/^No space left on device: the server's disk is full/);
      // No version (not even one left ingesting) and no folder.
      expect(query(dataDir, "SELECT id, status FROM dataset_versions")).toEqual([]);
      expect(fs.readdirSync(datasets)).toEqual([]);
      expect((await expectJson<{ items: unknown[] }>(await api.get("/api/datasets"), 200)).items).toEqual([]);
      // What the failed upload took is free again: a smaller file fits.
      expect((await upload(api, name, idCsv(8000))).rowCount).toBe(8000);
    });
  });
}

test("a full disk during a job fails it naming the reason, and none of its output stays", async () => {
  test.setTimeout(300_000);
  // Only the worker's writes meet the full disk: the web server takes the model's data and the job's file.
  const server = startOwnWebServer(await freePort(), OWN_SERVER_ADMIN_ENV, {
    worker: true,
    workerEnv: { WORKBENCH_FAULT_DB_FULL_AFTER_BYTES: DISK_FULL_AFTER_BYTES },
  });
  let api: APIRequestContext | null = null;
  try {
    api = await ready(server);
    const ep = await deployLinear(api);
    const rows = 60_000;
    const queued = await expectJson<Job>(
      await api.post(`/api/endpoints/${ep.name}/jobs`, {
        headers: { authorization: `Bearer ${ep.key}`, "content-type": "text/csv" },
        data: Buffer.from(idCsv(rows)),
      }),
      202,
    );
    const job = await waitForJob(api, queued.id, ["succeeded", "failed", "cancelled"]);
    expect(job.status).toBe("failed");
    expect(job.error).toMatch(/^no space left on device: the job's output could not be written \(database or disk is full\)/);
    expect(job.rowsDone).toBeLessThan(rows);
    expect(job.outputUrl).toBeNull();
    await expectProblem(await api.get(`/api/jobs/${job.id}/output.csv`), 409, "status");
    // Nothing half-written: no folder (input, partial output.csv) and no output table.
    expect(fs.existsSync(path.join(server.dataDir, "jobs", job.id))).toBe(false);
    expect(query(server.dataDir, "SELECT name FROM sqlite_master WHERE name = ?", job.outputTable)).toEqual([]);
  } finally {
    await api?.dispose();
    server.stop();
  }
});

/**
 * The size a job's output.csv may reach in the tests below before its disk is full: the header and
 * a chunk or more (a chunk read through DuckDB, DUCK_CHUNK_ROWS of idCsv's rows, is about 250 KB).
 */
const FILE_FULL_AFTER_BYTES = 384 * 1024;

/**
 * The job's output file meets the full disk (the database has room): on a real small file system
 * where this process may mount one, by injected ENOSPC (WORKBENCH_FAULT_FILE_FULL_AFTER_BYTES) everywhere.
 */
for (const disk of ["injected", "tmpfs"] as const) {
  test(`a full disk under a job's output file (${disk}) fails the job naming the reason; no partial file stays and the app serves on`, async () => {
    test.setTimeout(300_000);
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "workbench-file-full-"));
    const small = disk === "tmpfs" ? mountSmallDisk(path.join(dataDir, "jobs"), FILE_FULL_AFTER_BYTES) : null;
    test.skip(disk === "tmpfs" && !small, "this process may not mount a file system");
    const server = startOwnWebServer(await freePort(), OWN_SERVER_ADMIN_ENV, {
      dataDir,
      worker: true,
      workerEnv: disk === "injected" ? { WORKBENCH_FAULT_FILE_FULL_AFTER_BYTES: String(FILE_FULL_AFTER_BYTES) } : {},
    });
    await onOwnServer(server, small, async (api) => {
      const ep = await deployLinear(api);
      // From a dataset: no input file beside the output on the small disk, only output.csv fills it.
      const rows = 20_000;
      const input = await upload(api, uniq("bigger than the disk"), idCsv(rows));
      const submit = (datasetId: string) => api.post(`/api/endpoints/${ep.name}/jobs`, { headers: { authorization: `Bearer ${ep.key}` }, data: { datasetId } });
      const queued = await expectJson<Job>(await submit(input.id), 202);
      const job = await waitForJob(api, queued.id);
      expect(job.status).toBe("failed");
      expect(job.error).toMatch(
        /^no space left on device: the job's output could not be written \(ENOSPC: no space left on device, write\); its partial output was removed/,
      );
      expect(job.rowsDone).toBeGreaterThan(0);
      expect(job.rowsDone).toBeLessThan(rows);
      // Nothing half-written is offered or kept: no output URL, no folder, no output table.
      expect(job.outputUrl).toBeNull();
      await expectProblem(await api.get(`/api/jobs/${job.id}/output.csv`), 409, "status");
      expect(fs.existsSync(path.join(dataDir, "jobs", job.id))).toBe(false);
      expect(query(dataDir, "SELECT name FROM sqlite_master WHERE name = ?", job.outputTable)).toEqual([]);

      // The web server and the worker serve on: a job whose output fits succeeds whole, its space freed by the failed one's removal.
      const fits = await upload(api, uniq("fits on the disk"), idCsv(500));
      const next = await waitForJob(api, (await expectJson<Job>(await submit(fits.id), 202)).id);
      expect(next.status).toBe("succeeded");
      const lines = (await (await api.get(next.outputUrl!)).text()).trim().split("\n").slice(1);
      expect(lines.map((l) => Number(l.split(",")[0]))).toEqual(Array.from({ length: 500 }, (_, i) => i));
    });
  });
}
