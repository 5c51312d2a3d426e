import fs from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { env } from "@/lib/shared/env";

/** How long the worker waits, at its start, for the web server to finish seeding the samples. */
const SEED_WAIT_MS = 5 * 60_000;
const SEED_POLL_MS = 1000;

/** A demo's progress, kept as JSON in the data folder so each step happens once. */
export function demoState<T extends object>(file: string) {
  const at = () => path.join(env.dataDir, file);
  return {
    read(): Partial<T> {
      try {
        return JSON.parse(fs.readFileSync(at(), "utf8")) as Partial<T>;
      } catch {
        return {};
      }
    },
    write(state: Partial<T>, opts: { secret?: boolean } = {}): void {
      fs.mkdirSync(path.dirname(at()), { recursive: true });
      fs.writeFileSync(at(), JSON.stringify(state, null, 2) + "\n", opts.secret ? { mode: 0o600 } : undefined);
    },
  };
}

/** Whether the web server has finished seeding the samples (or will not seed them). */
export const samplesSeeded = () => env.WORKBENCH_SEED_SAMPLES === "0" || fs.existsSync(path.join(env.dataDir, ".samples-seeded"));

/**
 * Runs `step` in the background until it says "done" (or the wait runs out): the web server seeds
 * the samples as it starts, beside the worker, so a demo waits for its sample project.
 */
export function untilSeeded(what: string, step: () => "done" | "wait" | Promise<"done" | "wait">): void {
  void (async () => {
    const started = Date.now();
    for (;;) {
      try {
        if ((await step()) === "done") return;
      } catch (e) {
        // The project or its recipe may be half-seeded still: try again shortly.
        if (Date.now() - started > SEED_WAIT_MS) return void console.error(`[worker] ${what} failed`, e);
      }
      if (Date.now() - started > SEED_WAIT_MS) return;
      await sleep(SEED_POLL_MS);
    }
  })();
}
