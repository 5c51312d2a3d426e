/**
 * `npm run soak`: issue 14's figures under load and faults, against the built app started here
 * (scripts/launch.mjs, as `npm start` starts it) in a data folder of its own on a free port.
 *   - one-row scoring alone first: the idle p50/p99;
 *   - then the mixed load: 10 clients scoring one row at a time, a 300,000-row CSV job every 10 s,
 *     one UI page a second, and the monitor page's reads (metrics, drift, quality) once a second each;
 *   - resident memory of the web server and the worker(s) every 5 s;
 *   - SIGKILLs of the worker and the web server at random times, with the time until the app serves again;
 *   - at the end: every job's rows (API counts, and the output downloaded and compared with the input),
 *     and the request log's count against the scoring requests answered.
 *
 *   SOAK_SECONDS=120 npm run soak                       the mixed load for 2 minutes (the default)
 *   SOAK_SECONDS=1800 npm run soak                      the 30-minute soak (memory growth after the first 5 minutes)
 *   SOAK_KILL_WORKER=20 SOAK_KILL_WEB=5 npm run soak    kills spread over the run
 * Also SOAK_IDLE_SECONDS (15), SOAK_CONCURRENCY (10), SOAK_JOB_ROWS (300000), SOAK_JOB_EVERY (10 s),
 * SOAK_RECOVERY_TIMEOUT (60 s), SOAK_CHECK_OUTPUTS (20 jobs downloaded at most), SOAK_KEEP=1 (keep the data folder),
 * SOAK_MONITOR=0 (no monitoring reads), and WORKBENCH_MEMORY_LOG_MS=5000 (the web server logs its main thread's and reader threads' heaps).
 * Figures are reported, never asserted: the exit status is non-zero only when the script itself fails.
 */
import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import type { Readable } from "node:stream";
import { parse } from "csv-parse";
import { BENCH_ADMIN, FEATURES, batchCsv, deployRegression, percentile, procStatusMb } from "./serving";
import { freePort } from "../e2e/own-server";
import { childPids, commandLine, gone } from "../e2e/proc";

const num = (name: string, fallback: number) => {
  const v = Number(process.env[name] ?? fallback);
  return Number.isFinite(v) && v >= 0 ? v : fallback;
};
const SECONDS = num("SOAK_SECONDS", 120);
const IDLE_SECONDS = num("SOAK_IDLE_SECONDS", 15);
const WARMUP_SECONDS = 3;
const CONCURRENCY = Math.max(1, num("SOAK_CONCURRENCY", 10));
const JOB_ROWS = num("SOAK_JOB_ROWS", 300_000);
const JOB_EVERY_MS = Math.max(1, num("SOAK_JOB_EVERY", 10)) * 1000;
const KILL_WORKER = num("SOAK_KILL_WORKER", 0);
const KILL_WEB = num("SOAK_KILL_WEB", 0);
const RECOVERY_TIMEOUT_MS = num("SOAK_RECOVERY_TIMEOUT", 60) * 1000;
const CHECK_OUTPUTS = num("SOAK_CHECK_OUTPUTS", 20);
/** SOAK_MONITOR=0 leaves the monitoring reads out (to tell what they cost). */
const MONITOR = process.env.SOAK_MONITOR !== "0";
const MEMORY_EVERY_MS = 5000;
/** Memory growth is measured from this far into the load: the first minutes are caches filling. */
const MEMORY_SETTLE_MS = 5 * 60_000;
const ENDPOINT = "soak-regression";

// ---------------------------------------------------------------------------------------------
// HTTP: one agent per kind of traffic, so a slow upload never holds a scoring client's socket.

let ORIGIN = "";
const scoreAgent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
const otherAgent = new http.Agent({ keepAlive: true });
/** Recovery probes open fresh connections: a kept-alive socket to a dead server proves nothing. */
const probeAgent = new http.Agent({ keepAlive: false });

interface Reply {
  status: number;
  body: string;
  cookies: string[];
}

/** One request; rejects on a network error or after `timeoutMs` (error code "timeout"). */
function send(
  method: string,
  url: string,
  opts: { body?: string | Readable; bytes?: number; headers?: Record<string, string>; agent?: http.Agent; timeoutMs?: number } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { ...opts.headers };
    if (typeof opts.body === "string") {
      headers["content-type"] ??= "application/json";
      headers["content-length"] = Buffer.byteLength(opts.body);
    } else if (opts.bytes !== undefined) headers["content-length"] = opts.bytes;
    const req = http.request(`${ORIGIN}${url}`, { method, agent: opts.agent ?? otherAgent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8"), cookies: res.headers["set-cookie"] ?? [] }));
      res.on("error", reject);
    });
    req.setTimeout(opts.timeoutMs ?? 30_000, () => req.destroy(Object.assign(new Error("timeout"), { code: "timeout" })));
    req.on("error", reject);
    if (opts.body && typeof opts.body !== "string") {
      opts.body.on("error", (e) => req.destroy(e));
      opts.body.pipe(req);
    } else req.end(opts.body);
  });
}

const errorKind = (e: unknown) => String((e as NodeJS.ErrnoException).code ?? (e as Error).message ?? e);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `fn` every `everyMs` until it gives a value (errors count as none); null after `timeoutMs`. */
async function waitFor<T>(fn: () => T | undefined | Promise<T | undefined>, timeoutMs: number, everyMs = 100): Promise<T | null> {
  const started = performance.now();
  for (;;) {
    const value = await Promise.resolve()
      .then(fn)
      .catch(() => undefined);
    if (value !== undefined) return value;
    if (performance.now() - started > timeoutMs) return null;
    await sleep(everyMs);
  }
}

