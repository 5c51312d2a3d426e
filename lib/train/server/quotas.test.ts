import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { getDb } from "@/db/client";
import { runs } from "@/db/schema";
import { ingestDataset } from "@/lib/data/server/ingest";
import { createProject } from "@/lib/define/server/projects";
import { runWithCall, type Principal } from "@/lib/identity/server/context";
import { getSettings, updateSettings } from "@/lib/identity/server/settings";
import { saveRecipe } from "@/lib/prepare/server/recipes";
import { AppError } from "@/lib/shared/errors";
import { errorAnswer, toResponse } from "@/lib/shared/http";
import { newId } from "@/lib/shared/ids";
import { QUOTA_RETRY_AFTER_SECONDS } from "./quotas";
import { cancelRun, createRun } from "./runs";
import { createSweep, getSweep } from "./sweeps";

const csv = (text: string) => ({ sourceKind: "upload" as const, source: "t.csv", stream: Readable.from([Buffer.from(text)]), maxBytes: 1 << 20 });
const rowsCsv = ["a,b,y", ...Array.from({ length: 40 }, (_, i) => `${i},${i % 7},${2 * i + 1}`)].join("\n") + "\n";

const person = (userId: string): Principal => ({ userId, email: `${userId}@example.org`, name: userId, role: "editor", via: "token" });
const as = <T>(userId: string, fn: () => T): T => runWithCall({ principal: person(userId), ip: "127.0.0.1" }, fn);
const uniq = (what: string) => `${what}_${newId("t")}`;

let datasetId = "";
/** A fresh regression project with a saved recipe: runs can be queued on it at once. */
async function trainableProject(): Promise<string> {
  const project = createProject({ name: uniq("quota"), task: "regression", datasetId, target: "y" });
  await saveRecipe(project.id, { datasetId, target: "y", steps: [], split: { method: "random", validation: 0.2, seed: 1 } });
  return project.id;
}

/** The error a call throws (it must throw). */
function thrown(fn: () => unknown): AppError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    return e as AppError;
  }
  throw new Error("expected it to throw");
}

const quotasBefore = { ...getSettings().quotas };
/** Lowers some caps for the length of `fn` (as an administrator would), then puts them back. */
async function withCaps<T>(caps: Partial<typeof quotasBefore>, fn: () => T | Promise<T>): Promise<T> {
  updateSettings({ quotas: caps }, null);
  try {
    return await fn();
  } finally {
    updateSettings({ quotas: quotasBefore }, null);
  }
}

beforeAll(async () => {
  datasetId = (await ingestDataset(uniq("quota-data"), csv(rowsCsv))).id;
});
afterAll(() => updateSettings({ quotas: quotasBefore }, null));

describe("runs record who queued them", () => {
  it("a person's run and sweep trials carry their id; the system's carry none", async () => {
    const projectId = await trainableProject();
    const mine = as("u_rec", () => createRun(projectId, { algorithm: "linear" }));
    const system = createRun(projectId, { algorithm: "linear" });
    const stored = (id: string) => getDb().select({ createdBy: runs.createdBy }).from(runs).where(eq(runs.id, id)).get()?.createdBy;
    expect(stored(mine.id)).toBe("u_rec");
    expect(stored(system.id)).toBeNull();
    const sweep = as("u_rec", () => createSweep(projectId, { algorithm: "linear", space: { l2: [0, 0.1] } }));
    expect(sweep.trials.map((t) => stored(t.id))).toEqual(["u_rec", "u_rec"]);
    for (const id of [mine.id, system.id, ...sweep.trials.map((t) => t.id)]) cancelRun(id);
  });
});

