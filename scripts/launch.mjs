// The supervisor of the workbench's processes: the web server (Next.js behind the scoring front)
// and a worker per lane — training (runs, sweeps, the demos' set-up) and batch jobs — so queued
// training never delays a scheduled job. A child that exits is started again (at once, then with a
// growing pause, see restart-policy.mjs); one that keeps exiting makes the supervisor give up,
// stop the others and exit non-zero. SIGINT/SIGTERM stop every child cleanly, then exit 0.
// The web server has a standby beside it: a second one, loaded and prepared but not listening,
// that takes over the port the moment the serving one dies (a start takes seconds; this, a few
// milliseconds). WORKBENCH_WEB_STANDBY=0 saves its memory where a restart's seconds are fine.
import { spawn } from "node:child_process";
import path from "node:path";
import { afterExit, freshRestartState } from "./restart-policy.mjs";

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
/** How long a stop waits for the children (the web server drains for 5 s, a worker commits its chunk) before it kills them. */
const STOP_TIMEOUT_MS = 15_000;
/** The least pause before a standby that died is started again (it costs a whole start's CPU). */
const STANDBY_RESTART_MS = 2000;
// Extra node flags for every process (for example `--cpu-prof --cpu-prof-dir=/tmp/prof`, which NODE_OPTIONS refuses).
const NODE_ARGS = (process.env.WORKBENCH_NODE_ARGS ?? "").split(" ").filter(Boolean);

/** @typedef {{ name: string, args: string[], standby?: boolean }} ChildSpec */

/** The app's processes: each runs `node [NODE_ARGS] <args>` in the project folder. */
export function appChildren(port, { standby = process.env.WORKBENCH_WEB_STANDBY !== "0" } = {}) {
  return [
    // Next behind the scoring front (scripts/server.ts), as `next start` would serve it otherwise.
    // A larger young generation: a scored request's objects (and its log entry, held until the writer
    // thread has it) die there instead of being promoted, so the old generation (and the RSS) grows
    // slower and its long pauses are rarer under thousands of requests a second (see `npm run soak`).
    { name: "web server", args: ["--max-semi-space-size=32", "--import", "tsx", "scripts/server.ts", "-p", String(port)], standby },
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
  /** @type {Map<string, { spec: ChildSpec, proc: import("node:child_process").ChildProcess | null, startedAt: number, restart: ReturnType<typeof freshRestartState>, timer: NodeJS.Timeout | null, standby: { proc: import("node:child_process").ChildProcess, ready: boolean, startedAt: number } | null, standbyRestart: ReturnType<typeof freshRestartState>, standbyTimer: NodeJS.Timeout | null }>} */
  const running = new Map();

  const spawnChild = (entry, extraArgs = []) =>
    spawn(process.execPath, [...NODE_ARGS, ...entry.spec.args, ...extraArgs], {
      cwd: ROOT,
      // A web server with a standby talks to the supervisor: "listening", "standing-by", "take-over".
      stdio: entry.spec.standby ? ["inherit", "inherit", "inherit", "ipc"] : "inherit",
    });

  const start = (entry) => {
    entry.timer = null;
    serve(entry, spawnChild(entry));
  };

  /** `proc` is now the child that does the entry's work (a fresh start, or a standby that took over). */
  const serve = (entry, proc) => {
    entry.startedAt = Date.now();
    entry.proc = proc;
    proc.on("message", (m) => {
      if (m?.type === "listening" && proc === entry.proc) startStandby(entry);
    });
    proc.on("exit", (code, signal) => {
      if (proc !== entry.proc) return;
      entry.proc = null;
      if (stopping) return maybeDone();
      const decision = afterExit(entry.restart, { startedAt: entry.startedAt, exitedAt: Date.now() });
      entry.restart = decision.state;
      if (!decision.restart) {
        log(`giving up: the ${entry.spec.name} exited ${decision.crashes} times within a minute (last: ${describeExit(code, signal)}); stopping the others`);
        stop(1);
        return;
      }
      const standby = entry.standby;
      if (standby?.ready) {
        entry.standby = null;
        log(`the ${entry.spec.name} (pid ${proc.pid}) exited (${describeExit(code, signal)}); its standby (pid ${standby.proc.pid}) takes over`);
        serve(entry, standby.proc);
        standby.proc.send({ type: "take-over" });
        return;
      }
      log(
        `the ${entry.spec.name} (pid ${proc.pid}) exited (${describeExit(code, signal)}); restarting it${decision.delayMs ? ` in ${decision.delayMs / 1000} s` : ""}`,
      );
      entry.timer = setTimeout(() => start(entry), decision.delayMs);
    });
  };

  /** A standby for a serving child that has one: started once that one listens (so their start-ups never race), started again if it dies. */
  const startStandby = (entry) => {
    if (!entry.spec.standby || entry.standby || stopping) return;
    const proc = spawnChild(entry, ["--standby"]);
    const standby = { proc, ready: false, startedAt: Date.now() };
    entry.standby = standby;
    proc.on("message", (m) => {
      if (m?.type === "standing-by") standby.ready = true;
    });
    proc.on("exit", (code, signal) => {
      if (entry.standby !== standby) return; // it took over (or a stop is under way)
      entry.standby = null;
      if (stopping) return maybeDone();
      const decision = afterExit(entry.standbyRestart, { startedAt: standby.startedAt, exitedAt: Date.now() });
      entry.standbyRestart = decision.state;
      // A standby that keeps dying is given up alone: the app serves on, restarts take their seconds.
      if (!decision.restart)
        return log(
          `the ${entry.spec.name}'s standby exited ${decision.crashes} times within a minute (last: ${describeExit(code, signal)}); going on without one`,
        );
      log(`the ${entry.spec.name}'s standby (pid ${proc.pid}) exited (${describeExit(code, signal)}); starting another`);
      entry.standbyTimer = setTimeout(() => entry.proc && startStandby(entry), Math.max(decision.delayMs, STANDBY_RESTART_MS));
    });
  };

  let stopTimer = null;
  const maybeDone = () => {
    if ([...running.values()].some((e) => e.proc || e.standby)) return;
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
      clearTimeout(e.standbyTimer);
      e.proc?.kill("SIGTERM");
      e.standby?.proc.kill("SIGTERM");
    }
    stopTimer = setTimeout(() => {
      for (const e of running.values()) {
        e.standby?.proc.kill("SIGKILL");
        if (!e.proc) continue;
        log(`the ${e.spec.name} did not stop within ${STOP_TIMEOUT_MS / 1000} s; killing it`);
        e.proc.kill("SIGKILL");
      }
    }, STOP_TIMEOUT_MS);
    maybeDone();
  };

  for (const spec of specs) {
    const entry = {
      spec,
      proc: null,
      startedAt: 0,
      restart: freshRestartState(),
      timer: null,
      standby: null,
      standbyRestart: freshRestartState(),
      standbyTimer: null,
    };
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