/** As waitFor, but a setup step that does not happen is the script's failure. */
async function must<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const value = await waitFor(fn, timeoutMs, 500);
  if (value === null) throw new Error(`timed out waiting for ${what}`);
  return value;
}

// ---------------------------------------------------------------------------------------------
// What is measured: latencies and errors per kind of request, each with the time it started.

class Tally {
  latencies: number[] = [];
  errors: Record<string, number> = {};
  /** When each failure started (ms since the epoch): split later into inside and outside the kills' recovery windows. */
  errorTimes: number[] = [];
  /** The slowest requests: how long each took and when it started (ms since the epoch), to line them up with the server's log. */
  slowest: { ms: number; wall: number }[] = [];
  ok = 0;

  async time(fn: () => Promise<Reply>, ok = (s: number) => s >= 200 && s < 300): Promise<Reply | null> {
    const wall = Date.now();
    const t = performance.now();
    try {
      const res = await fn();
      const ms = performance.now() - t;
      this.latencies.push(ms);
      if (this.slowest.length < 3 || ms > this.slowest[2].ms) {
        this.slowest.push({ ms, wall });
        this.slowest.sort((a, b) => b.ms - a.ms).splice(3);
      }
      if (ok(res.status)) this.ok++;
      else this.fail(String(res.status), wall);
      return res;
    } catch (e) {
      this.fail(errorKind(e), wall);
      return null;
    }
  }

  fail(kind: string, wall = Date.now()) {
    this.errors[kind] = (this.errors[kind] ?? 0) + 1;
    this.errorTimes.push(wall);
  }

  get errorCount() {
    return this.errorTimes.length;
  }

  summary() {
    const sorted = [...this.latencies].sort((a, b) => a - b);
    const at = (p: number) => (sorted.length ? round(percentile(sorted, p)) : null);
    return {
      requests: this.ok + this.errorCount,
      ok: this.ok,
      p50: at(50),
      p99: at(99),
      max: sorted.length ? round(sorted[sorted.length - 1]) : null,
      errors: this.errorCount,
      errorsByKind: this.errors,
      slowest: this.slowest.map((x) => ({ ms: round(x.ms), at: new Date(x.wall).toISOString() })),
    };
  }
}

const round = (n: number) => Math.round(n * 10) / 10;

/** Every scoring request the server answered (any status), and the 200s: the request log must count them. */
const scored = { answered: 0, ok: 0 };

// ---------------------------------------------------------------------------------------------
// The app's processes: the launcher's descendants, the web server by scripts/server.ts, workers by scripts/worker.ts.

interface AppProcess {
  pid: number;
  /** A standby web server (`--standby`, launch.mjs) serves nothing until the serving one dies: it is not killed as "web". */
  role: "web" | "standby" | "worker";
  /** "web server", "web standby", "worker", or "worker (batch)" for a worker started with `--lane batch`. */
  label: string;
}

function appProcesses(launcherPid: number): AppProcess[] {
  const found: AppProcess[] = [];
  const visit = (pid: number) => {
    for (const child of childPids(pid)) {
      const cmd = commandLine(child);
      if (cmd.some((a) => a.endsWith("scripts/server.ts")))
        found.push(cmd.includes("--standby") ? { pid: child, role: "standby", label: "web standby" } : { pid: child, role: "web", label: "web server" });
      else if (cmd.some((a) => a.endsWith("scripts/worker.ts"))) {
        const lane = cmd[cmd.indexOf("--lane") + 1];
        found.push({ pid: child, role: "worker", label: cmd.includes("--lane") && lane ? `worker (${lane})` : "worker" });
      } else visit(child);
    }
  };
  visit(launcherPid);
  return found;
}

// ---------------------------------------------------------------------------------------------

/**
 * Calls `fn` on ticks `ms` apart until stopped; a tick that comes while the last call is still
 * running is skipped and counted, as a page's interval refetch waits for the read in flight (a
 * stall then shows as one slow request, not as a pile of them that makes the stall longer).
 * Resolves once stopped and the last call ended, with the ticks skipped.
 */
function every(ms: number, stopped: () => boolean, fn: () => Promise<unknown>): Promise<number> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    let n = 0;
    let skipped = 0;
    let inflight: Promise<unknown> | null = null;
    const tick = () => {
      if (stopped()) return void Promise.resolve(inflight).then(() => resolve(skipped));
      if (inflight) skipped++;
      else inflight = fn().finally(() => (inflight = null));
      n++;
      setTimeout(tick, Math.max(0, t0 + n * ms - performance.now()));
    };
    tick();
  });
}

interface SubmittedJob {
  id: string;
  uploadMs: number;
}

interface KillRecord {
  kind: "worker" | "web";
  /** Seconds into the load. */
  at: number;
  pid: number | null;
  label: string | null;
  /** Kill → /api/health and one scoring request both answer 200, ms; null when not serving again within the timeout. */
  servingAfterMs: number | null;
  /** Kill → a new process of the same role and lane is running, ms (null: none within the timeout). */
  backAfterMs: number | null;
  note?: string;
  /** The recovery window, ms since the epoch: errors inside it are the kill's. */
  window: [number, number];
}

