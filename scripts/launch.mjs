// Starts the workbench's two processes: the Next.js server and the training worker.
// A worker that dies is started again (after a pause); when the web server exits, all stop.
import { spawn } from "node:child_process";
import path from "node:path";

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const WORKER_RESTART_MS = 1000;
// Extra node flags for both processes (for example `--cpu-prof --cpu-prof-dir=/tmp/prof`, which NODE_OPTIONS refuses).
const NODE_ARGS = (process.env.WORKBENCH_NODE_ARGS ?? "").split(" ").filter(Boolean);

export function launch(port) {
  let exiting = false;
  let worker;
  const startWorker = () => {
    worker = spawn(process.execPath, [...NODE_ARGS, "--import", "tsx", "scripts/worker.ts"], { cwd: ROOT, stdio: "inherit" });
    worker.on("exit", (code) => {
      if (exiting) return;
      console.error(`[workbench] the training worker exited (${code}); starting it again`);
      setTimeout(startWorker, WORKER_RESTART_MS);
    });
  };
  // Next behind the scoring front (scripts/server.ts), as `next start` would serve it otherwise.
  const web = spawn(process.execPath, [...NODE_ARGS, "--import", "tsx", "scripts/server.ts", "-p", String(port)], { cwd: ROOT, stdio: "inherit" });
  startWorker();
  const stopAll = (code) => {
    if (exiting) return;
    exiting = true;
    for (const c of [web, worker]) if (c && c.exitCode === null) c.kill("SIGTERM");
    process.exitCode = code ?? 0;
  };
  web.on("exit", (code) => stopAll(code));
  for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => stopAll(0));
}
