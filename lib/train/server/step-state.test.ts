import { describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { runs } from "@/db/schema";
import { createProject } from "@/lib/define/server/projects";
import { trainStepState } from "./step-state";

describe("Train's state of a project", () => {
  it("is done after a succeeded run and needs attention when the latest run failed", () => {
    const p = createProject({ name: "runs", task: "regression" });
    const run = (id: string, status: "succeeded" | "failed", at: number) => ({
      id, projectId: p.id, algorithm: "linear", params: {}, status, location: "server" as const, datasetId: "ds", recipeId: "r",
      recipeVersion: 1, seed: 1, history: [], error: status === "failed" ? "training diverged" : null, createdAt: new Date(at),
    });
    expect(trainStepState(p)).toEqual({ state: "not-started" });
    getDb().insert(runs).values(run(`run_a_${p.id}`, "succeeded", 1000)).run();
    expect(trainStepState(p)).toEqual({ state: "done" });
    getDb().insert(runs).values(run(`run_b_${p.id}`, "failed", 2000)).run();
    expect(trainStepState(p)).toEqual({ state: "attention", note: "The latest run failed: training diverged" });
  });
});
