import { spawn } from "node:child_process";
import fs from "node:fs";
import { eq, inArray } from "drizzle-orm";
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from "vitest";

// The steps' claims and recoveries as the workers use them, on a database of this file's own:
// the claims below take every queued item there is.
const dataDir = vi.hoisted(() => {
  const dir = `${process.env.TMPDIR ?? "/tmp"}/workbench-claims-${process.pid}-${Date.now()}`;
  process.env.WORKBENCH_DATA_DIR = dir;
  return dir;
});

import { getDb } from "@/db/client";
import { datasetVersions, endpoints, jobs, projects, recipes, runs } from "@/db/schema";
import { claimNextJob, requeueInterruptedJobs } from "@/lib/integrate/server/batch/job-runner";
import { insertJobRow } from "@/lib/integrate/server/batch/test-fixtures";
import { processIdentity } from "@/lib/shared/server/proc";
import { claimNextRun, failInterruptedRuns } from "@/lib/train/server/runs";
import { WORK } from "./kinds";
import type { Lane } from "./loop";

let clock = Date.UTC(2026, 0, 1);
/** Each claim a millisecond after the last: the order below does not depend on how fast this runs. */
const tick = () => vi.setSystemTime((clock += 1000));

/** The project, dataset version and recipe a run names (their foreign keys hold): bare rows, made once. */
function runParents(projectId: string): { datasetId: string; recipeId: string } {
  const db = getDb();
  const now = new Date();
  db.insert(datasetVersions)
    .values({ id: "ds_fair", name: "fair", version: 1, status: "ready", sourceKind: "upload", source: "d.csv", format: "csv", columns: [], createdAt: now })
    .onConflictDoNothing()
    .run();
  db.insert(projects).values({ id: projectId, name: projectId, task: "regression", createdAt: now, updatedAt: now }).onConflictDoNothing().run();
  db.insert(recipes)
    .values({ id: `rc_${projectId}`, projectId, version: 1, datasetId: "ds_fair", spec: {}, createdAt: now })
    .onConflictDoNothing()
    .run();
  return { datasetId: "ds_fair", recipeId: `rc_${projectId}` };
}

function queueRun(id: string, projectId: string) {
  const parents = runParents(projectId);
  tick();
  getDb()
    .insert(runs)
    .values({
      id,
      projectId,
      algorithm: "linear",
      params: {},
      status: "queued",
      location: "server",
      ...parents,
      recipeVersion: 1,
      seed: 1,
      history: [],
      createdAt: new Date(),
    })
    .run();
}

function addEndpoint(name: string, projectId: string | null) {
  getDb()
    .insert(endpoints)
    .values({ name, mode: "batch", modelId: "m", projectId, corsOrigins: [], maxRows: 10, createdAt: new Date(), updatedAt: new Date() })
    .run();
}

function queueJob(id: string, endpointName: string) {
  tick();
  insertJobRow(id, { endpointName, sourceName: "in.csv", outputTable: `out_${id}` });
}

/** Claims until the queue is empty; the ids in the order taken. */
function drain(claim: () => { id: string } | undefined): string[] {
  const order: string[] = [];
  for (let item = (tick(), claim()); item; item = (tick(), claim())) order.push(item.id);
  return order;
}

beforeEach(() => vi.useFakeTimers({ toFake: ["Date"] }));
afterEach(() => vi.useRealTimers());
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

describe("queued work is taken fairly between projects", () => {
  it("runs: round-robin by project, oldest first within one, even when one project queued many first", () => {
    for (const id of ["a1", "a2", "a3", "a4"]) queueRun(id, "p_a");
    queueRun("b1", "p_b");
    queueRun("a5", "p_a");
    queueRun("b2", "p_b");
    expect(drain(claimNextRun)).toEqual(["a1", "b1", "a2", "b2", "a3", "a4", "a5"]);
    const states = getDb().select({ status: runs.status, startedAt: runs.startedAt }).from(runs).all();
    expect(states.every((r) => r.status === "running" && r.startedAt)).toBe(true);
  });

  it("runs: a project that had work taken lately waits behind one that waited longer", () => {
    queueRun("c1", "p_c");
    queueRun("b3", "p_b"); // p_b had b2 taken after p_a's a2, p_a's a5 was taken last
    queueRun("a6", "p_a");
    expect(drain(claimNextRun)).toEqual(["c1", "b3", "a6"]);
  });

  it("jobs: by their endpoint's project (an endpoint without one is a group of its own), oldest first within one", () => {
    addEndpoint("ep-a1", "p_a");
    addEndpoint("ep-a2", "p_a");
    addEndpoint("ep-b", "p_b");
    addEndpoint("ep-none", null);
    // Project a's two endpoints share its turn.
    queueJob("ja1", "ep-a1");
    queueJob("ja2", "ep-a2");
    queueJob("ja3", "ep-a1");
    queueJob("jb1", "ep-b");
    queueJob("jn1", "ep-none");
    queueJob("jb2", "ep-b");
    expect(drain(claimNextJob)).toEqual(["ja1", "jb1", "jn1", "ja2", "jb2", "ja3"]);
  });

  it("a claim is atomic: a job taken is never taken again, and a resumed one keeps when it first started", () => {
    queueJob("jr", "ep-b");
    const first = claimNextJob()!;
    expect(first.id).toBe("jr");
    expect(claimNextJob()).toBeUndefined();
    // Interrupted and queued again: the next claim resumes it.
    getDb().update(jobs).set({ status: "queued" }).where(eq(jobs.id, "jr")).run();
    tick();
    expect(claimNextJob()).toMatchObject({ id: "jr", status: "running", startedAt: first.startedAt });
  });
});