async function main() {
  execFileSync(process.execPath, ["scripts/build-if-needed.mjs"], { stdio: "inherit" });
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "workbench-soak-"));
  const dataDir = path.join(root, "data");
  const logFile = path.join(root, "server.log");
  const port = await freePort();
  ORIGIN = `http://127.0.0.1:${port}`;
  const log = fs.openSync(logFile, "a");
  // Started as `npm start` starts it (scripts/launch.mjs), in a process group of its own to stop it whole.
  const launcher = spawn(process.execPath, ["--input-type=module", "-e", `import("./scripts/launch.mjs").then((m) => m.launch(${port}))`], {
    cwd: process.cwd(),
    env: {
      ...process.env,
      WORKBENCH_DATA_DIR: dataDir,
      WORKBENCH_SEED_SAMPLES: "0",
      WORKBENCH_ADMIN_EMAIL: BENCH_ADMIN.email,
      WORKBENCH_ADMIN_PASSWORD: BENCH_ADMIN.password,
      NODE_ENV: "production",
    },
    stdio: ["ignore", log, log],
    detached: true,
  });
  let launcherExit: string | null = null;
  launcher.on("exit", (code, signal) => (launcherExit = `the launcher exited (${signal ?? code})`));
  /** Signals the app's whole process group; false when nothing of it is left. */
  const signalApp = (sig: NodeJS.Signals | 0) => {
    try {
      process.kill(-launcher.pid!, sig);
      return true;
    } catch {
      return false;
    }
  };
  // The app runs in its own process group, which a Ctrl-C of this script does not reach: stop it here.
  for (const sig of ["SIGINT", "SIGTERM"] as const) {
    process.on(sig, () => {
      signalApp("SIGTERM");
      process.exit(130);
    });
  }
  const stopApp = async () => {
    if (!signalApp("SIGTERM")) return;
    if ((await waitFor(() => (signalApp(0) ? undefined : true), 30_000)) === null) signalApp("SIGKILL");
  };
  const csv = await batchCsv(JOB_ROWS);
  try {
    await run({ launcherPid: launcher.pid!, launcherExited: () => launcherExit, dataDir, logFile, csv });
  } finally {
    await stopApp();
    fs.rmSync(csv.file, { force: true });
    if (process.env.SOAK_KEEP === "1") console.log(`data folder kept: ${dataDir}`);
    else fs.rmSync(dataDir, { recursive: true, force: true });
    for (const a of [scoreAgent, otherAgent, probeAgent]) a.destroy();
  }
}

