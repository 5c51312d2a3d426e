import { setTimeout as sleep } from "node:timers/promises";

/** How often an idle worker looks for queued work (one indexed read per kind: cheap, and work starts within this). */
const POLL_MS = 100;

/**
 * A worker's lane: what it takes from the queue. Each lane is a process of its own (scripts/launch.mjs
 * starts one of each), so queued or long training never delays a batch job — a scheduled one
 * starts within a poll however much training waits.
 */
export const LANES = ["train", "batch"] as const;
export type Lane = (typeof LANES)[number];

/**
 * A kind of work a step gives the workers (a training run, a batch job): rows of the step's table
 * that wait as "queued" until a worker claims one, recording itself in the row's claimed_by so
 * that a worker that starts later knows whether the claimant is still alive.
 */
export interface WorkKind<T extends { id: string } = { id: string }> {
  /** What the log calls one item: "run" logs "[worker:train] pid N took run X". */
  noun: string;
  /** The lane whose workers take it. */
  lane: Lane;
  /**
   * Once as a worker of its lane starts, before the first claim: takes back what a worker that is
   * gone left running (a live worker's items stay its). What it did, for the log, or nothing.
   */
  recover(): string | undefined;
  /** Claims the next queued item, atomically and fairly between projects; undefined when none waits. */
  claim(): T | undefined;
  /** Runs a claimed item to its end, or to its next safe point once `signal` aborts. */
  run(item: T, signal: AbortSignal): Promise<void>;
}

/** Work a later step hangs on another's (the demos queue their model's run at start and deploy it once trained). */
export interface WorkHook {
  /** For the log: "could not start the web-shop demo". */
  name: string;
  /** The noun of the kind of work it follows: it starts with the workers of that kind's lane. */
  follows: string;
  /** Once as the worker starts, after recovery; work it does in the background is its own. */
  start?(): void;
  /** After each item of that kind the worker ran. */
  after?(item: { id: string }): Promise<void>;
}

/** Everything the steps give the workers, listed in one place (lib/worker/kinds.ts). */
export interface WorkRegistry {
  kinds: readonly WorkKind[];
  hooks: readonly WorkHook[];
}

/**
 * A worker: a process of its own started beside the web server (`npm start`), so long work never
 * blocks a request. It claims its lane's queued items one at a time until `signal` aborts; the item
 * it is on stops at its next safe point (a run's epoch, a job's chunk). A lane with several kinds
 * takes them in turn, so none waits behind another's queue.
 */
export async function runWorker(lane: Lane, work: WorkRegistry, signal: AbortSignal): Promise<void> {
  const kinds = work.kinds.filter((k) => k.lane === lane);
  if (kinds.length === 0) throw new Error(`no kind of work is registered for the ${lane} lane`);
  const hooksOf = (kind: WorkKind) => work.hooks.filter((h) => h.follows === kind.noun);

  for (const kind of kinds) {
    const recovered = await withStartupRetry(() => kind.recover());
    if (recovered) console.log(`[worker:${lane}] ${recovered}`);
  }
  for (const hook of kinds.flatMap(hooksOf)) {
    try {
      hook.start?.();
    } catch (e) {
      console.error(`[worker:${lane}] could not start ${hook.name}`, e);
    }
  }
  console.log(`[worker:${lane}] ready`);

  let turn = 0;
  /** Claims and runs one queued item, starting from the kind after the last one tried; false when none waited. */
  async function next(): Promise<boolean> {
    for (let tried = 0; tried < kinds.length; tried++) {
      const kind = kinds[turn];
      turn = (turn + 1) % kinds.length;
      const item = kind.claim();
      if (!item) continue;
      console.log(`[worker:${lane}] pid ${process.pid} took ${kind.noun} ${item.id}`);
      await kind.run(item, signal);
      for (const hook of hooksOf(kind)) await hook.after?.(item);
      return true;
    }
    return false;
  }

  while (!signal.aborted) {
    try {
      if (await next()) continue;
    } catch (e) {
      // A locked database or a bad row must not end the worker: log, wait, go on.
      console.error(`[worker:${lane}] poll failed`, e);
    }
    await sleep(POLL_MS, undefined, { signal }).catch(() => undefined);
  }
}

const STARTUP_RETRY_MS = 30_000;
const STARTUP_RETRY_PAUSE_MS = 500;

/** The web server migrates the database as it starts; wait for it rather than race it. */
async function withStartupRetry<T>(fn: () => T): Promise<T> {
  const started = Date.now();
  for (;;) {
    try {
      return fn();
    } catch (e) {
      if (Date.now() - started > STARTUP_RETRY_MS) throw e;
      await sleep(STARTUP_RETRY_PAUSE_MS);
    }
  }
}
