/**
 * Several batch workers on one data folder share the lane's queue: each job is taken by exactly one
 * of them and has exactly its rows, and a worker that starts while another is running a job leaves
 * that job to the other (it takes back only jobs whose worker is gone).
 */
import path from "node:path";
import Database from "better-sqlite3";
import { expect, test, type APIRequestContext } from "@playwright/test";
import { freePort, ready, startOwnWebServer } from "../own-server";
import { OWN_SERVER_ADMIN_ENV } from "./auth-helpers";
import { expectJson } from "./helpers";
import { waitForJob, type Job } from "./job-helpers";
import { deployLinear, idCsv } from "./train-helpers";

/** Every job claim the batch workers logged ("[worker:batch] pid N took job X"): job id → the pids that took it. */
function claims(output: string): Map<string, number[]> {
  const byJob = new Map<string, number[]>();
  for (const m of output.matchAll(/\[worker:batch\] pid (\d+) took job (\S+)/g)) byJob.set(m[2], [...(byJob.get(m[2]) ?? []), Number(m[1])]);
  return byJob;
}

const readyWorkers = (output: string) => output.match(/\[worker:batch\] ready/g)?.length ?? 0;

/** Whether no process holds the database's write lock now (taken and given back at once, without waiting). */
function writeLockFree(dataDir: string): boolean {
  const db = new Database(path.join(dataDir, "workbench.sqlite"), { fileMustExist: true, timeout: 0 });
  try {
    db.exec("BEGIN IMMEDIATE");
    db.exec("ROLLBACK");
    return true;
  } catch (e) {
    if ((e as { code?: string }).code === "SQLITE_BUSY") return false;
    throw e;
  } finally {
    db.close();
  }
}

test("two batch workers on one data folder: every job is taken once and has exactly its rows in order; a third that starts while one runs a job leaves it to it", async () => {
  test.setTimeout(300_000);
  const server = startOwnWebServer(await freePort(), OWN_SERVER_ADMIN_ENV, { workers: ["train", "batch", "batch"] });
  let api: APIRequestContext | null = null;
  let paused: number | null = null;
  try {
    api = await ready(server);
    await expect.poll(() => readyWorkers(server.output()), { timeout: 60_000 }).toBe(2);
    const batchPids = server.workers.slice(1).map((w) => w.pid!);
    const ep = await deployLinear(api);

    // Eight jobs at once, of different sizes: rows of one job in another's output would show.
    const sizes = Array.from({ length: 8 }, (_, i) => 20_000 + i * 1000);
    const queued = await Promise.all(
      sizes.map(async (rows) =>
        expectJson<Job>(
          await api!.post(`/api/endpoints/${ep.name}/jobs`, {
            headers: { authorization: `Bearer ${ep.key}`, "content-type": "text/csv" },
            data: Buffer.from(idCsv(rows)),
          }),
          202,
        ),
      ),
    );

    // Hold a job in the middle of its run: the worker that took it is paused (SIGSTOP), alive, its
    // job running — paused between its commits (holding the write lock, it would stall every other writer).
    let held: Job | undefined;
    let heldBy = 0;
    await expect
      .poll(
        async () => {
          for (const [id, [pid]] of claims(server.output())) {
            process.kill(pid, "SIGSTOP");
            const job = await expectJson<Job>(await api!.get(`/api/jobs/${id}`), 200);
            if (job.status === "running" && writeLockFree(server.dataDir)) {
              paused = heldBy = pid;
              held = job;
              return true;
            }
            process.kill(pid, "SIGCONT");
          }
          return false;
        },
        { timeout: 60_000, intervals: [20] },
      )
      .toBe(true);
    // A third batch worker starts meanwhile: the held job's worker is alive, so the job stays its.
    const third = server.addWorker("batch");
    await expect.poll(() => readyWorkers(server.output()), { timeout: 60_000 }).toBe(3);
    expect(server.output()).not.toMatch(/interrupted batch job\(s\) will resume/);
    expect((await expectJson<Job>(await api.get(`/api/jobs/${held!.id}`), 200)).status).toBe("running");
    process.kill(paused!, "SIGCONT");
    paused = null;

    const done = await Promise.all(queued.map((j) => waitForJob(api!, j.id)));
    for (const [i, job] of done.entries()) {
      expect(job, `job ${i}`).toMatchObject({ status: "succeeded", rowsDone: sizes[i], rowsFailed: 0, error: null });
      // Exactly its rows, each once, in order.
      const ids = (await (await api.get(job.outputUrl!)).text())
        .trim()
        .split("\n")
        .slice(1)
        .map((l) => Number(l.split(",")[0]));
      expect(ids.length, `rows of job ${i}`).toBe(sizes[i]);
      const misplaced = ids.findIndex((id, row) => id !== row);
      expect(misplaced, `job ${i}: row ${misplaced} of the output is input row ${ids[misplaced]}`).toBe(-1);
    }
    // Each job was taken by exactly one worker, one of the batch workers.
    const taken = claims(server.output());
    for (const job of queued) expect(taken.get(job.id), `claims of ${job.id}`).toHaveLength(1);
    expect(taken.get(held!.id)).toEqual([heldBy]);
    expect([...taken.values()].flat().every((pid) => [...batchPids, third.pid].includes(pid))).toBe(true);
    test.info().annotations.push({
      type: "jobs per worker",
      description: JSON.stringify([...batchPids, third.pid].map((pid) => [...taken.values()].filter((p) => p[0] === pid).length)),
    });
  } catch (e) {
    console.log(`--- the server's output ---\n${server.output().slice(-5000)}`);
    throw e;
  } finally {
    // A stopped process would not act on the stop's SIGTERM.
    if (paused !== null) process.kill(paused, "SIGCONT");
    await api?.dispose();
    server.stop();
  }
});