/** The identity a process had that has exited since (a worker that died). */
async function deadIdentity(): Promise<string> {
  const child = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
  await new Promise((resolve) => child.once("spawn", resolve));
  const identity = processIdentity(child.pid);
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGKILL");
  await exited;
  return identity;
}

describe("a worker that starts takes back only the work of workers that are gone", () => {
  it("jobs: one a live worker runs stays its; a dead worker's, one of a pid now another process's, and one claimed before claims were recorded go back to the queue", async () => {
    const dead = await deadIdentity();
    for (const id of ["jl", "jd", "jp", "jo"]) queueJob(id, "ep-b");
    while (claimNextJob()); // all four claimed by this (live) process
    const running = (id: string, claimedBy: string | null) => getDb().update(jobs).set({ claimedBy }).where(eq(jobs.id, id)).run();
    expect(getDb().select({ claimedBy: jobs.claimedBy }).from(jobs).where(eq(jobs.id, "jl")).get()).toEqual({ claimedBy: processIdentity() });
    running("jd", dead);
    running("jp", `${process.pid}@1`); // this pid, but a process that started at another time
    running("jo", null);
    expect(requeueInterruptedJobs()).toBe(3);
    const states = getDb()
      .select({ id: jobs.id, status: jobs.status })
      .from(jobs)
      .where(inArray(jobs.id, ["jl", "jd", "jp", "jo"]))
      .orderBy(jobs.id)
      .all();
    expect(states).toEqual([
      { id: "jd", status: "queued" },
      { id: "jl", status: "running" },
      { id: "jo", status: "queued" },
      { id: "jp", status: "queued" },
    ]);
  });

  it("runs: one a live worker trains stays running; a dead worker's is marked failed", async () => {
    const dead = await deadIdentity();
    queueRun("rl", "p_d");
    queueRun("rd", "p_d");
    while (claimNextRun());
    getDb().update(runs).set({ claimedBy: dead }).where(eq(runs.id, "rd")).run();
    expect(failInterruptedRuns()).toBe(1);
    const states = getDb()
      .select({ id: runs.id, status: runs.status })
      .from(runs)
      .where(inArray(runs.id, ["rl", "rd"]))
      .orderBy(runs.id)
      .all();
    expect(states).toEqual([
      { id: "rd", status: "failed" },
      { id: "rl", status: "running" },
    ]);
  });
});

describe("the kinds of work registered for the workers", () => {
  const kindOf = (lane: Lane) => {
    const kinds = WORK.kinds.filter((k) => k.lane === lane);
    expect(kinds).toHaveLength(1);
    return kinds[0];
  };

  it("a training worker claims runs and recovers runs; a batch worker claims jobs and recovers jobs", async () => {
    const dead = await deadIdentity();
    // What the tests above left queued or running is done with: this test's two items are all there is.
    getDb()
      .update(runs)
      .set({ status: "cancelled" })
      .where(inArray(runs.status, ["queued", "running"]))
      .run();
    getDb()
      .update(jobs)
      .set({ status: "cancelled" })
      .where(inArray(jobs.status, ["queued", "running"]))
      .run();
    queueRun("rk", "p_k");
    queueJob("jk", "ep-b");
    expect(kindOf("train")).toMatchObject({ noun: "run" });
    expect(kindOf("batch")).toMatchObject({ noun: "job" });
    expect(kindOf("train").claim()).toMatchObject({ id: "rk", status: "running" });
    expect(kindOf("train").claim()).toBeUndefined();
    expect(kindOf("batch").claim()).toMatchObject({ id: "jk", status: "running" });
    expect(kindOf("batch").claim()).toBeUndefined();
    getDb().update(runs).set({ claimedBy: dead }).where(eq(runs.id, "rk")).run();
    getDb().update(jobs).set({ claimedBy: dead }).where(eq(jobs.id, "jk")).run();
    expect(kindOf("train").recover()).toBe("marked 1 interrupted run(s) failed");
    expect(kindOf("train").recover()).toBeUndefined();
    expect(kindOf("batch").recover()).toBe("1 interrupted batch job(s) will resume from their last committed chunk");
    expect(kindOf("batch").recover()).toBeUndefined();
    expect(getDb().select({ status: jobs.status }).from(jobs).where(eq(jobs.id, "jk")).get()).toEqual({ status: "queued" });
  });

  it("every hook follows a registered kind of work (one that follows none would never run)", () => {
    const nouns = WORK.kinds.map((k) => k.noun);
    for (const hook of WORK.hooks) expect(nouns).toContain(hook.follows);
  });
});