async function run(app: { launcherPid: number; launcherExited: () => string | null; dataDir: string; logFile: string; csv: { file: string; size: number } }) {
  const soakStart = new Date();
  await must("the server", async () => ((await send("GET", "/api/health", { timeoutMs: 5000 })).status === 200 ? true : undefined), 180_000);

  // The bench administrator's session (UI pages) and an API token (everything else), as serving.ts takes them.
  const signIn = await send("POST", "/api/auth/sign-in/email", { body: JSON.stringify(BENCH_ADMIN) });
  if (signIn.status !== 200) throw new Error(`sign-in → ${signIn.status}: ${signIn.body}`);
  const cookie = signIn.cookies.map((c) => c.split(";")[0]).join("; ");
  const made = await send("POST", "/api/tokens", { body: JSON.stringify({ name: "soak", expiresInDays: 7 }), headers: { cookie, origin: ORIGIN } });
  if (made.status !== 201) throw new Error(`token → ${made.status}: ${made.body}`);
  const token = { authorization: `Bearer ${(JSON.parse(made.body) as { token: string }).token}` };
  const api = async <T>(method: string, url: string, body?: unknown): Promise<T> => {
    const res = await send(method, url, { body: body === undefined ? undefined : JSON.stringify(body), headers: token, timeoutMs: 120_000 });
    if (res.status < 200 || res.status >= 300) throw new Error(`${method} ${url} → ${res.status}: ${res.body.slice(0, 300)}`);
    return JSON.parse(res.body) as T;
  };
  const upload = async (name: string, csvText: string) => {
    const boundary = "soak" + Math.random().toString(16).slice(2);
    const body = `--${boundary}\r\ncontent-disposition: form-data; name="name"\r\n\r\n${name}\r\n--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="soak.csv"\r\ncontent-type: text/csv\r\n\r\n${csvText}\r\n--${boundary}--\r\n`;
    const res = await send("POST", "/api/datasets", { body, headers: { ...token, "content-type": `multipart/form-data; boundary=${boundary}` } });
    if (res.status !== 201) throw new Error(`upload → ${res.status}: ${res.body.slice(0, 300)}`);
    return JSON.parse(res.body) as { id: string };
  };
  console.log(
    `# soak: the built app on ${ORIGIN} (${os.cpus().length} cores, node ${process.version}; no sample projects: the load below is all it serves), data folder ${app.dataDir}, server log ${app.logFile}`,
  );
  console.log("training and deploying the bench's regression model (an mlp on 8 features behind impute + scale) …");
  const ep = await deployRegression({ api, upload }, ENDPOINT);
  const key = { authorization: `Bearer ${ep.key}` };

  // One row of the model's schema, drawn from a small pool so drift and quality have varied traffic.
  const pool = Array.from({ length: 64 }, (_, i) =>
    JSON.stringify({ rows: [Object.fromEntries(Array.from({ length: FEATURES }, (_, j) => [`x${j}`, Number(Math.sin(i * 7 + j).toFixed(3))]))] }),
  );
  const scoreOnce = async (agent = scoreAgent, timeoutMs = 30_000) => {
    const res = await send("POST", `/api/endpoints/${ep.name}/score`, { body: pool[Math.floor(Math.random() * pool.length)], headers: key, agent, timeoutMs });
    scored.answered++;
    if (res.status === 200) scored.ok++;
    return res;
  };
  await must("the endpoint to score", async () => ((await scoreOnce()).status === 200 ? true : undefined), 60_000);

  /** CONCURRENCY clients in closed loops until `stopped()`; a failed request is retried after a short pause, not in a busy loop. */
  const scoring = (tally: Tally, stopped: () => boolean) =>
    Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (!stopped()) {
          const res = await tally.time(
            () => scoreOnce(),
            (s) => s === 200,
          );
          if (res?.status !== 200) await sleep(100);
        }
      }),
    );

  // Scoring alone: the idle figures the loaded ones are compared with.
  await scoring(
    new Tally(),
    (
      (end) => () =>
        performance.now() >= end
    )(performance.now() + WARMUP_SECONDS * 1000),
  );
  const idle = new Tally();
  await scoring(
    idle,
    (
      (end) => () =>
        performance.now() >= end
    )(performance.now() + IDLE_SECONDS * 1000),
  );
  const idleSummary = idle.summary();
  console.log(
    `scoring alone (${IDLE_SECONDS} s after ${WARMUP_SECONDS} s warm-up): p50 ${idleSummary.p50} ms, p99 ${idleSummary.p99} ms, max ${idleSummary.max} ms, ${idleSummary.errors} errors`,
  );

  // ---- The mixed load.
  const load = { score: new Tally(), ui: new Tally(), metrics: new Tally(), drift: new Tally(), quality: new Tally(), jobSubmit: new Tally() };
  const jobs: SubmittedJob[] = [];
  const kills: KillRecord[] = [];
  const memory: { t: number; processes: (AppProcess & { mb: number })[] }[] = [];
  let endedEarly: string | null = null;
  const loadStart = Date.now();
  const deadline = performance.now() + SECONDS * 1000;
  const stopped = () => endedEarly !== null || performance.now() >= deadline;
  const clientLoop = monitorEventLoopDelay({ resolution: 10 });
  clientLoop.enable();
  console.log(
    `mixed load for ${SECONDS} s: ${CONCURRENCY} clients scoring one row, a ${JOB_ROWS.toLocaleString("en-US")}-row CSV job every ${JOB_EVERY_MS / 1000} s, one UI page a second, metrics/drift/quality once a second each` +
      (KILL_WORKER || KILL_WEB ? `; ${KILL_WORKER} SIGKILLs of the worker and ${KILL_WEB} of the web server at random times` : "") +
      " …",
  );

  const pages = [`/projects/${ep.projectId}/monitor`, `/endpoints/${ep.name}`, `/projects/${ep.projectId}`];
  let page = 0;
  // The monitor page's window (components/monitor/monitor-view.tsx: a day by default), ending at each read.
  const monitorUrl = (what: string) => `/api/endpoints/${ep.name}/${what}?since=${encodeURIComponent(new Date(Date.now() - 24 * 60 * 60_000).toISOString())}`;

  const submitJob = async () => {
    const t = performance.now();
    const res = await load.jobSubmit.time(
      () =>
        send("POST", `/api/endpoints/${ep.name}/jobs`, {
          body: fs.createReadStream(app.csv.file),
          bytes: app.csv.size,
          headers: { ...key, "content-type": "text/csv" },
          timeoutMs: 300_000,
        }),
      (s) => s === 202,
    );
    if (res?.status === 202) jobs.push({ id: (JSON.parse(res.body) as { id: string }).id, uploadMs: performance.now() - t });
  };

  const sampleMemory = async () => {
    const procs = appProcesses(app.launcherPid);
    memory.push({ t: Date.now() - loadStart, processes: procs.map((p) => ({ ...p, mb: procStatusMb(p.pid, "VmRSS") })) });
  };

  /**
   * Kill → /api/health and one scoring request both answered 200 (fresh connections), polled every
   * 100 ms; null when the app does not come back. A probe may take as long as a stalled server
   * takes to answer: the figure is when the app answers again, slow or not.
   */
  const untilServing = async (since: number): Promise<{ ms: number | null; note?: string }> => {
    while (performance.now() - since < RECOVERY_TIMEOUT_MS) {
      const exited = app.launcherExited();
      if (exited) return { ms: null, note: `${exited}: nothing restarts the app` };
      const health = await send("GET", "/api/health", { agent: probeAgent, timeoutMs: 10_000 }).catch(() => null);
      if (health?.status === 200 && (await scoreOnce(probeAgent, 10_000).catch(() => null))?.status === 200) return { ms: performance.now() - since };
      await sleep(100);
    }
    return { ms: null, note: `not serving again within ${RECOVERY_TIMEOUT_MS / 1000} s` };
  };

  const killPlan = [...Array.from({ length: KILL_WORKER }, () => "worker" as const), ...Array.from({ length: KILL_WEB }, () => "web" as const)]
    .map((kind) => ({ kind, at: SECONDS * (0.1 + 0.8 * Math.random()) }))
    .sort((a, b) => a.at - b.at);

  const killer = async () => {
    for (const plan of killPlan) {
      while (!stopped() && Date.now() - loadStart < plan.at * 1000) await sleep(100);
      if (stopped()) break;
      const at = (Date.now() - loadStart) / 1000;
      const wallStart = Date.now();
      // A worker that is restarting is waited for (bounded): a kill needs a victim.
      const candidates = await waitFor(async () => {
        const c = appProcesses(app.launcherPid).filter((p) => p.role === plan.kind);
        return c.length ? c : undefined;
      }, 30_000);
      if (!candidates) {
        kills.push({
          kind: plan.kind,
          at,
          pid: null,
          label: null,
          servingAfterMs: null,
          backAfterMs: null,
          note: `no ${plan.kind} process to kill`,
          window: [wallStart, Date.now()],
        });
        continue;
      }
      const victim = candidates[Math.floor(Math.random() * candidates.length)];
      try {
        process.kill(victim.pid, "SIGKILL");
      } catch {
        kills.push({
          kind: plan.kind,
          at,
          pid: null,
          label: victim.label,
          servingAfterMs: null,
          backAfterMs: null,
          note: `the ${victim.label} was gone before the kill`,
          window: [wallStart, Date.now()],
        });
        continue;
      }
      const t = performance.now();
      await waitFor(() => (gone(victim.pid) ? true : undefined), 5000, 10);
      // Serving again, and a new process in the killed one's place (same role and lane), timed side by side.
      const [serving, back] = await Promise.all([
        untilServing(t),
        waitFor(async () => {
          if (app.launcherExited()) return null;
          return appProcesses(app.launcherPid).some((p) => p.label === victim.label && p.pid !== victim.pid) ? performance.now() - t : undefined;
        }, RECOVERY_TIMEOUT_MS),
      ]);
      kills.push({
        kind: plan.kind,
        at,
        pid: victim.pid,
        label: victim.label,
        servingAfterMs: serving.ms,
        backAfterMs: back,
        note: serving.note,
        window: [wallStart, Date.now()],
      });
      console.log(
        `  ${at.toFixed(0)} s: SIGKILL ${victim.label} (pid ${victim.pid}) → ${serving.ms === null ? `NOT serving again (${serving.note})` : `serving again after ${Math.round(serving.ms)} ms`}; ${back === null ? "no new process" : `a new one after ${Math.round(back)} ms`}`,
      );
      // The app is down for good (today's launcher stops everything when the web server dies): the rest of the load would only count refusals.
      if (serving.ms === null) endedEarly = `after a SIGKILL of the ${victim.label} at ${at.toFixed(0)} s: ${serving.note}`;
    }
  };

  await sampleMemory();
  let loadSeconds = 0;
  const [, ...skips] = await Promise.all([
    scoring(load.score, stopped).then(() => (loadSeconds = (Date.now() - loadStart) / 1000)),
    every(JOB_EVERY_MS, stopped, submitJob),
    every(1000, stopped, () => load.ui.time(() => send("GET", pages[page++ % pages.length], { headers: { cookie }, timeoutMs: 60_000 }))),
    ...(MONITOR
      ? [
          every(1000, stopped, () => load.metrics.time(() => send("GET", monitorUrl("metrics"), { headers: token, timeoutMs: 60_000 }))),
          every(1000, stopped, () => load.drift.time(() => send("GET", monitorUrl("drift"), { headers: token, timeoutMs: 60_000 }))),
          every(1000, stopped, () => load.quality.time(() => send("GET", monitorUrl("quality"), { headers: token, timeoutMs: 60_000 }))),
        ]
      : []),
    every(MEMORY_EVERY_MS, stopped, sampleMemory),
    killer(),
  ]);
  const skipped = { jobSubmit: skips[0], ui: skips[1], ...(MONITOR ? { metrics: skips[2], drift: skips[3], quality: skips[4] } : {}) } as Record<
    string,
    number | undefined
  >;
  await sampleMemory();
  clientLoop.disable();
  const drainSeconds = (Date.now() - loadStart) / 1000 - loadSeconds;
  console.log(
    `load done after ${loadSeconds.toFixed(0)} s${endedEarly ? ` (ended early ${endedEarly})` : ""}; the requests in flight then ended ${drainSeconds.toFixed(1)} s later`,
  );

  // ---- After the load: the request log against the scoring requests answered, then every job.
  const serving = !app.launcherExited() && (await send("GET", "/api/health", { timeoutMs: 5000 }).catch(() => null))?.status === 200;
  const requestLog = serving ? await reconcileLog(api, ep.name, soakStart) : null;
  const jobResults = serving ? await checkJobs(api, token, ep.name, jobs, kills, app.csv.file) : null;

  // ---- The report.
  const scoreLoad = load.score.summary();
  const killWindows = kills.map((k) => k.window);
  const outsideKills = (t: Tally) => t.errorTimes.filter((w) => !killWindows.some(([a, b]) => w >= a && w <= b)).length;
  const perKind = Object.fromEntries(
    Object.entries(load).map(([k, t]) => [
      k,
      { ...t.summary(), errorsOutsideKillWindows: outsideKills(t), ...(skipped[k] !== undefined ? { ticksSkipped: skipped[k] } : {}) },
    ]),
  );
  const mem = memoryReport(memory);
  const killSummary = (kind: "worker" | "web") => {
    const ks = kills.filter((k) => k.kind === kind);
    const times = ks.map((k) => k.servingAfterMs).filter((m): m is number => m !== null);
    return {
      planned: kind === "worker" ? KILL_WORKER : KILL_WEB,
      done: ks.filter((k) => k.pid !== null).length,
      notServingAgain: ks.filter((k) => k.pid !== null && k.servingAfterMs === null).length,
      maxServingAgainMs: times.length ? Math.round(Math.max(...times)) : null,
      maxNewProcessMs: ks.some((k) => k.backAfterMs !== null) ? Math.round(Math.max(...ks.map((k) => k.backAfterMs ?? 0))) : null,
      kills: ks.map(({ window: _w, ...k }) => ({
        ...k,
        at: round(k.at),
        servingAfterMs: k.servingAfterMs === null ? null : Math.round(k.servingAfterMs),
        backAfterMs: k.backAfterMs === null ? null : Math.round(k.backAfterMs),
      })),
    };
  };
  const summary = {
    run: {
      seconds: SECONDS,
      loadSeconds: round(loadSeconds),
      drainSeconds: round(drainSeconds),
      endedEarly,
      idleSeconds: IDLE_SECONDS,
      concurrency: CONCURRENCY,
      jobRows: JOB_ROWS,
      jobEverySeconds: JOB_EVERY_MS / 1000,
      cores: os.cpus().length,
      node: process.version,
      startedAt: soakStart.toISOString(),
      clientEventLoopDelayMs: { p99: round(clientLoop.percentile(99) / 1e6), max: round(clientLoop.max / 1e6) },
    },
    scoring: {
      idle: idleSummary,
      load: { ...perKind.score, rps: round(scoreLoad.requests / loadSeconds) },
      p99Ratio: idleSummary.p99 && scoreLoad.p99 !== null ? Math.round((scoreLoad.p99 / idleSummary.p99) * 100) / 100 : null,
    },
    ui: perKind.ui,
    monitoring: { metrics: perKind.metrics, drift: perKind.drift, quality: perKind.quality },
    jobs: {
      submitted: jobs.length,
      submitErrors: perKind.jobSubmit.errors,
      ticksSkipped: perKind.jobSubmit.ticksSkipped,
      submitErrorsByKind: perKind.jobSubmit.errorsByKind,
      uploadMsMax: jobs.length ? Math.round(Math.max(...jobs.map((j) => j.uploadMs))) : null,
      ...(jobResults ?? { checked: false }),
    },
    requestLog: requestLog ?? { checked: false },
    memory: mem,
    kills: { worker: killSummary("worker"), web: killSummary("web") },
  };
  printReport(summary);
  console.log("\n## JSON summary");
  console.log(JSON.stringify(summary, null, 2));
}