describe("caps on queued runs", () => {
  it("refuse a person's run past their cap with a 429 naming quota and a Retry-After, until one finishes", async () => {
    const [p1, p2] = [await trainableProject(), await trainableProject()];
    await withCaps({ maxQueuedRunsPerUser: 3 }, () => {
      const queued = [
        as("u_cap", () => createRun(p1, { algorithm: "linear" })),
        as("u_cap", () => createRun(p1, { algorithm: "linear" })),
        as("u_cap", () => createRun(p2, { algorithm: "linear" })),
      ];
      const e = thrown(() => as("u_cap", () => createRun(p2, { algorithm: "linear" })));
      expect(e.code).toBe("TOO_MANY_REQUESTS");
      expect(e.errors).toEqual([{ field: "quota", message: expect.stringMatching(/You have 3 runs queued or running, and may have at most 3/) }]);
      expect(e.retryAfterSeconds).toBe(QUOTA_RETRY_AFTER_SECONDS);
      // Someone else, and the system, are not held by this person's cap.
      cancelRun(as("u_other", () => createRun(p2, { algorithm: "linear" })).id);
      cancelRun(createRun(p2, { algorithm: "linear" }).id);
      // A finished (here: cancelled) run frees its place.
      cancelRun(queued[0].id);
      const again = as("u_cap", () => createRun(p2, { algorithm: "linear" }));
      for (const r of [...queued.slice(1), again]) cancelRun(r.id);
    });
  });

  it("refuse a run past the project's cap, whoever asks", async () => {
    const projectId = await trainableProject();
    await withCaps({ maxQueuedRunsPerProject: 2 }, () => {
      const a = as("u_p1", () => createRun(projectId, { algorithm: "linear" }));
      const b = as("u_p2", () => createRun(projectId, { algorithm: "linear" }));
      const e = thrown(() => as("u_p3", () => createRun(projectId, { algorithm: "linear" })));
      expect(e.code).toBe("TOO_MANY_REQUESTS");
      expect(e.errors[0]).toMatchObject({ field: "quota", message: expect.stringMatching(/The project has 2 runs queued or running, and may have at most 2/) });
      for (const r of [a, b]) cancelRun(r.id);
    });
  });

  it("refuse a sweep that would pass a cap whole: no trial is queued", async () => {
    const projectId = await trainableProject();
    await withCaps({ maxQueuedRunsPerProject: 4 }, () => {
      const first = as("u_sw", () => createSweep(projectId, { algorithm: "linear", space: { l2: [0, 0.1, 0.2] } }));
      expect(first.trials).toHaveLength(3);
      const e = thrown(() => as("u_sw", () => createSweep(projectId, { algorithm: "linear", space: { l2: [0, 0.1] } })));
      expect(e.code).toBe("TOO_MANY_REQUESTS");
      expect(e.message).toMatch(/2 more runs would pass that/);
      const inProject = getDb().select({ id: runs.id }).from(runs).where(eq(runs.projectId, projectId)).all();
      expect(inProject).toHaveLength(3);
      for (const t of getSweep(first.id).trials) cancelRun(t.id);
    });
  });

  it("hold under a burst of requests: no more are queued than the cap", async () => {
    const projectId = await trainableProject();
    await withCaps({ maxQueuedRunsPerUser: 5 }, async () => {
      const results = await Promise.allSettled(
        Array.from({ length: 30 }, () => Promise.resolve().then(() => as("u_burst", () => createRun(projectId, { algorithm: "linear" })))),
      );
      const ok = results.filter((r) => r.status === "fulfilled");
      expect(ok).toHaveLength(5);
      expect(results.filter((r) => r.status === "rejected").every((r) => (r as PromiseRejectedResult).reason.code === "TOO_MANY_REQUESTS")).toBe(true);
      for (const r of ok) cancelRun((r as PromiseFulfilledResult<{ id: string }>).value.id);
    });
  });

  it("answer as a 429 problem with a Retry-After header", () => {
    const e = new AppError("TOO_MANY_REQUESTS", "slow down", [{ field: "quota", message: "full" }], { retryAfterSeconds: 29.2 });
    const answer = errorAnswer(e);
    expect(answer.status).toBe(429);
    expect(answer.headers).toMatchObject({ "content-type": "application/problem+json", "retry-after": "30" });
    expect(toResponse(answer).headers.get("retry-after")).toBe("30");
    expect(errorAnswer(new AppError("CONFLICT", "x")).headers["retry-after"]).toBeUndefined();
  });
});

