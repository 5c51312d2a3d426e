// Starts the workbench's two processes: the Next.js server and the training worker.
// If either exits, the other is stopped too, so nothing is left half-running.
import { spawn } from "node:child_process";
import path from "node:path";

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");

export function launch(port) {
  const children = [
    spawn(process.execPath, [path.join(ROOT, "node_modules/next/dist/bin/next"), "start", "-p", String(port)], { cwd: ROOT, stdio: "inherit" }),
    spawn(process.execPath, [path.join(ROOT, "node_modules/tsx/dist/cli.mjs"), "scripts/worker.ts"], { cwd: ROOT, stdio: "inherit" }),
  ];
  let exiting = false;
  const stopAll = (code) => {
    if (exiting) return;
    exiting = true;
    for (const c of children) if (c.exitCode === null) c.kill("SIGTERM");
    process.exitCode = code ?? 0;
  };
  for (const c of children) c.on("exit", (code) => stopAll(code));
  for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => stopAll(0));
}
