import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { recipes, runs } from "@/db/schema";
import { ingestDataset } from "@/lib/data/server/ingest";
import { createProject, deleteProject, getProject, listProjects, updateProject } from "./projects";

const csv = (text: string) => ({ sourceKind: "upload" as const, source: "t.csv", stream: Readable.from([Buffer.from(text)]), maxBytes: 1 << 20 });

describe("projects", () => {
  it("creates a project with defaults and a readable criterion", () => {
    const p = createProject({ name: "OJ", task: "forecasting", successMetric: "mape", successThreshold: 0.3 });
    expect(p).toMatchObject({ name: "OJ", task: "forecasting", delivery: "batch", criterion: "MAPE ≤ 0.3", target: null });
    expect(p.steps).toEqual({ define: "not-started", data: "not-started", prepare: "not-started", train: "not-started", deploy: "not-started", monitor: "not-started" });
    expect(listProjects().some((x) => x.id === p.id)).toBe(true);
  });

  it("refuses a metric that does not belong to the task", () => {
    expect(() => createProject({ name: "x", task: "regression", successMetric: "accuracy" })).toThrow(/not a regression metric/);
  });

  it("refuses unknown tasks and fields", () => {
    expect(() => createProject({ name: "x", task: "clustering" })).toThrow();
    expect(() => createProject({ name: "x", task: "regression", colour: "red" })).toThrow();
  });

  it("judges the merged project when the task changes", () => {
    const p = createProject({ name: "c", task: "classification", successMetric: "accuracy", successThreshold: 0.9 });
    expect(() => updateProject(p.id, { task: "regression" })).toThrow(/not a regression metric/);
    expect(getProject(p.id).task).toBe("classification");
    expect(updateProject(p.id, { task: "regression", successMetric: "r2", successThreshold: 0.5 }).criterion).toBe("R² ≥ 0.5");
  });

  it("takes its target from the attached data and marks steps done", async () => {
    const ds = await ingestDataset(`houses-${Date.now()}`, csv("area,price\n50,100\n70,150\n"));
    const p = createProject({ name: "h", task: "regression", successMetric: "rmse", successThreshold: 10 });
    expect(() => updateProject(p.id, { datasetId: ds.id, target: "prise" })).toThrow(/not a column/);
    expect(() => updateProject(p.id, { datasetId: "ds_missing" })).toThrow(/does not exist/);
    const done = updateProject(p.id, { datasetId: ds.id, target: "price" });
    expect(done.steps).toMatchObject({ define: "done", data: "done", prepare: "not-started" });
    expect(done.dataset).toMatchObject({ id: ds.id, rowCount: 2 });
  });

  it("refuses thresholds outside the metric's range", () => {
    expect(() => createProject({ name: "a", task: "classification", successMetric: "accuracy", successThreshold: 3 })).toThrow(/between 0 and 1/);
  });

  it("marks Train done after a succeeded run and needing attention when the latest run failed", async () => {
    const ds = await ingestDataset(`runs-${Date.now()}`, csv("x,y\n1,2\n"));
    const p = createProject({ name: "runs", task: "regression" });
    // The recipe a run names (its foreign key holds): a bare row, as the steps are not what is tested here.
    getDb().insert(recipes).values({ id: `rcp_${p.id}`, projectId: p.id, version: 1, datasetId: ds.id, spec: {}, createdAt: new Date() }).run();
    const run = (id: string, status: "succeeded" | "failed", at: number) => ({
      id, projectId: p.id, algorithm: "linear", params: {}, status, location: "server" as const, datasetId: ds.id, recipeId: `rcp_${p.id}`,
      recipeVersion: 1, seed: 1, history: [], error: status === "failed" ? "training diverged" : null, createdAt: new Date(at),
    });
    getDb().insert(runs).values(run(`run_a_${p.id}`, "succeeded", 1000)).run();
    expect(getProject(p.id).steps.train).toBe("done");
    getDb().insert(runs).values(run(`run_b_${p.id}`, "failed", 2000)).run();
    const after = getProject(p.id);
    expect(after.steps.train).toBe("attention");
    expect(after.stepNotes.train).toContain("training diverged");
  });

  it("deletes a project", () => {
    const p = createProject({ name: "gone", task: "regression" });
    deleteProject(p.id);
    expect(() => getProject(p.id)).toThrow(/does not exist/);
  });
});
