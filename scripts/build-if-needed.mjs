// Builds the app when there is no build yet or a source file is newer than the last build.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const SOURCES = [
  "app",
  "components",
  "lib",
  "db",
  "public",
  "samples",
  "instrumentation.ts",
  "next.config.js",
  "package.json",
  "package-lock.json",
  "postcss.config.mjs",
  "tsconfig.json",
];

function newestMtime(p) {
  let st;
  try {
    st = fs.statSync(p);
  } catch {
    return 0;
  }
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const entry of fs.readdirSync(p)) newest = Math.max(newest, newestMtime(path.join(p, entry)));
  return newest;
}

/** One build at a time: parallel `npm test` runs share the .next folder. */
function withLock(fn) {
  const lock = path.join(ROOT, ".build.lock");
  const started = Date.now();
  for (;;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch {
      // A lock older than 10 minutes belongs to a build that died.
      if (Date.now() - fs.statSync(lock, { throwIfNoEntry: false })?.mtimeMs > 600_000) fs.rmSync(lock, { recursive: true, force: true });
      if (Date.now() - started > 900_000) throw new Error("waited 15 minutes for another build");
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1000);
    }
  }
  try {
    return fn();
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

export function buildIfNeeded() {
  return withLock(buildUnlocked);
}

function buildUnlocked() {
  const buildId = path.join(ROOT, ".next", "BUILD_ID");
  const built = fs.existsSync(buildId) ? fs.statSync(buildId).mtimeMs : 0;
  const changed = Math.max(...SOURCES.map((s) => newestMtime(path.join(ROOT, s))));
  if (built && built >= changed) return;
  console.log(built ? "[workbench] sources changed since the last build; building…" : "[workbench] first start; building…");
  const startedAt = new Date();
  const r = spawnSync(process.execPath, [path.join(ROOT, "node_modules/next/dist/bin/next"), "build"], { cwd: ROOT, stdio: "inherit" });
  if (r.status !== 0) {
    console.error("[workbench] build failed");
    fs.rmSync(path.join(ROOT, ".build.lock"), { recursive: true, force: true });
    process.exit(r.status ?? 1);
  }
  // The build is as new as the sources it started from: a file saved during the build makes the next call build again.
  fs.utimesSync(buildId, startedAt, startedAt);
}

if (import.meta.url === `file://${process.argv[1]}`) buildIfNeeded();