/** The metrics route over the run's window against the scoring requests this script saw answered, polled until the log catches up (bounded). */
async function reconcileLog(api: <T>(method: string, url: string, body?: unknown) => Promise<T>, name: string, since: Date) {
  const started = performance.now();
  let last: { requests: number; errors: number } | null = null;
  let stableSince = performance.now();
  for (;;) {
    const m = await api<{ requests: number; errors: number }>("GET", `/api/endpoints/${name}/metrics?since=${encodeURIComponent(since.toISOString())}`).catch(
      () => null,
    );
    if (m && (!last || m.requests !== last.requests)) stableSince = performance.now();
    if (m) last = m;
    const caughtUp = last && last.requests >= scored.answered;
    // Caught up, or no change for 10 s, or 60 s in all: the figure is what the log holds then.
    if (caughtUp || performance.now() - stableSince > 10_000 || performance.now() - started > 60_000) break;
    await sleep(500);
  }
  return {
    checked: true,
    logged: last?.requests ?? null,
    loggedErrors: last?.errors ?? null,
    answered: scored.answered,
    answered200: scored.ok,
    difference: last ? last.requests - scored.answered : null,
    waitedMs: Math.round(performance.now() - started),
  };
}

interface JobState {
  id: string;
  status: string;
  rowsTotal: number | null;
  rowsDone: number;
  rowsFailed: number;
  error: string | null;
  createdAt: string;
  finishedAt: string | null;
}

