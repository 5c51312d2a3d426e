/**
 * The whole app of a test's own — the supervisor (scripts/launch.mjs) with its web server and
 * workers — on its own port and data folder, for what the shared test server cannot show: kills,
 * stops, restarts. Beside own-server.ts (a web server alone).
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "@playwright/test";
import { OWN_SERVER_ADMIN_ENV } from "./api/auth-helpers";
import { childPids, commandLine, groupAlive } from "./proc";

export interface OwnApp {
  base: string;
  dataDir: string;
  /** The supervisor. */
  supervisor: ChildProcess;
  /** Everything the supervisor and its children printed so far. */
  output(): string;
  /** The pid of the supervisor's child whose command line contains `script` (e.g. "scripts/server.ts"; a standby web server only when asked for with "--standby"), if one runs. */
  childPid(script: string): number | undefined;
  /** Resolves with the supervisor's exit code (null: a signal) once it has exited. */
  exited: Promise<number | null>;
  /** Kills the supervisor and its children at once (SIGKILL to the group); `keepData` keeps the data folder for a restart. */
  kill(opts?: { keepData?: boolean }): Promise<void>;
}

export interface OwnAppOptions {
  /** A data folder to start on (a restart); a fresh one otherwise. */
  dataDir?: string;
  env?: Record<string, string>;
  /** Replaces the node arguments of the named children (see appChildren in launch.mjs), e.g. to start one that crashes. */
  childArgs?: Record<string, string[]>;
}

/** Starts the app's supervisor as `npm start` does (the build must exist), with the test administrator of OWN_SERVER_ADMIN_ENV. */
export function startOwnApp(port: number, opts: OwnAppOptions = {}): OwnApp {
  const dataDir = opts.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), "workbench-app-"));
  const script = `import("./scripts/launch.mjs").then((m) => {
    const over = JSON.parse(process.env.OWN_APP_CHILD_ARGS);
    m.launch(${port}, { children: m.appChildren(${port}).map((c) => (over[c.name] ? { ...c, args: over[c.name] } : c)) });
  })`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...OWN_SERVER_ADMIN_ENV,
    WORKBENCH_DATA_DIR: dataDir,
    WORKBENCH_SEED_SAMPLES: "0",
    OWN_APP_CHILD_ARGS: JSON.stringify(opts.childArgs ?? {}),
    ...opts.env,
  };
  // A group of its own: kill() reaches every child even when the supervisor is gone.
  const supervisor = spawn(process.execPath, ["--input-type=module", "-e", script], {
    cwd: process.cwd(),
    env,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let out = "";
  supervisor.stdout!.on("data", (b: Buffer) => (out += b.toString()));
  supervisor.stderr!.on("data", (b: Buffer) => (out += b.toString()));
  const exited = new Promise<number | null>((resolve) => supervisor.once("exit", (code) => resolve(code)));
  return {
    base: `http://127.0.0.1:${port}`,
    dataDir,
    supervisor,
    output: () => out,
    childPid: (name) =>
      childPids(supervisor.pid!).find((pid) => {
        const cmdline = commandLine(pid).join(" ");
        return cmdline.includes(name) && (name.includes("--standby") || !cmdline.includes("--standby"));
      }),
    exited,
    async kill({ keepData = false } = {}) {
      try {
        process.kill(-supervisor.pid!, "SIGKILL");
      } catch {
        // gone already
      }
      if (supervisor.exitCode === null && supervisor.signalCode === null) await exited;
      // Children outlive a killed supervisor by a moment: wait until none is left before the folder goes.
      await expect.poll(() => groupAlive(supervisor.pid!), { timeout: 10_000 }).toBe(false);
      if (!keepData) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Waits until the app answers /api/health with 200. */
export async function waitForHealth(base: string, timeout = 90_000): Promise<void> {
  await expect.poll(async () => (await fetch(`${base}/api/health`).catch(() => null))?.status, { timeout, intervals: [100, 250] }).toBe(200);
}
