/** A production web server of a test's own (no worker), on its own port and a fresh data folder, for what the shared test server cannot show. */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

export interface OwnServer {
  base: string;
  /** Its data folder (removed by `stop`). */
  dataDir: string;
  child: ChildProcess;
  /** Everything it printed so far. */
  output(): string;
  stop(): void;
}

/** Starts `scripts/server.ts` with `env` on top of this process's environment (less the test administrator's, unless `env` names one). */
export function startOwnWebServer(port: number, env: Record<string, string> = {}): OwnServer {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "workbench-own-"));
  let out = "";
  const full: NodeJS.ProcessEnv = { ...process.env, WORKBENCH_DATA_DIR: dataDir, WORKBENCH_SEED_SAMPLES: "0", PORT: String(port) };
  delete full.WORKBENCH_ADMIN_EMAIL;
  delete full.WORKBENCH_ADMIN_PASSWORD;
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/server.ts", "-p", String(port)], { cwd: process.cwd(), env: { ...full, ...env }, stdio: ["ignore", "pipe", "pipe"], detached: true });
  child.stdout!.on("data", (b: Buffer) => (out += b.toString()));
  child.stderr!.on("data", (b: Buffer) => (out += b.toString()));
  return {
    base: `http://localhost:${port}`,
    dataDir,
    child,
    output: () => out,
    stop: () => {
      try {
        process.kill(-child.pid!, "SIGTERM");
      } catch {
        // gone already
      }
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