/**
 * Waits (bounded) for every submitted job to end, then checks each succeeded one: the API's counts
 * say exactly its rows, and — for up to SOAK_CHECK_OUTPUTS of them, those that lived through a
 * kill first — the downloaded output holds every input row once, in order, with a prediction.
 */
async function checkJobs(
  api: <T>(method: string, url: string, body?: unknown) => Promise<T>,
  token: Record<string, string>,
  name: string,
  jobs: SubmittedJob[],
  kills: KillRecord[],
  inputFile: string,
) {
  const ids = new Set(jobs.map((j) => j.id));
  const waitStarted = performance.now();
  // The backlog the load left: as long as its jobs took to submit, and at least 5 minutes.
  const bound = Math.max(300_000, jobs.length * JOB_EVERY_MS);
  let states: JobState[] = [];
  for (;;) {
    const list = await api<{ items: JobState[] }>("GET", `/api/endpoints/${name}/jobs`).catch(() => null);
    if (list) states = list.items.filter((j) => ids.has(j.id));
    const open = states.filter((j) => j.status === "queued" || j.status === "running").length;
    if (list && open === 0) break;
    if (performance.now() - waitStarted > bound) break;
    await sleep(2000);
  }
  const byId = new Map(states.map((s) => [s.id, s]));
  const succeeded = jobs.filter((j) => byId.get(j.id)?.status === "succeeded");
  const wrongCounts = succeeded.filter((j) => {
    const s = byId.get(j.id)!;
    return s.rowsTotal !== JOB_ROWS || s.rowsDone !== JOB_ROWS || s.rowsFailed !== 0;
  });
  // Jobs that existed, unfinished, when a process was killed are checked first.
  const throughKill = (j: SubmittedJob) => {
    const s = byId.get(j.id);
    return kills.some((k) => k.pid !== null && s !== undefined && k.window[0] >= Date.parse(s.createdAt) && k.window[0] <= Date.parse(s.finishedAt ?? "9999"));
  };
  const toDownload = [...succeeded.filter(throughKill), ...succeeded.filter((j) => !throughKill(j))].slice(0, CHECK_OUTPUTS);
  const input = readInput(inputFile);
  const outputProblems: { id: string; problem: string }[] = [];
  for (const j of toDownload) {
    const problem = await checkOutput(j.id, token, input).catch((e: Error) => `download failed: ${e.message}`);
    if (problem) outputProblems.push({ id: j.id, problem });
  }
  const count = (status: string) => jobs.filter((j) => byId.get(j.id)?.status === status).length;
  return {
    checked: true,
    succeeded: succeeded.length,
    failed: count("failed"),
    stillOpen: jobs.filter((j) => ["queued", "running"].includes(byId.get(j.id)?.status ?? "")).length,
    other: jobs.filter((j) => !["succeeded", "failed", "queued", "running"].includes(byId.get(j.id)?.status ?? "")).length,
    failures: jobs.filter((j) => byId.get(j.id)?.status === "failed").map((j) => ({ id: j.id, error: byId.get(j.id)!.error })),
    throughKills: jobs.filter(throughKill).length,
    rowCountsExact: succeeded.length - wrongCounts.length,
    wrongCounts: wrongCounts.map((j) => ({ id: j.id, ...pick(byId.get(j.id)!) })),
    outputsDownloaded: toDownload.length,
    outputsExact: toDownload.length - outputProblems.length,
    outputProblems,
    waitedForJobsMs: Math.round(performance.now() - waitStarted),
  };
}

