import Database from "better-sqlite3";
import http from "node:http";
import net from "node:net";
import path from "node:path";
import { expect, request as playwrightRequest, test } from "@playwright/test";
import { startOwnApp, waitForHealth, type OwnApp } from "../own-app";
import { groupAlive } from "../proc";
import { adminContextOn } from "./auth-helpers";
import { expectJson, uniq, upload } from "./helpers";
import { deployLinear, idCsv, waitForRun, type Run } from "./train-helpers";
import { sidePort } from "../own-server";

/**
 * The supervisor (scripts/launch.mjs) and its processes, each test with an app of its own: a
 * crashed child is started again, one that keeps crashing makes it give up, SIGTERM stops the app
 * without losing an answered request, and queued training never holds a batch job back.
 */

/** Ports of their own, away from the shared test server's and jobs.spec.ts's. */
const port = (n: number) => sidePort(1100 + n);

interface Job {
  id: string;
  status: string;
}

/** Runs `body` against an app of its own, killed (and its data folder removed) whatever happens. */
async function withApp(n: number, opts: Parameters<typeof startOwnApp>[1], body: (app: OwnApp) => Promise<void>): Promise<void> {
  const app = startOwnApp(port(n), opts);
  try {
    await body(app);
  } catch (e) {
    console.log(`--- the app's output ---\n${app.output()}`);
    throw e;
  } finally {
    await app.kill();
  }
}

test("a web server killed with SIGKILL is started again and the app answers; the supervisor says so", async () => {
  test.setTimeout(180_000);
  // Without a standby: the supervisor's restart.
  await withApp(0, { env: { WORKBENCH_WEB_STANDBY: "0" } }, async (app) => {
    await waitForHealth(app.base);
    const first = app.childPid("scripts/server.ts");
    expect(first).toBeDefined();
    process.kill(first!, "SIGKILL");
    await expect.poll(() => app.output(), { timeout: 10_000 }).toContain(`the web server (pid ${first}) exited (killed by SIGKILL); restarting it`);
    await waitForHealth(app.base);
    const second = app.childPid("scripts/server.ts");
    expect(second).toBeDefined();
    expect(second).not.toBe(first);
    // The workers were left alone, and the supervisor still runs.
    expect(app.output()).not.toMatch(/the (training|batch) worker \(pid \d+\) exited/);
    expect(app.supervisor.exitCode).toBeNull();
  });
});

test("a child that keeps crashing makes the supervisor give up, naming it and its exit, stop the others and exit non-zero", async () => {
  test.setTimeout(180_000);
  // A batch worker started with a lane that does not exist exits at once (code 2), every time.
  const crashing = ["--import", "tsx", "scripts/worker.ts", "--lane", "nosuch"];
  await withApp(1, { childArgs: { "batch worker": crashing } }, async (app) => {
    const code = await app.exited;
    expect(code).toBe(1);
    expect(app.output()).toMatch(/giving up: the batch worker exited 5 times within a minute \(last: exit code 2\); stopping the others/);
    expect(app.output()).toContain("usage: worker.ts --lane train|batch");
    // The web server and the training worker were stopped, not left behind.
    await expect.poll(() => groupAlive(app.supervisor.pid!), { timeout: 20_000 }).toBe(false);
  });
});

/** Once the app serves: a real-time endpoint of a linear model deployed on it. */
async function realtimeEndpoint(app: OwnApp): Promise<{ name: string; key: string }> {
  await waitForHealth(app.base);
  const api = await adminContextOn(playwrightRequest, app.base);
  try {
    return await deployLinear(api, { mode: "realtime" });
  } finally {
    await api.dispose();
  }
}

