// The supervisor of the workbench's processes: the web server (Next.js behind the scoring front)
// and a worker per lane — training (runs, sweeps, the demos' set-up) and batch jobs — so queued
// training never delays a scheduled job. A child that exits is started again (at once, then with a
// growing pause, see restart-policy.mjs); one that keeps exiting makes the supervisor give up,
// stop the others and exit non-zero. SIGINT/SIGTERM stop every child cleanly, then exit 0.
import { spawn } from "node:child_process";
import path from "node:path";
import { afterExit, freshRestartState } from "./restart-policy.mjs";

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
/** How long a stop waits for the children (the web server drains for 5 s, a worker commits its chunk) before it kills them. */
const STOP_TIMEOUT_MS = 15_000;
// Extra node flags for every process (for example `--cpu-prof --cpu-prof-dir=/tmp/prof`, which NODE_OPTIONS refuses).
const NODE_ARGS = (process.env.WORKBENCH_NODE_ARGS ?? "").split(" ").filter(Boolean);

/** @typedef {{ name: string, args: string[] }} ChildSpec */

/** The app's processes: each runs `node [NODE_ARGS] <args>` in the project folder. */
export function appChildren(port) {
  return [
    // Next behind the scoring front (scripts/server.ts), as `next start` would serve it otherwise.
    { name: "web server", args: ["--import", "tsx", "scripts/server.ts", "-p", String(port)] },
    { name: "training worker", args: ["--import", "tsx", "scripts/worker.ts", "--lane", "train"] },
    { name: "batch worker", args: ["--import", "tsx", "scripts/worker.ts", "--lane", "batch"] },
  ];
}

const log = (message) => console.error(`[workbench] ${message}`);
const describeExit = (code, signal) => (signal ? `killed by ${signal}` : `exit code ${code}`);

/**
 * Starts and supervises `children` (the app's, unless a test names others).
 * @param {string | number} port
 * @param {{ children?: ChildSpec[] }} [options]
 */
export function launch(port, options = {}) {
  const specs = options.children ?? appChildren(port);
  let stopping = false;
  /** @type {Map<string, { spec: ChildSpec, proc: import("node:child_process").ChildProcess | null, startedAt: number, restart: ReturnType<typeof freshRestartState>, timer: NodeJS.Timeout | null }>} */
  const running = new Map();

  const start = (entry) => {
    entry.timer = null;
    entry.startedAt = Date.now();
    const proc = spawn(process.execPath, [...NODE_ARGS, ...entry.spec.args], { cwd: ROOT, stdio: "inherit" });
    entry.proc = proc;
    proc.on("exit", (code, signal) => {
      entry.proc = null;
      if (stopping) return maybeDone();
      const decision = afterExit(entry.restart, { startedAt: entry.startedAt, exitedAt: Date.now() });
      entry.restart = decision.state;
      if (!decision.restart) {
        log(`giving up: the ${entry.spec.name} exited ${decision.crashes} times within a minute (last: ${describeExit(code, signal)}); stopping the others`);
        stop(1);
        return;
      }
      log(`the ${entry.spec.name} (pid ${proc.pid}) exited (${describeExit(code, signal)}); restarting it${decision.delayMs ? ` in ${decision.delayMs / 1000} s` : ""}`);
      entry.timer = setTimeout(() => start(entry), decision.delayMs);
    });
  };

  let stopTimer = null;
  const maybeDone = () => {
    if ([...running.values()].some((e) => e.proc)) return;
    clearTimeout(stopTimer);
    process.exit(process.exitCode ?? 0);
  };
  // Every child gets SIGTERM and a bounded time to finish; none is restarted from now on.
  const stop = (code) => {
    if (stopping) return;
    stopping = true;
    process.exitCode = code;
    for (const e of running.values()) {
      clearTimeout(e.timer);
      e.proc?.kill("SIGTERM");
    }
    stopTimer = setTimeout(() => {
      for (const e of running.values()) {
        if (!e.proc) continue;
        log(`the ${e.spec.name} did not stop within ${STOP_TIMEOUT_MS / 1000} s; killing it`);
        e.proc.kill("SIGKILL");
      }
    }, STOP_TIMEOUT_MS);
    maybeDone();
  };

  for (const spec of specs) {
    const entry = { spec, proc: null, startedAt: 0, restart: freshRestartState(), timer: null };
    running.set(spec.name, entry);
    start(entry);
  }
  for (const sig of ["SIGINT", "SIGTERM"]) {
    process.on(sig, () => {
      if (stopping) return;
      log(`${sig}: stopping`);
      stop(0);
    });
  }
}