const pick = (s: JobState) => ({ rowsTotal: s.rowsTotal, rowsDone: s.rowsDone, rowsFailed: s.rowsFailed });

/** The job's input as numbers, row-major: what every output row must repeat. */
function readInput(file: string): Float64Array {
  const lines = fs.readFileSync(file, "utf8").split("\n").slice(1).filter(Boolean);
  const values = new Float64Array(lines.length * FEATURES);
  lines.forEach((line, i) => line.split(",").forEach((v, j) => (values[i * FEATURES + j] = Number(v))));
  return values;
}

/** Streams a job's output.csv and compares it with the input; returns what is wrong, or null. */
async function checkOutput(id: string, token: Record<string, string>, input: Float64Array): Promise<string | null> {
  const rows = input.length / FEATURES;
  return new Promise((resolve, reject) => {
    const req = http.get(`${ORIGIN}/api/jobs/${id}/output.csv`, { agent: otherAgent, headers: token }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        return resolve(`output.csv → ${res.statusCode}`);
      }
      const parser = res.pipe(parse({ relax_column_count: true }));
      let header: string[] | null = null;
      let cols: number[] = [];
      let prediction = -1;
      let n = 0;
      let problem: string | null = null;
      parser.on("data", (rec: string[]) => {
        if (problem) return;
        if (!header) {
          header = rec;
          cols = Array.from({ length: FEATURES }, (_, j) => rec.indexOf(`x${j}`));
          prediction = rec.indexOf("prediction");
          if (cols.includes(-1) || prediction < 0) problem = `unexpected header: ${rec.join(",")}`;
          return;
        }
        if (n >= rows) problem = `more than ${rows} rows`;
        else if (cols.some((c, j) => Math.abs(Number(rec[c]) - input[n * FEATURES + j]) > 1e-9))
          problem = `row ${n + 1} is not input row ${n + 1}: ${rec.join(",")}`;
        else if (rec[prediction] === "" || !Number.isFinite(Number(rec[prediction]))) problem = `row ${n + 1} has no prediction`;
        n++;
      });
      parser.on("end", () => resolve(problem ?? (n === rows ? null : `${n} rows, not ${rows}`)));
      parser.on("error", reject);
    });
    req.setTimeout(300_000, () => req.destroy(new Error("timeout")));
    req.on("error", reject);
  });
}

/** Resident memory per process label: first sample, 5 minutes into the load, final, max; growth after the first 5 minutes. */
function memoryReport(samples: { t: number; processes: (AppProcess & { mb: number })[] }[]) {
  const labels = [...new Set(samples.flatMap((s) => s.processes.map((p) => p.label)))];
  const at = (s: (typeof samples)[number] | undefined, label: string) => {
    const ps = s?.processes.filter((p) => p.label === label && p.mb > 0) ?? [];
    return ps.length ? { mb: round(ps.reduce((a, p) => a + p.mb, 0)), pids: ps.map((p) => p.pid).join(",") } : null;
  };
  const settled = samples.find((s) => s.t >= MEMORY_SETTLE_MS);
  const last = samples[samples.length - 1];
  const meaningful = SECONDS >= 600;
  return {
    samples: samples.length,
    growthMeaningful: meaningful,
    note: meaningful
      ? "growth is from 5 minutes into the load to its end"
      : "SOAK_SECONDS < 600: growth after the first 5 minutes is not meaningful; the first → final growth is shown instead",
    processes: Object.fromEntries(
      labels.map((label) => {
        const first = at(samples[0], label);
        const mid = at(settled, label);
        const final = at(last, label);
        const max = Math.max(0, ...samples.map((s) => at(s, label)?.mb ?? 0));
        const from = meaningful ? mid : first;
        const restarted = new Set(samples.map((s) => at(s, label)?.pids).filter(Boolean)).size > 1;
        return [
          label,
          {
            firstMb: first?.mb ?? null,
            after5MinMb: mid?.mb ?? null,
            finalMb: final?.mb ?? null,
            maxMb: round(max),
            growthPercent: from && final ? round(((final.mb - from.mb) / from.mb) * 100) : null,
            growthFrom: meaningful ? "5 min" : "first",
            // A process killed and started again is a new process: its growth says nothing about a leak.
            restarted,
          },
        ];
      }),
    ),
  };
}