/** Eight clients scoring one row at a time on kept-alive connections until stopped or the app is gone; the requestIds answered 200, and how many got what else. */
function scoringLoad(app: OwnApp, ep: { name: string; key: string }) {
  const answered: string[] = [];
  const others: Record<string, number> = {};
  let stopped = false;
  const client = async () => {
    while (!stopped) {
      try {
        const res = await fetch(`${app.base}/api/endpoints/${ep.name}/score`, {
          method: "POST",
          headers: { authorization: `Bearer ${ep.key}`, "content-type": "application/json" },
          body: JSON.stringify({ rows: [{ a: 1, b: 2 }] }),
        });
        const body = (await res.json()) as { requestId?: string };
        if (res.status === 200 && body.requestId) answered.push(body.requestId);
        else others[res.status] = (others[res.status] ?? 0) + 1;
      } catch (e) {
        const cause = String((e as { cause?: { code?: string } }).cause?.code ?? (e as Error).name);
        others[cause] = (others[cause] ?? 0) + 1;
        // Refused or cut off while stopping: not answered, so not expected in the log.
        if (app.supervisor.exitCode !== null) return;
      }
    }
  };
  const clients = Array.from({ length: 8 }, client);
  return {
    answered,
    others,
    /** Resolves once more than `n` requests were answered. */
    async answeredMoreThan(n: number) {
      try {
        await expect.poll(() => answered.length, { timeout: 120_000 }).toBeGreaterThan(n);
      } catch (e) {
        throw new Error(`${(e as Error).message}\nthe other scoring requests' outcomes: ${JSON.stringify(others)}`);
      }
    },
    async stop() {
      stopped = true;
      await Promise.all(clients);
    },
  };
}

/** Starts the app again on `app`'s data folder and expects every one of `answered` in its request log. */
async function expectLoggedAfterRestart(n: number, app: OwnApp, endpoint: string, answered: string[]): Promise<void> {
  await app.kill({ keepData: true });
  const again = startOwnApp(port(n), { dataDir: app.dataDir });
  try {
    await waitForHealth(again.base);
    const db = new Database(path.join(app.dataDir, "workbench.sqlite"), { readonly: true });
    const logged = new Set((db.prepare("SELECT id FROM request_logs WHERE endpoint_name = ?").all(endpoint) as { id: string }[]).map((r) => r.id));
    db.close();
    const missing = answered.filter((id) => !logged.has(id));
    expect(missing, `${missing.length} of ${answered.length} answered requests are not in the log`).toEqual([]);
  } finally {
    await again.kill({ keepData: true });
  }
}

test("SIGTERM under scoring load: the app exits 0 and, started again, has every answered request in its request log", async () => {
  test.setTimeout(240_000);
  const n = 2;
  await withApp(n, {}, async (app) => {
    const ep = await realtimeEndpoint(app);
    const load = scoringLoad(app, ep);
    await load.answeredMoreThan(300);
    process.kill(app.supervisor.pid!, "SIGTERM");
    const code = await app.exited;
    await load.stop();
    expect(code).toBe(0);
    expect(app.output()).toContain("SIGTERM: stopping");
    // Nothing was restarted during the stop.
    expect(app.output()).not.toContain("restarting it");
    await expectLoggedAfterRestart(n, app, ep.name, load.answered);
  });
});

/**
 * A scoring request whose headers the web server has taken (it answered `100 Continue`) and whose
 * body is held back until `finish`: a request in flight for as long as the test wants.
 */
async function heldScoreRequest(base: string, ep: { name: string; key: string }) {
  const body = JSON.stringify({ rows: [{ a: 1, b: 2 }] });
  const req = http.request(`${base}/api/endpoints/${ep.name}/score`, {
    method: "POST",
    headers: { authorization: `Bearer ${ep.key}`, "content-type": "application/json", "content-length": Buffer.byteLength(body), expect: "100-continue" },
  });
  const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
    req.on("error", reject);
    req.on("response", (res) => {
      let text = "";
      res.on("data", (b: Buffer) => (text += b.toString()));
      res.on("end", () => resolve({ status: res.statusCode!, body: text }));
      res.on("error", reject);
    });
  });
  answer.catch(() => undefined); // awaited through finish(); an early failure must not be unhandled
  await new Promise<void>((resolve, reject) => {
    req.once("continue", resolve);
    req.once("error", reject);
    req.flushHeaders();
  });
  return {
    /** Sends the body; resolves with the answer (rejects when the connection is cut). */
    finish() {
      req.end(body);
      return answer;
    },
  };
}

