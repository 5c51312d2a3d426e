import { Readable } from "node:stream";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { alertRules, alerts, endpoints, projects, runs } from "@/db/schema";
import { ingestDataset } from "@/lib/data/server/ingest";
import { createProject, getProject, updateProject } from "@/lib/define/server/projects";
import { newId } from "@/lib/shared/ids";
import { saveRecipe } from "@/lib/prepare/server/recipes";
import { withSteps } from "./state";

const csv = (text: string) => ({ sourceKind: "upload" as const, source: "t.csv", stream: Readable.from([Buffer.from(text)]), maxBytes: 1 << 20 });
const rowsCsv = ["area,price", ...Array.from({ length: 20 }, (_, i) => `${50 + i},${100 + 3 * i}`)].join("\n") + "\n";

describe("a project's steps, each step answering for its own", () => {
  it("follow the project through the six steps, with a note where one needs attention or has something left to do", async () => {
    const p = createProject({ name: "steps", task: "regression", successMetric: "rmse", successThreshold: 10 });
    const steps = () => withSteps(getProject(p.id));
    expect(steps()).toMatchObject({
      steps: {
        define: "not-started",
        data: "not-started",
        prepare: "not-started",
        train: "not-started",
        integrate: "not-started",
        deploy: "not-started",
        monitor: "not-started",
      },
      stepNotes: { define: "Choose the target column." },
    });

    const v1 = await ingestDataset(`steps-${newId("t")}`, csv(rowsCsv));
    updateProject(p.id, { datasetId: v1.id, target: "price" });
    expect(steps()).toMatchObject({ steps: { define: "done", data: "done", prepare: "not-started" }, stepNotes: {} });

    const recipe = await saveRecipe(p.id, { datasetId: v1.id, target: "price", steps: [], split: { method: "random", validation: 0.2, seed: 1 } });
    expect(steps().steps.prepare).toBe("done");
    const v2 = await ingestDataset(`steps-${newId("t")}`, csv(rowsCsv));
    updateProject(p.id, { datasetId: v2.id });
    expect(steps()).toMatchObject({
      steps: { prepare: "attention" },
      stepNotes: { prepare: "The recipe was built on another dataset version than the one attached." },
    });

    const now = new Date();
    getDb()
      .insert(runs)
      .values({
        id: newId("run"),
        projectId: p.id,
        algorithm: "linear",
        params: {},
        status: "succeeded",
        location: "server",
        datasetId: v1.id,
        recipeId: recipe.id,
        recipeVersion: recipe.version,
        seed: 1,
        history: [],
        createdAt: now,
      })
      .run();
    expect(steps().steps.train).toBe("done");

    const endpoint = `steps-${newId("t")}`;
    getDb()
      .insert(endpoints)
      .values({ name: endpoint, mode: "realtime", modelId: "m", projectId: p.id, corsOrigins: [], maxRows: 10, createdAt: now, updatedAt: now })
      .run();
    // Step 5 is integrate; `deploy`, its former name, stays in the answer with the same state.
    expect(steps().steps).toMatchObject({ integrate: "done", deploy: "done", monitor: "not-started" });

    const ruleId = newId("rul");
    getDb().insert(alertRules).values({ id: ruleId, endpointName: endpoint, kind: "drift", windowMinutes: 60, createdAt: now }).run();
    getDb()
      .insert(alerts)
      .values({ id: newId("alr"), ruleId, endpointName: endpoint, kind: "drift", state: "firing", firedAt: now })
      .run();
    expect(steps()).toMatchObject({ steps: { monitor: "attention" }, stepNotes: { monitor: `A drift alert is firing on endpoint ${endpoint}.` } });

    // The attached version gone (the project keeps its id): a data folder from before the foreign keys held.
    const sqlite = getDb().$client;
    sqlite.pragma("foreign_keys = OFF");
    try {
      getDb().update(projects).set({ datasetId: "ds_gone" }).where(eq(projects.id, p.id)).run();
    } finally {
      sqlite.pragma("foreign_keys = ON");
    }
    expect(steps()).toMatchObject({ steps: { data: "attention" }, stepNotes: { data: "The attached dataset version no longer exists." } });
  });

  it("answer with the record's fields, the steps before the timestamps", () => {
    const p = createProject({ name: "order", task: "recommendation", successMetric: "hitRate", successThreshold: 0.1 });
    const shown = withSteps(p);
    expect(Object.keys(shown).slice(-4)).toEqual(["steps", "stepNotes", "createdAt", "updatedAt"]);
    expect(shown).toMatchObject({ ...p, steps: { define: "done" } });
  });
});