/** What printReport reads of the run's summary (the JSON summary has more). */
interface Summary {
  run: { loadSeconds: number; endedEarly: string | null; clientEventLoopDelayMs: { p99: number; max: number } };
  scoring: { idle: Row; load: Row & { rps: number }; p99Ratio: number | null };
  ui: Row;
  monitoring: Record<string, Row>;
  jobs: Record<string, unknown>;
  requestLog: Record<string, unknown>;
  memory: { note: string; processes: Record<string, Record<string, unknown>> };
  kills: Record<string, { planned: number; done: number; notServingAgain: number; maxServingAgainMs: number | null; maxNewProcessMs: number | null }>;
}
/** One kind of request's figures in the summary. */
type Row = {
  requests: number;
  p50: number | null;
  p99: number | null;
  max: number | null;
  errors: number;
  errorsByKind: Record<string, number>;
  errorsOutsideKillWindows?: number;
  ticksSkipped?: number;
};

function printReport(s: Summary) {
  const ms = (v: number | null) => (v === null ? "–" : `${v} ms`);
  const errs = (row: Row) =>
    `${row.errors} errors${
      row.errors
        ? ` (${Object.entries(row.errorsByKind)
            .map(([k, n]) => `${k}: ${n}`)
            .join(", ")}${row.errorsOutsideKillWindows !== undefined ? `; ${row.errorsOutsideKillWindows} outside kill windows` : ""})`
        : ""
    }`;
  const line = (name: string, row: Row, extra = "") =>
    console.log(
      `${name.padEnd(34)} ${String(row.requests).padStart(8)} req   p50 ${ms(row.p50).padStart(9)}   p99 ${ms(row.p99).padStart(9)}   max ${ms(row.max).padStart(10)}   ${errs(row)}${row.ticksSkipped ? `; ${row.ticksSkipped} ticks skipped while the last one ran` : ""}${extra}`,
    );
  console.log(`\n# soak figures (${s.run.loadSeconds} s of mixed load${s.run.endedEarly ? `, ended early ${s.run.endedEarly}` : ""})`);
  line("scoring, idle", s.scoring.idle);
  line("scoring, under load", s.scoring.load, `   ${s.scoring.load.rps} req/s; p99 ${s.scoring.p99Ratio ?? "–"}× idle`);
  line("UI pages", s.ui);
  for (const [route, row] of Object.entries(s.monitoring)) line(`GET /api/endpoints/{name}/${route}`, row);
  const j = s.jobs;
  console.log(
    `jobs                               ${j.submitted} submitted (${j.submitErrors} submissions failed; upload max ${j.uploadMsMax ?? "–"} ms; ${j.ticksSkipped ?? 0} ticks skipped while an upload ran)` +
      (j.checked === false
        ? "; not checked: the app is not serving"
        : `, ${j.succeeded} succeeded, ${j.failed} failed, ${j.stillOpen} still open, ${j.other} unknown; exact row counts (API) ${j.rowCountsExact} of ${j.succeeded}; outputs downloaded and compared with the input ${j.outputsExact} of ${j.outputsDownloaded} exact; ${j.throughKills} lived through a kill`),
  );
  for (const f of (j.failures as { id: string; error: string }[] | undefined) ?? []) console.log(`  failed ${f.id}: ${f.error}`);
  for (const p of (j.outputProblems as { id: string; problem: string }[] | undefined) ?? []) console.log(`  output of ${p.id}: ${p.problem}`);
  const l = s.requestLog;
  console.log(
    l.checked === false
      ? "request log                        not checked: the app is not serving"
      : `request log                        ${l.logged} logged (${l.loggedErrors} errors) vs ${l.answered} scoring requests answered (${l.answered200} × 200): difference ${l.difference} (after waiting ${l.waitedMs} ms)`,
  );
  console.log(`memory (RSS)                       ${s.memory.note}`);
  for (const [label, m] of Object.entries(s.memory.processes)) {
    console.log(
      `  ${label.padEnd(32)} first ${m.firstMb ?? "–"} MiB, after 5 min ${m.after5MinMb ?? "–"} MiB, final ${m.finalMb ?? "–"} MiB, max ${m.maxMb} MiB; growth from ${m.growthFrom} ${m.growthPercent ?? "–"} %${m.restarted ? " (restarted during the run: not comparable)" : ""}`,
    );
  }
  for (const [kind, k] of Object.entries(s.kills)) {
    if (!k.planned) continue;
    console.log(
      `kills of the ${(kind === "web" ? "web server" : kind).padEnd(23)} ${k.done} of ${k.planned} done; serving again within max ${ms(k.maxServingAgainMs)}; ${k.notServingAgain} not serving again; new process within max ${ms(k.maxNewProcessMs)}`,
    );
  }
  console.log(
    `client's own event-loop delay      p99 ${s.run.clientEventLoopDelayMs.p99} ms, max ${s.run.clientEventLoopDelayMs.max} ms (included in every latency above)`,
  );
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