/** Whether something accepts connections on `port` now. */
const accepts = (p: number) =>
  new Promise<boolean>((resolve) => {
    const socket = net.connect(p, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });

test("Ctrl-C under scoring load (SIGINT to the whole group, then the supervisor's SIGTERM): requests in flight are answered, every answered one is logged, exit 0", async () => {
  test.setTimeout(240_000);
  const n = 7;
  await withApp(n, {}, async (app) => {
    const ep = await realtimeEndpoint(app);
    const load = scoringLoad(app, ep);
    const held = await heldScoreRequest(app.base, ep);
    await load.answeredMoreThan(300);
    // What a terminal's Ctrl-C does: SIGINT to every process of the foreground group (startOwnApp
    // starts the supervisor as a group's leader, its children in the group), the supervisor's SIGTERM after it.
    process.kill(-app.supervisor.pid!, "SIGINT");
    await expect.poll(() => app.output(), { timeout: 10_000 }).toContain("SIGINT: stopping");
    // The web server has begun its stop (it no longer takes connections) and has had both signals;
    // the request it holds must still be answered, not cut off with the process.
    await expect.poll(() => accepts(port(n)), { timeout: 10_000, intervals: [20] }).toBe(false);
    const answer = await held.finish().catch((e: Error) => {
      throw new Error(`the request in flight when the stop began was cut off (${e.message}): the web server did not drain it`);
    });
    expect(answer.status, answer.body).toBe(200);
    load.answered.push((JSON.parse(answer.body) as { requestId: string }).requestId);
    const code = await app.exited;
    await load.stop();
    expect(code).toBe(0);
    expect(app.output()).not.toContain("restarting it");
    await expectLoggedAfterRestart(n, app, ep.name, load.answered);
  });
});

test("with training queued and running, a batch job is started at once by the batch lane; a stop marks the run in training interrupted", async () => {
  test.setTimeout(240_000);
  await withApp(3, {}, async (app) => {
    await waitForHealth(app.base);
    const api = await adminContextOn(playwrightRequest, app.base);
    try {
      const ep = await deployLinear(api);
      // Long runs, more than the training lane can finish for a while.
      const queued: Run[] = [];
      for (let i = 0; i < 4; i++) {
        queued.push(
          await expectJson<Run>(
            await api.post(`/api/projects/${ep.projectId}/runs`, {
              data: { algorithm: "mlp", params: { epochs: 1000, batchSize: 8, earlyStoppingPatience: 0, hiddenUnits: [32, 32] } },
            }),
            202,
          ),
        );
      }
      await waitForRun(api, queued[0].id, ["running"]);
      const job = await expectJson<Job>(
        await api.post(`/api/endpoints/${ep.name}/jobs`, { headers: { authorization: `Bearer ${ep.key}` }, data: { datasetId: ep.datasetId } }),
        202,
      );
      await expect
        .poll(async () => (await expectJson<Job>(await api.get(`/api/jobs/${job.id}`), 200)).status, { timeout: 10_000, intervals: [100, 250] })
        .not.toBe("queued");
      // …while the training it would have waited behind is still there.
      const runs = await Promise.all(queued.map(async (r) => (await expectJson<Run>(await api.get(`/api/runs/${r.id}`), 200)).status));

      // A stop now: the run in training (the first: a 1000-epoch run takes minutes) ends at its next
      // epoch, marked interrupted as a run a dead worker left (it does not resume); queued ones stay queued.
      expect(runs).toEqual(["running", "queued", "queued", "queued"]);
      process.kill(app.supervisor.pid!, "SIGTERM");
      expect(await app.exited).toBe(0);
      const db = new Database(path.join(app.dataDir, "workbench.sqlite"), { readonly: true });
      const after = queued.map((r) => db.prepare("SELECT status, error FROM runs WHERE id = ?").get(r.id) as { status: string; error: string | null });
      db.close();
      expect(after[0]).toEqual({ status: "failed", error: "interrupted: the worker stopped while this run was training; start it again" });
      expect(after.slice(1).map((r) => r.status)).toEqual(["queued", "queued", "queued"]);
    } finally {
      await api.dispose();
    }
  });
});

test("SIGTERM mid-job: the batch worker commits its chunk and leaves the job queued, not failed; the next start finishes it with every row once", async () => {
  test.setTimeout(300_000);
  const n = 4;
  await withApp(n, {}, async (app) => {
    await waitForHealth(app.base);
    let api = await adminContextOn(playwrightRequest, app.base);
    const ep = await deployLinear(api);
    // Enough rows that the job is still running when the stop comes: columnar scoring does 150,000 in under a second.
    const rows = 1_500_000;
    const input = await upload(api, uniq("stop input"), idCsv(rows));
    const job = await expectJson<Job>(
      await api.post(`/api/endpoints/${ep.name}/jobs`, { headers: { authorization: `Bearer ${ep.key}` }, data: { datasetId: input.id } }),
      202,
    );
    await expect
      .poll(async () => (await expectJson<Job & { rowsDone: number }>(await api.get(`/api/jobs/${job.id}`), 200)).rowsDone, {
        timeout: 60_000,
        intervals: [50],
      })
      .toBeGreaterThan(0);
    await api.dispose();
    process.kill(app.supervisor.pid!, "SIGTERM");
    expect(await app.exited).toBe(0);
    expect(app.output()).toMatch(new RegExp(`job ${job.id} stopped after row \\d+; it resumes there on the next start`));
    const db = new Database(path.join(app.dataDir, "workbench.sqlite"), { readonly: true });
    const stored = db.prepare("SELECT status, rows_done AS done, error FROM jobs WHERE id = ?").get(job.id) as {
      status: string;
      done: number;
      error: string | null;
    };
    db.close();
    expect(stored).toMatchObject({ status: "queued", error: null });
    expect(stored.done).toBeGreaterThan(0);
    expect(stored.done, "the job must still be mid-way when the app stops").toBeLessThan(rows);

    await app.kill({ keepData: true });
    const again = startOwnApp(port(n), { dataDir: app.dataDir });
    try {
      await waitForHealth(again.base);
      api = await adminContextOn(playwrightRequest, again.base);
      type Done = Job & { rowsDone: number; outputUrl: string };
      let done: Done | undefined;
      await expect
        .poll(
          async () => {
            done = await expectJson<Done>(await api.get(`/api/jobs/${job.id}`), 200);
            return done.status;
          },
          { timeout: 180_000, intervals: [500] },
        )
        .toBe("succeeded");
      expect(done!.rowsDone).toBe(rows);
      const lines = (await (await api.get(done!.outputUrl)).text()).trim().split("\n").slice(1);
      expect(lines).toHaveLength(rows);
      // Every row once, in order, across the stop.
      lines.forEach((l, i) => {
        if (Number(l.split(",")[0]) !== i) throw new Error(`row ${i} of the output is input row ${l.split(",")[0]}`);
      });
      expect(again.output()).toMatch(new RegExp(`job ${job.id} resumes at row ${stored.done}`));
      await api.dispose();
    } finally {
      await again.kill({ keepData: true });
    }
  });
});

test("a training worker killed with SIGKILL mid-epoch: the supervisor starts it again, the run is marked failed and cannot be registered", async () => {
  test.setTimeout(240_000);
  await withApp(5, {}, async (app) => {
    await waitForHealth(app.base);
    const api = await adminContextOn(playwrightRequest, app.base);
    try {
      const ep = await deployLinear(api, { mode: "realtime" });
      const run = await expectJson<Run>(
        await api.post(`/api/projects/${ep.projectId}/runs`, {
          data: { algorithm: "mlp", params: { epochs: 1000, batchSize: 8, earlyStoppingPatience: 0, hiddenUnits: [32, 32] } },
        }),
        202,
      );
      // Mid-training: some epochs reported, many to go.
      await expect.poll(async () => (await expectJson<Run>(await api.get(`/api/runs/${run.id}`), 200)).progress.epoch, { timeout: 60_000 }).toBeGreaterThan(0);
      const worker = app.childPid("--lane train");
      expect(worker).toBeDefined();
      process.kill(worker!, "SIGKILL");
      await expect.poll(() => app.output(), { timeout: 15_000 }).toContain(`the training worker (pid ${worker}) exited (killed by SIGKILL); restarting it`);
      const failed = await waitForRun(api, run.id, ["failed", "succeeded"]);
      expect(failed).toMatchObject({ status: "failed", error: "interrupted: the worker stopped while this run was training; start it again", metrics: null });
      expect(failed.progress.epoch).toBeLessThan(1000);
      // Half a model is not a model: registering it is refused, and the registry holds only the deployed one.
      const refused = await api.post("/api/models", { data: { runId: run.id } });
      expect(refused.status()).toBe(409);
      expect(refused.headers()["content-type"]).toContain("application/problem+json");
      const models = await expectJson<{ items: { runId: string }[] }>(await api.get("/api/models"), 200);
      expect(models.items.map((m) => m.runId)).not.toContain(run.id);
    } finally {
      await api.dispose();
    }
  });
});

test("a web server killed with SIGKILL hands the port to its standby, which serves at once; a new standby follows", async () => {
  test.setTimeout(180_000);
  await withApp(6, {}, async (app) => {
    await waitForHealth(app.base);
    const api = await adminContextOn(playwrightRequest, app.base);
    try {
      const ep = await deployLinear(api, { mode: "realtime" });
      const score = async () =>
        (
          await fetch(`${app.base}/api/endpoints/${ep.name}/score`, {
            method: "POST",
            headers: { authorization: `Bearer ${ep.key}`, "content-type": "application/json" },
            body: JSON.stringify({ rows: [{ a: 1, b: 2 }] }),
          }).catch(() => null)
        )?.status;
      expect(await score()).toBe(200);
      await expect.poll(() => app.output(), { timeout: 90_000 }).toMatch(/\[server\] standing by \(pid \d+\)/);
      const serving = app.childPid("scripts/server.ts");
      const standby = app.childPid("--standby");
      expect(serving).toBeDefined();
      expect(standby).toBeDefined();
      process.kill(serving!, "SIGKILL");
      await expect
        .poll(() => app.output(), { timeout: 10_000 })
        .toContain(`the web server (pid ${serving}) exited (killed by SIGKILL); its standby (pid ${standby}) takes over`);
      // The standby serves: pages' API, sign-in sessions and tokens, and scoring with the model it had compiled.
      await waitForHealth(app.base);
      await expect.poll(score, { timeout: 10_000 }).toBe(200);
      expect((await api.get("/api/projects")).status()).toBe(200);
      expect(app.output()).not.toContain(`the web server (pid ${serving}) exited (killed by SIGKILL); restarting it`);
      // …and a new standby stands by behind it.
      await expect.poll(() => app.childPid("--standby"), { timeout: 90_000 }).toBeDefined();
      expect(app.childPid("--standby")).not.toBe(standby);
      // The one that took over no longer names itself a standby.
      expect(app.childPid("scripts/server.ts")).toBe(standby);
    } finally {
      await api.dispose();
    }
  });
});
