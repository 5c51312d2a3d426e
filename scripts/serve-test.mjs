// The server the API and e2e tests talk to: the built app on its own port and a fresh data folder.
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const dataDir = process.env.WORKBENCH_DATA_DIR;
if (!dataDir) throw new Error("serve-test needs WORKBENCH_DATA_DIR");
fs.rmSync(dataDir, { recursive: true, force: true });
const child = spawn(process.execPath, [path.join(ROOT, "node_modules/next/dist/bin/next"), "start", "-p", process.env.PORT ?? "3100"], {
  cwd: ROOT,
  stdio: "inherit",
});
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => child.kill(sig));
child.on("exit", (code) => process.exit(code ?? 0));
