// `npm start`: build when needed, then serve. Migrations and samples run at server start
// (instrumentation.ts), so a fresh clone needs nothing else.
import { spawn } from "node:child_process";
import path from "node:path";
import { buildIfNeeded } from "./build-if-needed.mjs";

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
buildIfNeeded();
const port = process.env.PORT ?? "3000";
const child = spawn(process.execPath, [path.join(ROOT, "node_modules/next/dist/bin/next"), "start", "-p", port], {
  cwd: ROOT,
  stdio: "inherit",
});
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => child.kill(sig));
child.on("exit", (code) => process.exit(code ?? 0));
