import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { ingestDataset } from "@/lib/data/server/ingest";
import { createProject, defineStepState, deleteProject, getProject, listProjects, updateProject } from "./projects";

const csv = (text: string) => ({ sourceKind: "upload" as const, source: "t.csv", stream: Readable.from([Buffer.from(text)]), maxBytes: 1 << 20 });

describe("projects", () => {
  it("creates a project with defaults and a readable criterion", () => {
    const p = createProject({ name: "OJ", task: "forecasting", successMetric: "mape", successThreshold: 0.3 });
    expect(p).toMatchObject({ name: "OJ", task: "forecasting", delivery: "batch", criterion: "MAPE ≤ 0.3", target: null });
    expect(defineStepState(p)).toEqual({ state: "not-started", note: "Choose the target column." });
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

  it("takes its target from the attached data, which completes Define", async () => {
    const ds = await ingestDataset(`houses-${Date.now()}`, csv("area,price\n50,100\n70,150\n"));
    const p = createProject({ name: "h", task: "regression", successMetric: "rmse", successThreshold: 10 });
    expect(() => updateProject(p.id, { datasetId: ds.id, target: "prise" })).toThrow(/not a column/);
    expect(() => updateProject(p.id, { datasetId: "ds_missing" })).toThrow(/does not exist/);
    const done = updateProject(p.id, { datasetId: ds.id, target: "price" });
    expect(defineStepState(done)).toEqual({ state: "done" });
    expect(done.dataset).toMatchObject({ id: ds.id, rowCount: 2 });
  });

  it("refuses thresholds outside the metric's range", () => {
    expect(() => createProject({ name: "a", task: "classification", successMetric: "accuracy", successThreshold: 3 })).toThrow(/between 0 and 1/);
  });

  it("deletes a project", () => {
    const p = createProject({ name: "gone", task: "regression" });
    deleteProject(p.id);
    expect(() => getProject(p.id)).toThrow(/does not exist/);
  });
});
