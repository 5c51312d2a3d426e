/**
 * Issue 4's serving figures, measured against the production server (scripts/server.ts on the built
 * app, with its worker) side by side in one run: a floor route that does no work, one-row
 * scoring, 100-row scoring and recommendation top-10, each at the same concurrency; then
 * recommendation top-10 over a 50,000-item catalog and drift over 1,000,000 rows in-process.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import Database from "better-sqlite3";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { nearestRankPercentile } from "@/lib/shared/stats";
import { benchDrift } from "./drift";

const PORT = Number(process.env.BENCH_PORT ?? 3198);
const ORIGIN = `http://127.0.0.1:${PORT}`;
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 10);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const WARMUP_SECONDS = 2;
/** Side-by-side scenarios are measured in this many interleaved rounds (floor, a, b, floor, a, b, …), so a server still warming up or a burst of background work weighs on all of them alike. */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 8);
export const FEATURES = 8;
const CATALOG_ITEMS = 50_000;

const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });

interface Reply {
  status: number;
  body: string;
  cookies: string[];
}

export function send(method: string, url: string, body?: string, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url.startsWith("http:") ? url : `${ORIGIN}${url}`,
      { method, agent, headers: { ...(body ? { "content-type": "application/json", "content-length": Buffer.byteLength(body) } : {}), ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8"), cookies: res.headers["set-cookie"] ?? [] }));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/** The bench server's administrator (made at its start) and the API token its calls carry once signed in. */
export const BENCH_ADMIN = { email: "bench@workbench.test", password: "bench-admin-password" };
let apiToken: string | null = null;
export const tokenHeader = (): Record<string, string> => (apiToken ? { authorization: `Bearer ${apiToken}` } : {});

/** Signs the bench's administrator in and takes a personal API token for the calls that follow, as a script would. */
async function signInForToken(): Promise<void> {
  const signIn = await send("POST", "/api/auth/sign-in/email", JSON.stringify(BENCH_ADMIN));
  if (signIn.status !== 200) throw new Error(`sign-in → ${signIn.status}: ${signIn.body}`);
  const cookie = signIn.cookies.map((c) => c.split(";")[0]).join("; ");
  const made = await send("POST", "/api/tokens", JSON.stringify({ name: "bench", expiresInDays: 1 }), { cookie, origin: ORIGIN });
  if (made.status !== 201) throw new Error(`token → ${made.status}: ${made.body}`);
  apiToken = (JSON.parse(made.body) as { token: string }).token;
}

export async function api<T>(method: string, url: string, body?: unknown, expected = [200, 201, 202]): Promise<T> {
  const res = await send(method, url, body === undefined ? undefined : JSON.stringify(body), tokenHeader());
  if (!expected.includes(res.status)) throw new Error(`${method} ${url} → ${res.status}: ${res.body.slice(0, 300)}`);
  return JSON.parse(res.body) as T;
}

export async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await fn().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

interface LoadResult {
  /** CPU per request: the server's processes and this (client) process, in ms. */
  cpu?: { server: number; client: number };
  name: string;
  requests: number;
  failures: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
}

/** Each result beside the first (the floor): req/s and p99 as ratios to it; one-row scoring against the bare node:http reference too, when there is one. */
function printLoad(results: LoadResult[]): void {
  const floor = results[0];
  const bare = results.find((r) => r.name.startsWith("reference: bare"));
  const oneRow = results.find((r) => r.name.startsWith("score 1 row"));
  for (const r of results) {
    console.log(
      `${r.name.padEnd(40)} ${r.rps.toFixed(0).padStart(6)} req/s (${(r.rps / floor.rps).toFixed(2)}× floor)   p50 ${r.p50.toFixed(1)} ms   p95 ${r.p95.toFixed(1)} ms   p99 ${r.p99.toFixed(1)} ms (${(r.p99 / floor.p99).toFixed(2)}× floor)   ${r.failures} failed of ${r.requests}` +
        (r.cpu ? `   CPU per request: server ${r.cpu.server.toFixed(2)} ms, client ${r.cpu.client.toFixed(2)} ms` : ""),
    );
  }
  if (bare && oneRow) {
    console.log(
      `one-row scoring against the bare node:http reference: ${(oneRow.rps / bare.rps).toFixed(2)}× its req/s, p99 ${(oneRow.p99 / bare.p99).toFixed(2)}× its p99`,
    );
  }
}

/** The nearest-rank percentile of sorted latencies: one some request had; NaN for none. */
export const percentile = (sorted: number[], p: number) => nearestRankPercentile(sorted, p) ?? Number.NaN;

interface Scenario {
  name: string;
  method: string;
  /** A path on the workbench's server, or a whole URL elsewhere. */
  url: string;
  /** CPU time used so far by whatever serves the scenario, ms: the workbench's processes unless said. */
  cpuMs?: () => number;
  body?: string;
  headers?: Record<string, string>;
}

/** `CONCURRENCY` clients in closed loops, each waiting for its answer before sending again, for `seconds` or until `stop()`. */
async function drive(sc: Scenario, seconds: number, stop?: () => boolean): Promise<{ latencies: number[]; failures: number; elapsed: number }> {
  const latencies: number[] = [];
  let failures = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (stop ? !stop() : performance.now() < deadline) {
        const t = performance.now();
        const res = await send(sc.method, sc.url, sc.body, sc.headers);
        if (res.status !== 200) failures++;
        latencies.push(performance.now() - t);
      }
    }),
  );
  return { latencies, failures, elapsed: (performance.now() - started) / 1000 };
}

function summarise(name: string, latencies: number[], failures: number, elapsed: number): LoadResult {
  latencies.sort((a, b) => a - b);
  return {
    name,
    requests: latencies.length,
    failures,
    rps: latencies.length / elapsed,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
  };
}

