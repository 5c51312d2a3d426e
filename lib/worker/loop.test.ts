import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { runWorker, type Lane, type WorkHook, type WorkKind } from "./loop";

/** What the worker did, in order: recoveries, hook starts, runs and afters, as the kinds and hooks below record them. */
let events: string[];
let logged: string[];

beforeEach(() => {
  events = [];
  logged = [];
  vi.spyOn(console, "log").mockImplementation((...args) => void logged.push(args.join(" ")));
  vi.spyOn(console, "error").mockImplementation((...args) => void logged.push(args.map(String).join(" ")));
});
afterEach(() => vi.restoreAllMocks());

/** A kind of work over an in-memory queue: claims take the oldest id; a run records itself and waits for `runs` if given. */
function queueKind(noun: string, lane: Lane, ids: string[], opts: { recovered?: string; run?: (id: string, signal: AbortSignal) => Promise<void> } = {}) {
  const queue = [...ids];
  const kind: WorkKind = {
    noun,
    lane,
    recover: () => (events.push(`recover ${noun}`), opts.recovered),
    claim: () => {
      const id = queue.shift();
      return id === undefined ? undefined : { id };
    },
    run: async (item, signal) => {
      events.push(`run ${item.id}`);
      await opts.run?.(item.id, signal);
    },
  };
  return { kind, queue };
}

const hook = (name: string, follows: string): WorkHook => ({
  name,
  follows,
  start: () => void events.push(`start ${name}`),
  after: async (item) => void events.push(`after ${name} ${item.id}`),
});

/** Runs a worker until `done` holds (checked after each event), then stops it; what it logged. */
async function workUntil(lane: Lane, kinds: WorkKind[], hooks: WorkHook[], done: () => boolean) {
  const controller = new AbortController();
  const worker = runWorker(lane, { kinds, hooks }, controller.signal);
  await vi.waitFor(() => expect(done()).toBe(true), { timeout: 5000, interval: 5 });
  controller.abort();
  await worker;
}

describe("a worker", () => {
  it("recovers its lane's work before the first claim, takes each item once in the order claimed, and runs the hooks of what it took", async () => {
    const runs = queueKind("run", "train", ["r1", "r2"], { recovered: "marked 1 interrupted run(s) failed" });
    const jobs = queueKind("job", "batch", ["j1"]);
    await workUntil("train", [runs.kind, jobs.kind], [hook("demo", "run"), hook("report", "job")], () => events.includes("after demo r2"));
    expect(events).toEqual(["recover run", "start demo", "run r1", "after demo r1", "run r2", "after demo r2"]);
    // The batch lane's job is not this worker's.
    expect(jobs.queue).toEqual(["j1"]);
    expect(logged).toEqual([
      "[worker:train] marked 1 interrupted run(s) failed",
      "[worker:train] ready",
      `[worker:train] pid ${process.pid} took run r1`,
      `[worker:train] pid ${process.pid} took run r2`,
    ]);
  });

  it("takes the kinds of its lane in turn, so one kind's long queue holds no other back", async () => {
    const runs = queueKind("run", "train", ["r1", "r2", "r3"]);
    const trials = queueKind("trial", "train", ["t1", "t2"]);
    await workUntil("train", [runs.kind, trials.kind], [], () => events.includes("run r3"));
    expect(events.filter((e) => e.startsWith("run "))).toEqual(["run r1", "run t1", "run r2", "run t2", "run r3"]);
  });

  it("goes on after a claim or a run fails: it logs, waits a poll and claims again", async () => {
    let claims = 0;
    const flaky: WorkKind = {
      noun: "job",
      lane: "batch",
      recover: () => undefined,
      claim: () => {
        claims++;
        if (claims === 1) throw new Error("database is locked");
        return claims <= 3 ? { id: `j${claims}` } : undefined;
      },
      run: async (item) => {
        events.push(`run ${item.id}`);
        if (item.id === "j2") throw new Error("bad row");
      },
    };
    await workUntil("batch", [flaky], [], () => events.includes("run j3"));
    expect(events).toEqual(["run j2", "run j3"]);
    expect(logged.filter((l) => l.includes("poll failed"))).toEqual([
      "[worker:batch] poll failed Error: database is locked",
      "[worker:batch] poll failed Error: bad row",
    ]);
  });

  it("on a stop, lets the item in hand reach its safe point and takes no other", async () => {
    const jobs = queueKind("job", "batch", ["j1", "j2"], {
      run: (_id, signal) => new Promise((resolve) => signal.addEventListener("abort", () => resolve(void events.push("j1 stopped")))),
    });
    await workUntil("batch", [jobs.kind], [], () => events.includes("run j1"));
    expect(events).toEqual(["recover job", "run j1", "j1 stopped"]);
    expect(jobs.queue).toEqual(["j2"]);
  });

  it("waits for the database at start, and starts without a hook that fails to start", async () => {
    let tries = 0;
    const runs = queueKind("run", "train", ["r1"]);
    const recover = runs.kind.recover;
    runs.kind.recover = () => {
      if (++tries < 3) throw new Error("no such table: runs");
      return recover();
    };
    const broken: WorkHook = {
      name: "the broken demo",
      follows: "run",
      start: () => {
        throw new Error("no sample");
      },
    };
    await workUntil("train", [runs.kind], [broken, hook("demo", "run")], () => events.includes("after demo r1"));
    expect(tries).toBe(3);
    expect(events).toEqual(["recover run", "start demo", "run r1", "after demo r1"]);
    expect(logged[0]).toBe("[worker:train] could not start the broken demo Error: no sample");
  });

  it("refuses a lane no kind of work is registered for", async () => {
    const runs = queueKind("run", "train", []);
    await expect(runWorker("batch", { kinds: [runs.kind], hooks: [] }, new AbortController().signal)).rejects.toThrow(/registered for the batch lane/);
  });
});
