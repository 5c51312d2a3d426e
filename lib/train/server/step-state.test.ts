import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { recipes, runs } from "@/db/schema";
import { ingestDataset } from "@/lib/data/server/ingest";
import { createProject } from "@/lib/define/server/projects";
import { trainStepState } from "./step-state";

const csv = (text: string) => ({ sourceKind: "upload" as const, source: "t.csv", stream: Readable.from([Buffer.from(text)]), maxBytes: 1 << 20 });

describe("Train's state of a project", () => {
  it("is done after a succeeded run and needs attention when the latest run failed", async () => {
    const ds = await ingestDataset(`runs-${Date.now()}`, csv("x,y\n1,2\n"));
    const p = createProject({ name: "runs", task: "regression" });
    // The recipe a run names (its foreign key holds): a bare row, as the steps are not what is tested here.
    getDb()
      .insert(recipes)
      .values({ id: `rcp_${p.id}`, projectId: p.id, version: 1, datasetId: ds.id, spec: {}, createdAt: new Date() })
      .run();
    const run = (id: string, status: "succeeded" | "failed", at: number) => ({
      id,
      projectId: p.id,
      algorithm: "linear",
      params: {},
      status,
      location: "server" as const,
      datasetId: ds.id,
      recipeId: `rcp_${p.id}`,
      recipeVersion: 1,
      seed: 1,
      history: [],
      error: status === "failed" ? "training diverged" : null,
      createdAt: new Date(at),
    });
    expect(trainStepState(p)).toEqual({ state: "not-started" });
    getDb()
      .insert(runs)
      .values(run(`run_a_${p.id}`, "succeeded", 1000))
      .run();
    expect(trainStepState(p)).toEqual({ state: "done" });
    getDb()
      .insert(runs)
      .values(run(`run_b_${p.id}`, "failed", 2000))
      .run();
    expect(trainStepState(p)).toEqual({ state: "attention", note: "The latest run failed: training diverged" });
  });
});