/** One scenario until `stop()` (no warm-up): what runs beside a batch job. */
async function loadUntil(sc: Scenario, stop: () => boolean): Promise<LoadResult> {
  const { latencies, failures, elapsed } = await drive(sc, Infinity, stop);
  return summarise(sc.name, latencies, failures, elapsed);
}

/** Scenarios side by side: each warmed up, then `SECONDS` of each in `ROUNDS` interleaved rounds. */
async function loadSideBySide(scenarios: Scenario[]): Promise<LoadResult[]> {
  for (const sc of scenarios) await drive(sc, WARMUP_SECONDS);
  const acc = scenarios.map(() => ({ latencies: [] as number[], failures: 0, elapsed: 0, serverMs: 0, clientMs: 0 }));
  const workbenchCpu = () => (serverPgid ? Object.values(groupCpuMs(serverPgid)).reduce((a, b) => a + b, 0) : 0);
  for (let r = 0; r < ROUNDS; r++) {
    for (let i = 0; i < scenarios.length; i++) {
      const serverCpu = scenarios[i].cpuMs ?? workbenchCpu;
      const [server0, client0] = [serverCpu(), process.cpuUsage()];
      const got = await drive(scenarios[i], SECONDS / ROUNDS);
      const client = process.cpuUsage(client0);
      acc[i].serverMs += serverCpu() - server0;
      acc[i].clientMs += (client.user + client.system) / 1000;
      for (const l of got.latencies) acc[i].latencies.push(l);
      acc[i].failures += got.failures;
      acc[i].elapsed += got.elapsed;
    }
  }
  return scenarios.map((sc, i) => ({
    ...summarise(sc.name, acc[i].latencies, acc[i].failures, acc[i].elapsed),
    cpu: { server: acc[i].serverMs / acc[i].latencies.length, client: acc[i].clientMs / acc[i].latencies.length },
  }));
}

function regressionCsv(rows: number): string {
  const lines = [[...Array.from({ length: FEATURES }, (_, j) => `x${j}`), "y"].join(",")];
  let seed = 5;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (let i = 0; i < rows; i++) {
    const x = Array.from({ length: FEATURES }, () => rand() * 2 - 1);
    lines.push([...x.map((v) => v.toFixed(4)), x.reduce((s, v, j) => s + Math.sin(v * (j + 1)), 0).toFixed(4)].join(","));
  }
  return lines.join("\n") + "\n";
}

/** BENCH_CPU_PROF=<dir>: the server's processes write V8 CPU profiles there when they exit (open them in Chrome's DevTools). */
const CPU_PROF_DIR = process.env.BENCH_CPU_PROF;

function startServer(dataDir: string, seed: boolean, extraEnv: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, ["--input-type=module", "-e", `import("./scripts/launch.mjs").then((m) => m.launch(${PORT}))`], {
    cwd: process.cwd(),
    // The samples are seeded: the web-shop endpoint is the recommendation scenario measured here.
    env: {
      ...process.env,
      WORKBENCH_DATA_DIR: dataDir,
      WORKBENCH_SEED_SAMPLES: seed ? "1" : "0",
      WORKBENCH_ADMIN_EMAIL: BENCH_ADMIN.email,
      WORKBENCH_ADMIN_PASSWORD: BENCH_ADMIN.password,
      NODE_ENV: "production",
      ...extraEnv,
      ...(CPU_PROF_DIR ? { WORKBENCH_NODE_ARGS: `--cpu-prof --cpu-prof-dir=${path.resolve(CPU_PROF_DIR)}` } : {}),
    },
    stdio: ["ignore", "ignore", "inherit"],
    detached: true,
  });
  return child;
}