describe("caps on a sweep's trials", () => {
  it("refuse a grid or a trial count past maxSweepTrials with a 422 naming space or trials and the cap", async () => {
    const projectId = await trainableProject();
    await withCaps({ maxSweepTrials: 6 }, () => {
      const grid = thrown(() => createSweep(projectId, { algorithm: "mlp", space: { epochs: [1, 2, 3], l2: [0, 0.1, 0.2] } }));
      expect(grid.code).toBe("VALIDATION");
      expect(grid.errors).toEqual([{ field: "space", message: "9 combinations; at most 6" }]);
      const random = thrown(() => createSweep(projectId, { algorithm: "mlp", method: "random", trials: 7, space: { l2: [0, 0.1] } }));
      expect(random.errors).toEqual([{ field: "trials", message: "at most 6" }]);
      expect(getDb().select({ id: runs.id }).from(runs).where(eq(runs.projectId, projectId)).all()).toEqual([]);
    });
  });

  it("bound a person's sweep by their queue caps too, and count a huge grid without building it", async () => {
    const projectId = await trainableProject();
    await withCaps({ maxQueuedRunsPerUser: 4 }, () => {
      const e = thrown(() => as("u_big", () => createSweep(projectId, { algorithm: "mlp", method: "grid", space: { epochs: [1, 2, 3], l2: [0, 0.1] } })));
      expect(e.errors).toEqual([{ field: "space", message: "6 combinations; at most 4" }]);
      expect(e.message).toMatch(/the most runs a person may have queued or running/);
    });
    const values = Array.from({ length: 20 }, (_, i) => i + 1);
    const huge = thrown(() =>
      createSweep(projectId, {
        algorithm: "mlp",
        space: {
          epochs: values,
          seed: values,
          earlyStoppingPatience: values,
          batchSize: values.map((v) => v + 8),
          l2: values.map((v) => v / 100),
          dropout: values.map((v) => v / 100),
        },
      }),
    );
    expect(huge.errors[0].message).toBe("64000000 combinations; at most 50");
  });

  it("check every value of the space against the param's bounds, naming space.<name>", async () => {
    const projectId = await trainableProject();
    const e = thrown(() =>
      createSweep(projectId, { algorithm: "mlp", method: "random", trials: 2, space: { batchSize: [1, 64], hiddenUnits: [[32], Array(8).fill(1024)] } }),
    );
    expect(e.code).toBe("VALIDATION");
    expect(e.errors.map((x) => x.field)).toEqual(["space.batchSize", "space.hiddenUnits"]);
  });
});

describe("cancelRun", () => {
  it("ends a queued run, asks a running one to stop, and refuses a finished or unknown one", async () => {
    const projectId = await trainableProject();
    const queued = createRun(projectId, { algorithm: "linear" });
    expect(cancelRun(queued.id)).toMatchObject({ status: "cancelled" });
    const claimed = createRun(projectId, { algorithm: "linear" });
    // As a worker claims it (claimNextRun): running, not yet asked to stop.
    getDb().update(runs).set({ status: "running", startedAt: new Date() }).where(eq(runs.id, claimed.id)).run();
    expect(cancelRun(claimed.id)).toMatchObject({ status: "running" });
    expect(getDb().select({ cancel: runs.cancelRequested }).from(runs).where(eq(runs.id, claimed.id)).get()).toEqual({ cancel: true });
    getDb().update(runs).set({ status: "cancelled", finishedAt: new Date() }).where(eq(runs.id, claimed.id)).run();
    expect(thrown(() => cancelRun(queued.id))).toMatchObject({ code: "CONFLICT" });
    expect(thrown(() => cancelRun("run_nosuch"))).toMatchObject({ code: "NOT_FOUND" });
  });
});
