/** A production web server of a test's own (no worker unless asked), on its own port and a fresh data folder, for what the shared test server cannot show. */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { expect, request as playwrightRequest, type APIRequestContext } from "@playwright/test";
import { adminContextOn } from "./api/auth-helpers";

export interface OwnServer {
  base: string;
  child: ChildProcess;
  /** The workers (one per lane, as `npm start` runs them, or the lanes asked for), when asked for. */
  workers: ChildProcess[];
  dataDir: string;
  /** Everything it (and its worker) printed so far. */
  output(): string;
  /** Sends `signal` to the web server's and the workers' process groups, as a crash or an operator would. */
  kill(signal: NodeJS.Signals): void;
  /** Starts one more worker of `lane` beside those running (stopped and killed with them). */
  addWorker(lane: WorkerLane): ChildProcess;
  /** Stops the workers (SIGTERM) and resolves once they have exited; the web server keeps running. */
  stopWorkers(): Promise<void>;
  /** Stops both and removes the data folder, unless the caller gave it (a test that starts a server again on it). */
  stop(): void;
}

/** Ports fetch refuses to connect to ("bad port", the WHATWG fetch standard's list) between 1024 and 32767. */
const FETCH_BAD_PORTS = new Set([1719, 1720, 1723, 2049, 3659, 4045, 4190, 5060, 5061, 6000, 6566, 6665, 6666, 6667, 6668, 6669, 6679, 6697, 10080]);

/** The test run's port (TEST_PORT) plus `offset`, past any port fetch refuses: a server a spec starts beside the shared one. */
export function sidePort(offset: number): number {
  let port = Number(process.env.TEST_PORT ?? 3200) + offset;
  while (FETCH_BAD_PORTS.has(port)) port++;
  return port;
}

/** A port no one listens on now (the system's pick), so parallel test runs on one machine do not meet on a fixed offset. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.on("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

export interface OwnServerOptions {
  /** A data folder to reuse (say, another server's after a crash); the caller removes it. */
  dataDir?: string;
  /** Start the workers (scripts/worker.ts, a training and a batch lane) beside the web server, with the same environment. */
  worker?: boolean;
  /** The lanes of the workers to start instead (several of one lane share its queue); implies `worker`. */
  workers?: WorkerLane[];
  /** Environment of the worker alone, on top of `env`. */
  workerEnv?: Record<string, string>;
}

export type WorkerLane = "train" | "batch";

/** Starts `scripts/server.ts` with `env` on top of this process's environment (less the test administrator's, unless `env` names one). */
export function startOwnWebServer(port: number, env: Record<string, string> = {}, opts: OwnServerOptions = {}): OwnServer {
  const dataDir = opts.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), "workbench-own-"));
  let out = "";
  const full: NodeJS.ProcessEnv = { ...process.env, WORKBENCH_DATA_DIR: dataDir, WORKBENCH_SEED_SAMPLES: "0", PORT: String(port) };
  delete full.WORKBENCH_ADMIN_EMAIL;
  delete full.WORKBENCH_ADMIN_PASSWORD;
  const start = (script: string[], extra: Record<string, string>) => {
    const child = spawn(process.execPath, ["--import", "tsx", ...script], {
      cwd: process.cwd(),
      env: { ...full, ...env, ...extra },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    child.stdout!.on("data", (b: Buffer) => (out += b.toString()));
    child.stderr!.on("data", (b: Buffer) => (out += b.toString()));
    return child;
  };
  const child = start(["scripts/server.ts", "-p", String(port)], {});
  const startWorker = (lane: WorkerLane) => start(["scripts/worker.ts", "--lane", lane], opts.workerEnv ?? {});
  const workers = (opts.workers ?? (opts.worker ? ["train", "batch"] : [])).map(startWorker);
  const signal = (children: ChildProcess[], sig: NodeJS.Signals) => {
    for (const c of children) {
      try {
        process.kill(-c.pid!, sig);
      } catch {
        // gone already
      }
    }
  };
  const kill = (sig: NodeJS.Signals) => signal([child, ...workers], sig);
  return {
    base: `http://localhost:${port}`,
    child,
    workers,
    dataDir,
    output: () => out,
    kill,
    addWorker(lane) {
      const worker = startWorker(lane);
      workers.push(worker);
      return worker;
    },
    async stopWorkers() {
      const exited = workers.filter((w) => w.exitCode === null && w.signalCode === null).map((w) => new Promise((resolve) => w.once("exit", resolve)));
      signal(workers, "SIGTERM");
      await Promise.all(exited);
    },
    stop: () => {
      kill("SIGTERM");
      if (!opts.dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Reads an own server's database (read-only, a connection per call, so nothing stays open across a kill). */
export function query<T>(dataDir: string, sql: string, ...params: unknown[]): T[] {
  const db = new Database(path.join(dataDir, "workbench.sqlite"), { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

/** Waits until `server` answers /api/health (failing with its output if it never does), then gives an API context as its administrator (OWN_SERVER_ADMIN_ENV). */
export async function ready(server: OwnServer): Promise<APIRequestContext> {
  const probe = await playwrightRequest.newContext({ baseURL: server.base });
  try {
    await expect.poll(async () => (await probe.get("/api/health").catch(() => null))?.status(), { timeout: 90_000 }).toBe(200);
  } catch (e) {
    throw new Error(`the server did not start: ${(e as Error).message}\n${server.output().slice(-3000)}`);
  } finally {
    await probe.dispose();
  }
  return adminContextOn(playwrightRequest, server.base);
}