async function multipartUpload(name: string, csv: string): Promise<{ id: string }> {
  const boundary = "bench" + Math.random().toString(16).slice(2);
  const body = Buffer.concat([
    Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="name"\r\n\r\n${name}\r\n`),
    Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="bench.csv"\r\ncontent-type: text/csv\r\n\r\n`),
    Buffer.from(csv),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  const res = await new Promise<Reply>((resolve, reject) => {
    const req = http.request(
      `${ORIGIN}/api/datasets`,
      { method: "POST", agent, headers: { ...tokenHeader(), "content-type": `multipart/form-data; boundary=${boundary}`, "content-length": body.length } },
      (r) => {
        const chunks: Buffer[] = [];
        r.on("data", (c: Buffer) => chunks.push(c));
        r.on("end", () => resolve({ status: r.statusCode ?? 0, body: Buffer.concat(chunks).toString(), cookies: [] }));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
  if (res.status !== 201) throw new Error(`upload → ${res.status}: ${res.body}`);
  return JSON.parse(res.body) as { id: string };
}

/** How a bench script calls the server it started: JSON calls and a multipart upload, with its credentials. */
export interface BenchClient {
  api<T>(method: string, url: string, body?: unknown): Promise<T>;
  upload(name: string, csv: string): Promise<{ id: string }>;
}

/** This bench's own client: the server it started, signed in as its administrator. */
export const benchClient: BenchClient = { api, upload: multipartUpload };

/** An mlp on 8 features behind an impute + scale recipe, trained, registered and deployed through the API; returns its key. */
export async function deployRegression(
  client: BenchClient = benchClient,
  endpoint = "bench-regression",
): Promise<{ name: string; key: string; projectId: string }> {
  const ds = await client.upload("bench regression", regressionCsv(2000));
  // A recipe as a user would write one (impute, then standardise every feature): the fitted recipe runs in every request and batch row.
  const xs = Array.from({ length: FEATURES }, (_, j) => `x${j}`);
  const steps = [
    { op: "impute", columns: xs, strategy: "mean" },
    { op: "scale", columns: xs, method: "standard" },
  ];
  const { projectId, run } = await trainRegression(client, { name: "bench regression", datasetId: ds.id, target: "y", steps, params: { epochs: 20 } });
  return { ...(await deployRun(client, run.id, endpoint)), projectId };
}

/** A training run as the bench reads it from `GET /api/runs/:id`. */
export interface BenchRun {
  id: string;
  status: string;
  error: string | null;
  params: Record<string, unknown>;
  details: Record<string, unknown> | null;
  durationMs: number | null;
  /** The most rows the run trains on, where the server has training samples. */
  sampleRows?: number;
}

/** A regression model to train: its dataset version and target, the recipe's steps (and features, when not every column), the mlp's params. */
export interface TrainSpec {
  name: string;
  datasetId: string;
  target: string;
  features?: string[];
  steps: unknown[];
  params: Record<string, unknown>;
  /** How long the run may take; five minutes unless said. */
  timeoutMs?: number;
}

/** A project with the spec's recipe and an mlp run of it, trained to the end through the API: the run as it finished (throws when it did not succeed). */
export async function trainRegression(client: BenchClient, spec: TrainSpec): Promise<{ projectId: string; run: BenchRun }> {
  const { api } = client;
  const project = await api<{ id: string }>("POST", "/api/projects", { name: spec.name, task: "regression", datasetId: spec.datasetId, target: spec.target });
  await api("PUT", `/api/projects/${project.id}/recipe`, {
    datasetId: spec.datasetId,
    target: spec.target,
    ...(spec.features ? { features: spec.features } : {}),
    steps: spec.steps,
    split: { method: "random", validation: 0.2, seed: 1 },
  });
  const queued = await api<{ id: string }>("POST", `/api/projects/${project.id}/runs`, { algorithm: "mlp", params: spec.params });
  const run = await until(
    "the bench model to train",
    async () => {
      const r = await api<BenchRun>("GET", `/api/runs/${queued.id}`);
      return r.status === "queued" || r.status === "running" ? undefined : r;
    },
    spec.timeoutMs ?? 300_000,
  );
  if (run.status !== "succeeded") throw new Error(`the training run ${run.status}: ${run.error}`);
  return { projectId: project.id, run };
}

/** Registers a trained run's model and deploys it as the endpoint `name`: its name and key. */
export async function deployRun(client: BenchClient, runId: string, name: string): Promise<{ name: string; key: string }> {
  const model = await client.api<{ id: string }>("POST", "/api/models", { runId });
  const ep = await client.api<{ name: string; key: string }>("POST", "/api/endpoints", { name, modelId: model.id });
  return { name: ep.name, key: ep.key };
}

/** Top-10 over a synthetic 50,000-item catalog with the real scoring code (embeddings, co-occurrence, popularity), in-process. */
export async function benchCatalog(): Promise<void> {
  const tf = await import("@tensorflow/tfjs");
  const { initServerBackend } = await import("@/lib/train/server/backend");
  const { loadRecommender } = await import("@/lib/train/algorithms/recommender/model");
  const { mulberry32 } = await import("@/lib/shared/random");
  await initServerBackend();
  const rand = mulberry32(3);
  const dim = 32;
  const partnersPerItem = 20;
  const items = Array.from({ length: CATALOG_ITEMS }, (_, i) => `item${i}`);
  const embeddings = Float32Array.from({ length: CATALOG_ITEMS * dim }, () => rand() * 2 - 1);
  const offsets = new Int32Array(CATALOG_ITEMS + 1);
  const partners = new Int32Array(CATALOG_ITEMS * partnersPerItem);
  const counts = new Float32Array(CATALOG_ITEMS * partnersPerItem);
  for (let i = 0; i < CATALOG_ITEMS; i++) {
    offsets[i + 1] = (i + 1) * partnersPerItem;
    const chosen = new Set<number>();
    while (chosen.size < partnersPerItem) {
      const j = Math.floor(rand() * CATALOG_ITEMS);
      if (j !== i) chosen.add(j);
    }
    [...chosen]
      .sort((a, b) => a - b)
      .forEach((j, k) => {
        partners[i * partnersPerItem + k] = j;
        counts[i * partnersPerItem + k] = 1 + Math.floor(rand() * 10);
      });
  }
  const tensors = {
    item_embeddings: tf.tensor2d(embeddings, [CATALOG_ITEMS, dim]),
    item_popularity: tf.tensor1d(
      Int32Array.from({ length: CATALOG_ITEMS }, () => Math.floor(rand() * 1000)),
      "int32",
    ),
    cooccurrence_offsets: tf.tensor1d(offsets, "int32"),
    cooccurrence_partners: tf.tensor1d(partners, "int32"),
    cooccurrence_counts: tf.tensor1d(counts, "float32"),
  };
  const { data, specs } = await tf.io.encodeWeights(tensors);
  tf.dispose(Object.values(tensors));
  const { RECOMMENDER_DEFAULTS } = await import("@/lib/train/algorithms/recommender/params");
  const model = await loadRecommender({
    format: "workbench-recommender",
    formatVersion: 1,
    params: { ...RECOMMENDER_DEFAULTS, itemColumn: "item", basketColumn: "basket", embeddingDim: dim },
    items,
    evaluation: undefined as never,
    history: [],
    weightSpecs: specs,
    weightData: data as ArrayBuffer,
  });
  const times: number[] = [];
  for (let q = 0; q < 2000; q++) {
    const item = items[Math.floor(rand() * CATALOG_ITEMS)];
    const t = performance.now();
    const top = model.recommend(item, 10);
    times.push(performance.now() - t);
    if (top.length !== 10) throw new Error("expected 10 recommendations");
  }
  const measured = times.slice(200).sort((a, b) => a - b);
  console.log(
    `recommend top-10, ${CATALOG_ITEMS.toLocaleString("en-US")}-item catalog, in-process   p50 ${percentile(measured, 50).toFixed(3)} ms, p99 ${percentile(measured, 99).toFixed(3)} ms (${measured.length} queries; goal ≤ 1 ms)`,
  );
  // The hot loop alone: the WebAssembly SIMD kernel the scorer uses against the best plain-JS loop.
  const { wasmDotKernel, jsDotKernel } = await import("@/lib/train/algorithms/recommender/dot-kernel");
  const kernelTimes = (kernel: { query: Float32Array; run(): void }) => {
    const runs: number[] = [];
    for (let q = 0; q < 600; q++) {
      kernel.query.set(embeddings.subarray(q * dim, (q + 1) * dim));
      const t = performance.now();
      kernel.run();
      runs.push(performance.now() - t);
    }
    return percentile(
      runs.slice(100).sort((a, b) => a - b),
      50,
    );
  };
  const wasm = kernelTimes(wasmDotKernel(embeddings, dim) ?? jsDotKernel(embeddings, dim));
  const js = kernelTimes(jsDotKernel(embeddings, dim));
  console.log(
    `  of which dot products, ${CATALOG_ITEMS.toLocaleString("en-US")} × ${dim}: WebAssembly SIMD p50 ${wasm.toFixed(3)} ms, plain JS p50 ${js.toFixed(3)} ms (${(js / wasm).toFixed(1)}× faster)`,
  );
}

/** CPU time used so far by the server's processes (web server, worker), from /proc, in ms; by role. */
function groupCpuMs(pgid: number): { web: number; worker: number } {
  const out = { web: 0, worker: 0 };
  for (const p of groupProcesses(pgid)) {
    // A process that ended since the listing counts as nothing (processCpuMs reads 0).
    if (/worker/.test(p.cmd)) out.worker += processCpuMs(p.pid);
    else out.web += processCpuMs(p.pid);
  }
  return out;
}

/** CPU time used so far by one process, ms (utime + stime from /proc). */
function processCpuMs(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return 0;
  }
}

const BARE_PORT = PORT + 1;

/** The floor the goals are set against: a Next route handler of the app that does no work but answer. */
const FLOOR: Scenario = { name: "floor: GET /v2/health/live (Next, no work)", method: "GET", url: "/v2/health/live" };

/**
 * A reference beside the workbench's own floor: a bare node:http server in its own process that
 * answers `{"live":true}` and does nothing else — what any Node server costs per request, the
 * scale for one-row scoring, which the workbench serves from a plain node:http front too.
 */
async function startBareServer(): Promise<{ scenario: Scenario; stop: () => void }> {
  const code = `require("node:http").createServer((q, s) => { q.resume(); q.on("end", () => { s.writeHead(200, { "content-type": "application/json", "content-length": 13 }); s.end('{"live":true}'); }); }).listen(${BARE_PORT}, "127.0.0.1");`;
  const child = spawn(process.execPath, ["-e", code], { stdio: "ignore" });
  const url = `http://127.0.0.1:${BARE_PORT}/`;
  await until("the bare node:http server", async () => ((await send("GET", url)).status === 200 ? true : undefined), 10_000);
  return { scenario: { name: "reference: bare node:http, no work", method: "GET", url, cpuMs: () => processCpuMs(child.pid!) }, stop: () => child.kill() };
}

/** The server's process group, once started: where the CPU figures are read. */
let serverPgid: number | undefined;

/** What a process of the server's group is, from its command line (scripts/launch.mjs starts them). */
export function processRole(cmd: string): string {
  if (cmd.includes("scripts/server.ts")) return cmd.includes("--standby") ? "standby web server" : "web server";
  if (cmd.includes("--lane train")) return "training worker";
  if (cmd.includes("--lane batch")) return "batch worker";
  if (cmd.includes("launch")) return "supervisor";
  // Anything else (tsx's esbuild service, say): its program's name.
  return path.basename(cmd.split(" ")[0]);
}

/** The processes whose process group is `pgid`, from /proc (no `ps` to spawn): pid and command line. */
function groupProcesses(pgid: number): { pid: number; cmd: string }[] {
  const found: { pid: number; cmd: string }[] = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      // Fields after the command's closing parenthesis: state, ppid, pgrp, …
      if (Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[2]) !== pgid) continue;
      found.push({ pid: Number(entry), cmd: fs.readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0").join(" ").trim() });
    } catch {
      // Gone between the listing and the read.
    }
  }
  return found;
}

export interface ProcessPeak {
  pid: number;
  role: string;
  /** Peak resident memory seen, MiB. */
  peakMb: number;
  /** Whether the process was gone by the end (a crash, a restart). */
  exited: boolean;
}

/**
 * The peak resident memory of every process of the server's group from now until `stop()`:
 * each process's high-water mark (VmHWM) reset now where Linux allows it (clear_refs 5) and read
 * every `intervalMs`, so a spike between reads still counts; where it cannot be reset, VmRSS
 * sampled instead. Processes started meanwhile (a restart) are found at the next read.
 */
export function trackGroupPeaks(pgid: number, intervalMs = 200): { sample(): void; stop(): ProcessPeak[] } {
  const seen = new Map<number, ProcessPeak>();
  const first = groupProcesses(pgid);
  const key = first.every((p) => resetPeakRss(p.pid)) ? "VmHWM" : "VmRSS";
  const read = () => {
    const alive = groupProcesses(pgid);
    const alivePids = new Set(alive.map((p) => p.pid));
    for (const p of alive) {
      const mb = procStatusMb(p.pid, key);
      const known = seen.get(p.pid);
      if (known) known.peakMb = Math.max(known.peakMb, mb);
      else seen.set(p.pid, { pid: p.pid, role: processRole(p.cmd), peakMb: mb, exited: false });
    }
    for (const p of seen.values()) p.exited = !alivePids.has(p.pid);
  };
  read();
  const timer = setInterval(read, intervalMs);
  return {
    /** Reads the group's memory now (besides every interval). */
    sample: read,
    stop() {
      clearInterval(timer);
      read();
      return [...seen.values()].sort((a, b) => a.pid - b.pid);
    },
  };
}

/** A memory line of /proc/<pid>/status (VmRSS: resident now, VmHWM: peak), MiB; 0 when the process is gone. */
export function procStatusMb(pid: number, key: "VmRSS" | "VmHWM"): number {
  try {
    return statusLineMb(fs.readFileSync(`/proc/${pid}/status`, "utf8"), key);
  } catch {
    return 0;
  }
}

async function procStatusMbAsync(pid: number, key: "VmRSS" | "VmHWM"): Promise<number> {
  return statusLineMb(await fs.promises.readFile(`/proc/${pid}/status`, "utf8").catch(() => ""), key);
}

function statusLineMb(status: string, key: string): number {
  const m = new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(status);
  return m ? Number(m[1]) / 1024 : 0;
}

/** Resets a process's peak resident memory (VmHWM) to its current size; false where Linux does not allow it. */
function resetPeakRss(pid: number): boolean {
  try {
    fs.writeFileSync(`/proc/${pid}/clear_refs`, "5");
    return true;
  } catch {
    return false;
  }
}

const BATCH_ROWS = Number(process.env.BENCH_BATCH_ROWS ?? 1_000_000);

/** A CSV of `rows` rows of the regression model's schema, in the temp folder; returns its path and size. */
export async function batchCsv(rows: number): Promise<{ file: string; size: number }> {
  const file = path.join(os.tmpdir(), `workbench-batch-${process.pid}.csv`);
  const out = fs.createWriteStream(file);
  out.write([...Array.from({ length: FEATURES }, (_, j) => `x${j}`)].join(",") + "\n");
  let seed = 9;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (let i = 0; i < rows; i++) {
    const line = Array.from({ length: FEATURES }, () => (rand() * 2 - 1).toFixed(4)).join(",") + "\n";
    if (!out.write(line)) await new Promise<void>((r) => out.once("drain", () => r()));
  }
  await new Promise<void>((r) => out.end(r));
  return { file, size: fs.statSync(file).size };
}

interface JobRun {
  rowsDone: number;
  /** Submit (the upload's start, for a file) → succeeded, seconds. */
  total: number;
  upload: number;
  /** The job's own startedAt → finishedAt, seconds. */
  scoring: number;
  /** Peak resident memory of the process that ran the job, and of the web server, MiB. */
  peakJob: number;
  /** The same process's resident memory just before the job (the models it loaded, the training it did). */
  before: number;
  peakWeb: number;
  /** Average cores in use over the run, per process. */
  cores: { web: number; worker: number; client: number };
  /** One-row scoring for as long as the job ran, when asked for. */
  during?: LoadResult;
}

/** Streams a file to the server as a `text/csv` body (the whole file, without reading it into memory). */
export function sendFile(url: string, file: string, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise<Reply>((resolve, reject) => {
    const req = http.request(
      `${ORIGIN}${url}`,
      { method: "POST", agent, headers: { ...headers, "content-type": "text/csv", "content-length": fs.statSync(file).size } },
      (r) => {
        const chunks: Buffer[] = [];
        r.on("data", (c: Buffer) => chunks.push(c));
        r.on("end", () => resolve({ status: r.statusCode ?? 0, body: Buffer.concat(chunks).toString(), cookies: [] }));
      },
    );
    req.on("error", reject);
    fs.createReadStream(file).pipe(req);
  });
}

/**
 * Queues a batch job on the endpoint (a CSV file uploaded as its input, or a dataset version by
 * id) and waits for it, reading the job process's peak memory; optionally scores one row at a time meanwhile.
 */
export async function runBatchJob(
  pgid: number,
  dataDir: string,
  ep: { name: string; key: string },
  input: { file: string } | { datasetId: string },
  withLoad: boolean,
): Promise<JobRun> {
  // The processes, found once before anything is timed; then only reads of their own /proc
  // files. A scan of all of /proc during the measurement would block this process — the load's
  // client — for milliseconds at a time and put those into the latencies measured.
  const processes = groupProcesses(pgid);
  // The batch lane's worker runs the job; the training worker's memory (the model it just trained) is not the job's.
  const jobPids = processes.filter((p) => processRole(p.cmd) === "batch worker").map((p) => p.pid);
  const webPids = processes.filter((p) => processRole(p.cmd) === "web server").map((p) => p.pid);
  const before = Math.max(0, ...jobPids.map((pid) => procStatusMb(pid, "VmRSS")));
  // Peak resident memory from the kernel's own high-water mark, reset now (clear_refs 5): no
  // sampling to miss a spike. Where it cannot be reset, an asynchronous sampler instead.
  const resettable = [...jobPids, ...webPids].every(resetPeakRss);
  let peakJob = 0;
  let peakWeb = 0;
  const sampler = resettable
    ? null
    : setInterval(() => {
        for (const pid of jobPids) void procStatusMbAsync(pid, "VmRSS").then((mb) => (peakJob = Math.max(peakJob, mb)));
        for (const pid of webPids) void procStatusMbAsync(pid, "VmRSS").then((mb) => (peakWeb = Math.max(peakWeb, mb)));
      }, 100);
  const cpu0 = groupCpuMs(pgid);
  const client0 = process.cpuUsage();
  const started = performance.now();
  const startedWall = Date.now();
  const auth = { authorization: `Bearer ${ep.key}` };
  const res =
    "datasetId" in input
      ? await send("POST", `/api/endpoints/${ep.name}/jobs`, JSON.stringify({ datasetId: input.datasetId }), auth)
      : await sendFile(`/api/endpoints/${ep.name}/jobs`, input.file, auth);
  if (res.status !== 202) throw new Error(`batch job → ${res.status}: ${res.body.slice(0, 300)}`);
  const job = JSON.parse(res.body) as { id: string };
  const uploaded = performance.now();
  let during: LoadResult | undefined;
  if (withLoad) {
    const one = JSON.stringify({ rows: [Object.fromEntries(Array.from({ length: FEATURES }, (_, j) => [`x${j}`, 0.1 * j]))] });
    // Real-time scoring for exactly as long as the job runs. The job's status is read from the
    // database file (read-only, WAL: it takes no lock from the server), not through the web
    // server: the idle figure has no such requests beside it either.
    const db = new Database(path.join(dataDir, "workbench.sqlite"), { readonly: true });
    const status = db.prepare("SELECT status FROM jobs WHERE id = ?").pluck();
    let running = true;
    const watcher = setInterval(() => {
      const s = status.get(job.id);
      running = s === "running" || s === "queued";
    }, 100);
    during = await loadUntil(
      {
        name: "score 1 row while the batch job runs",
        method: "POST",
        url: `/api/endpoints/${ep.name}/score`,
        body: one,
        headers: { authorization: `Bearer ${ep.key}` },
      },
      () => !running,
    );
    clearInterval(watcher);
    db.close();
  }
  const final = await until(
    "the batch job",
    async () => {
      const j = await api<{ status: string; rowsDone: number; error: string | null; finishedAt: string | null; startedAt: string | null }>(
        "GET",
        `/api/jobs/${job.id}`,
      );
      return j.status === "running" || j.status === "queued" ? undefined : j;
    },
    600_000,
  );
  // Upload start → the job's own finishedAt (same machine, same clock): not when a status poll happened to see it.
  const total = (Date.parse(final.finishedAt!) - startedWall) / 1000;
  if (sampler) clearInterval(sampler);
  else {
    peakJob = Math.max(0, ...jobPids.map((pid) => procStatusMb(pid, "VmHWM")));
    peakWeb = Math.max(0, ...webPids.map((pid) => procStatusMb(pid, "VmHWM")));
  }
  const cpu1 = groupCpuMs(pgid);
  const client = process.cpuUsage(client0);
  // Cores busy on average over the run: where the machine's two went.
  const cores = {
    web: (cpu1.web - cpu0.web) / 1000 / total,
    worker: (cpu1.worker - cpu0.worker) / 1000 / total,
    client: (client.user + client.system) / 1e6 / total,
  };
  if (final.status !== "succeeded") throw new Error(`the batch job ${final.status}: ${final.error}`);
  const scoring = (Date.parse(final.finishedAt!) - Date.parse(final.startedAt!)) / 1000;
  return { rowsDone: final.rowsDone, total, upload: (uploaded - started) / 1000, scoring, peakJob, before, peakWeb, during, cores };
}

/**
 * Issue 5's batch figures: a 1,000,000-row CSV of the regression model's schema uploaded as a job
 * and scored to output.csv + the output table, on an otherwise idle server (seconds from upload to
 * success, rows/s, peak memory of the job's process); then the same job again while clients score
 * one row at a time, for real-time p99 during a job against the idle p99 measured before.
 */
async function benchBatch(pgid: number, dataDir: string, ep: { name: string; key: string }, idle?: LoadResult): Promise<void> {
  const csv = await batchCsv(BATCH_ROWS);
  try {
    const alone = await runBatchJob(pgid, dataDir, ep, csv, false);
    console.log(
      `\n# batch: ${alone.rowsDone.toLocaleString("en-US")} rows × ${FEATURES} features, an mlp behind an impute + scale recipe (${(csv.size / 1024 / 1024).toFixed(1)} MiB CSV) → output.csv + output table`,
    );
    console.log(
      `batch job end to end (upload → succeeded)  ${alone.total.toFixed(1)} s, ${Math.round(alone.rowsDone / alone.total).toLocaleString("en-US")} rows/s (upload ${alone.upload.toFixed(1)} s; scoring ${alone.scoring.toFixed(1)} s, ${Math.round(alone.rowsDone / alone.scoring).toLocaleString("en-US")} rows/s; goal ≤ 5 s)`,
    );
    console.log(
      `peak RSS during the job                    job process ${alone.peakJob.toFixed(0)} MiB (goal < 400; ${alone.before.toFixed(0)} MiB before the job), web server ${alone.peakWeb.toFixed(0)} MiB; cores in use: job ${alone.cores.worker.toFixed(2)}, web ${alone.cores.web.toFixed(2)}`,
    );
    if (!idle) return;
    const loaded = await runBatchJob(pgid, dataDir, ep, csv, true);
    const during = loaded.during!;
    console.log(
      `one-row scoring during the job              ${during.rps.toFixed(0)} req/s, p50 ${during.p50.toFixed(1)} ms, p95 ${during.p95.toFixed(1)} ms, p99 ${during.p99.toFixed(1)} ms vs idle p99 ${idle.p99.toFixed(1)} ms (${(during.p99 / idle.p99).toFixed(2)}×; goal ≤ 1.5×); the job took ${loaded.total.toFixed(1)} s under that load; cores in use: web ${loaded.cores.web.toFixed(2)}, job ${loaded.cores.worker.toFixed(2)}, clients ${loaded.cores.client.toFixed(2)}`,
    );
  } finally {
    fs.rmSync(csv.file, { force: true });
  }
}

/** Rows of request log the monitoring figure reads over (BENCH_MONITOR_ROWS to change), and how long it runs. */
const MONITOR_LOG_ROWS = Number(process.env.BENCH_MONITOR_ROWS ?? 300_000);
const MONITOR_SECONDS = Number(process.env.BENCH_MONITOR_SECONDS ?? 20);
const MONITOR_READS = ["metrics", "drift", "quality"] as const;

/**
 * Issue 14's figure: the monitor page's reads (metrics, drift, quality over the last 24 hours,
 * once a second) over a request log of MONITOR_LOG_ROWS rows, beside one-row scoring: each read's
 * first (cold) and slowest later latency, and scoring's p99 and max meanwhile.
 */
async function benchMonitorReads(dataDir: string, ep: { name: string; key: string }): Promise<void> {
  // The log as that many scored one-row requests would leave it, spread over the last 23 hours, written straight into the database.
  const db = new Database(path.join(dataDir, "workbench.sqlite"));
  db.pragma("busy_timeout = 5000");
  const insert = db.prepare(
    "INSERT INTO request_logs (id, endpoint_name, model_id, model_version, status, latency_ms, rows, format, inputs, outputs, error, created_at) VALUES (?, ?, NULL, 1, 200, ?, 1, 'rows', ?, ?, NULL, ?)",
  );
  const now = Date.now();
  const slice = db.transaction((from: number) => {
    for (let i = from; i < Math.min(MONITOR_LOG_ROWS, from + 20_000); i++) {
      const row = Object.fromEntries(Array.from({ length: FEATURES }, (_, j) => [`x${j}`, Number((Math.sin(i + j) * 0.7).toFixed(3))]));
      insert.run(
        `req_bench_${i}`,
        ep.name,
        1 + (i % 5),
        JSON.stringify([row]),
        JSON.stringify([i % 10]),
        now - 23 * 3_600_000 + Math.floor((i / MONITOR_LOG_ROWS) * 23 * 3_600_000),
      );
    }
  });
  for (let from = 0; from < MONITOR_LOG_ROWS; from += 20_000) slice(from);
  db.close();

  const latencies: Record<(typeof MONITOR_READS)[number], number[]> = { metrics: [], drift: [], quality: [] };
  let stop = false;
  const reader = (async () => {
    while (!stop) {
      const started = performance.now();
      const since = encodeURIComponent(new Date(Date.now() - 24 * 3_600_000).toISOString());
      await Promise.all(
        MONITOR_READS.map(async (what) => {
          const t = performance.now();
          const res = await send("GET", `/api/endpoints/${ep.name}/${what}?since=${since}`, undefined, tokenHeader());
          if (res.status !== 200) throw new Error(`${what} → ${res.status}: ${res.body.slice(0, 200)}`);
          latencies[what].push(performance.now() - t);
        }),
      );
      await new Promise((r) => setTimeout(r, Math.max(0, 1000 - (performance.now() - started))));
    }
  })();
  const row = Object.fromEntries(Array.from({ length: FEATURES }, (_, j) => [`x${j}`, Number((Math.sin(j) * 0.7).toFixed(3))]));
  const deadline = performance.now() + MONITOR_SECONDS * 1000;
  const scoring = await drive(
    {
      name: "score 1 row",
      method: "POST",
      url: `/api/endpoints/${ep.name}/score`,
      body: JSON.stringify({ rows: [row] }),
      headers: { authorization: `Bearer ${ep.key}` },
    },
    Infinity,
    () => performance.now() > deadline,
  );
  stop = true;
  await reader;
  const sorted = scoring.latencies.sort((a, b) => a - b);
  console.log(
    `\n# monitoring reads over a ${MONITOR_LOG_ROWS.toLocaleString("en-US")}-row request log, once a second for ${MONITOR_SECONDS} s, beside one-row scoring (${CONCURRENCY} clients)`,
  );
  for (const what of MONITOR_READS) {
    const [first, ...rest] = latencies[what];
    console.log(
      `${what.padEnd(10)} first ${first.toFixed(0)} ms, then median ${
        percentile(
          [...rest].sort((a, b) => a - b),
          50,
        )?.toFixed(1) ?? "-"
      } ms, max ${Math.max(0, ...rest).toFixed(1)} ms (${latencies[what].length} reads)`,
    );
  }
  console.log(
    `score 1 row meanwhile: p99 ${percentile(sorted, 99).toFixed(1)} ms, max ${sorted[sorted.length - 1].toFixed(1)} ms, ${scoring.failures} failed of ${sorted.length}`,
  );
  // With the scoring stopped nothing lands in the window: after one read computes it, the next are answered from the cache.
  const since = encodeURIComponent(new Date(Date.now() - 24 * 3_600_000).toISOString());
  for (const what of MONITOR_READS) {
    const times: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t = performance.now();
      const res = await send("GET", `/api/endpoints/${ep.name}/${what}?since=${since}`, undefined, tokenHeader());
      if (res.status !== 200) throw new Error(`${what} → ${res.status}: ${res.body.slice(0, 200)}`);
      times.push(performance.now() - t);
    }
    console.log(`${what.padEnd(10)} with no new requests: ${times.map((t) => `${t.toFixed(1)} ms`).join(", ")}`);
  }
}

/**
 * The serving figures against the production server. `only: "scoring"` (BENCH_ONLY=scoring) is the
 * quick loop for working on the scoring path: no samples, only the floor and one-row and 100-row
 * scoring, nothing in-process.
 */
export async function benchServing(only?: "scoring" | "batch" | "monitor"): Promise<void> {
  await withServer({ seed: only === undefined }, ({ pgid, dataDir }) => servingFigures(pgid, dataDir, only));
  if (only) return;
  await benchCatalog();
  await benchDrift();
}

/** A production server of the bench's, running: its process group and its data folder. */
export interface BenchServer {
  pgid: number;
  dataDir: string;
}

/**
 * Runs `fn` against a production server (the app built first if needed) on a fresh data folder,
 * signed in with an API token; then stops the server, waits until it is gone (what follows
 * needs the machine to itself) and removes the folder. `env` adds to the server's environment.
 */
export async function withServer<T>(opts: { seed: boolean; env?: Record<string, string> }, fn: (server: BenchServer) => Promise<T>): Promise<T> {
  execFileSync(process.execPath, ["scripts/build-if-needed.mjs"], { stdio: "inherit" });
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "workbench-serve-bench-"));
  const server = startServer(dataDir, opts.seed, opts.env ?? {});
  serverPgid = server.pid;
  const stop = () => {
    try {
      if (server.pid) process.kill(-server.pid, "SIGTERM");
    } catch {
      // Already gone.
    }
  };
  // The server runs in a process group of its own: a bench stopped by a signal (Ctrl-C, timeout) stops it too.
  const onSignal = (signal: NodeJS.Signals) => {
    stop();
    process.kill(process.pid, signal);
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    await until("the server", async () => ((await send("GET", "/v2/health/ready")).status === 200 ? true : undefined), 120_000);
    await signInForToken();
    return await fn({ pgid: server.pid!, dataDir });
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    stop();
    await until("the server to stop", async () => ((await send("GET", "/v2/health/live").catch(() => null)) === null ? true : undefined), 30_000);
    agent.destroy();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The serving figures on a running server (see benchServing). */
async function servingFigures(pgid: number, dataDir: string, only: "scoring" | "batch" | "monitor" | undefined): Promise<void> {
  const regression = await deployRegression();
  if (only === "monitor") return await benchMonitorReads(dataDir, regression);
  if (only === "batch") {
    const one = JSON.stringify({ rows: [Object.fromEntries(Array.from({ length: FEATURES }, (_, j) => [`x${j}`, 0.1 * j]))] });
    // BENCH_BATCH_LOAD=0: the job alone, without the real-time figures beside it (the quick loop for the batch path).
    const withLoad = process.env.BENCH_BATCH_LOAD !== "0";
    const [idle] = withLoad
      ? await loadSideBySide([
          {
            name: "score 1 row, idle",
            method: "POST",
            url: `/api/endpoints/${regression.name}/score`,
            body: one,
            headers: { authorization: `Bearer ${regression.key}` },
          },
        ])
      : [];
    await benchBatch(pgid, dataDir, regression, idle);
    return;
  }
  if (only === "scoring") {
    const auth = { authorization: `Bearer ${regression.key}` };
    const row = () => Object.fromEntries(Array.from({ length: FEATURES }, (_, j) => [`x${j}`, Number((Math.sin(j) * 0.7).toFixed(3))]));
    console.log(
      `\n# scoring: production server (scripts/server.ts), ${CONCURRENCY} concurrent keep-alive clients, ${SECONDS} s each in ${ROUNDS} interleaved rounds after ${WARMUP_SECONDS} s warm-up`,
    );
    const bare = await startBareServer();
    try {
      printLoad(
        await loadSideBySide([
          FLOOR,
          {
            name: "score 1 row (mlp, 8 features)",
            method: "POST",
            url: `/api/endpoints/${regression.name}/score`,
            body: JSON.stringify({ rows: [row()] }),
            headers: auth,
          },
          {
            name: "score 100 rows (mlp, 8 features)",
            method: "POST",
            url: `/api/endpoints/${regression.name}/score`,
            body: JSON.stringify({ rows: Array.from({ length: 100 }, row) }),
            headers: auth,
          },
          bare.scenario,
        ]),
      );
    } finally {
      bare.stop();
    }
    return;
  }
  // The seeded web-shop endpoint: the worker trains and deploys it on first start.
  const shop = await until(
    "the web-shop endpoint",
    async () => {
      const s = JSON.parse(fs.readFileSync(path.join(dataDir, "shop.json"), "utf8")) as { key?: string };
      return s.key ? { name: "web-shop", key: s.key } : undefined;
    },
    300_000,
  );
  // The worker also trains the orange-juice demo at first start: wait until it and its first job are done, so nothing trains while we measure.
  await until(
    "the orange-juice demo",
    async () => {
      const s = JSON.parse(fs.readFileSync(path.join(dataDir, "oj-demo.json"), "utf8")) as { jobId?: string; error?: string };
      if (s.error) return true;
      if (!s.jobId) return undefined;
      const j = await api<{ status: string }>("GET", `/api/jobs/${s.jobId}`);
      return j.status === "queued" || j.status === "running" ? undefined : true;
    },
    300_000,
  );
  const auth = (key: string) => ({ authorization: `Bearer ${key}` });
  const row = () => Object.fromEntries(Array.from({ length: FEATURES }, (_, j) => [`x${j}`, Number((Math.sin(j) * 0.7).toFixed(3))]));
  const one = JSON.stringify({ rows: [row()] });
  const hundred = JSON.stringify({ rows: Array.from({ length: 100 }, row) });
  const rec = JSON.stringify({ rows: [{ itemId: "85123A" }], k: 10 });
  // Check every scenario answers before timing it.
  for (const [url, body, key] of [
    [`/api/endpoints/${regression.name}/score`, one, regression.key],
    [`/api/endpoints/${regression.name}/score`, hundred, regression.key],
    [`/api/endpoints/${shop.name}/score`, rec, shop.key],
  ] as const) {
    const res = await send("POST", url, body, auth(key));
    if (res.status !== 200) throw new Error(`${url} → ${res.status}: ${res.body.slice(0, 200)}`);
  }

  console.log(
    `\n# serving: production server (scripts/server.ts), ${CONCURRENCY} concurrent keep-alive clients, ${SECONDS} s each in ${ROUNDS} interleaved rounds after ${WARMUP_SECONDS} s warm-up, client and server on the same ${os.cpus().length} cores`,
  );
  const bare = await startBareServer();
  let results: LoadResult[];
  try {
    results = await loadSideBySide([
      FLOOR,
      { name: "score 1 row (mlp, 8 features)", method: "POST", url: `/api/endpoints/${regression.name}/score`, body: one, headers: auth(regression.key) },
      {
        name: "score 100 rows (mlp, 8 features)",
        method: "POST",
        url: `/api/endpoints/${regression.name}/score`,
        body: hundred,
        headers: auth(regression.key),
      },
      { name: "recommend top-10 (web-shop)", method: "POST", url: `/api/endpoints/${shop.name}/score`, body: rec, headers: auth(shop.key) },
      bare.scenario,
    ]);
  } finally {
    bare.stop();
  }
  printLoad(results);
  await benchBatch(pgid, dataDir, regression, results[1]);
}
