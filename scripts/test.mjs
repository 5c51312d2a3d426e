// `npm test`: types, formatting and lint, import boundaries, unit tests, then a build if needed, then API and e2e tests against the built server.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { buildIfNeeded } from "./build-if-needed.mjs";

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const bin = (name) => path.join(ROOT, "node_modules", ".bin", name);
const run = (cmd, args) => {
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: "inherit" });
  if (r.status !== 0) process.exit(r.status ?? 1);
};

run(bin("tsc"), ["--noEmit", "-p", "."]);
// Formatting and lint (biome.jsonc): formatting differences and lint errors fail; warnings are listed.
run(bin("biome"), ["ci", "--colors=off", "."]);
// Which folder may import which (.dependency-cruiser.cjs): no step imports a later one, components no server code, no cycles.
run("npm", ["run", "--silent", "lint:deps"]);
run(bin("vitest"), ["run"]);
buildIfNeeded();
run(bin("playwright"), ["test", ...process.argv.slice(2)]);
