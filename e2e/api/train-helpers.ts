/** Shared by the training and registry specs: data with a known answer, a project with a recipe, polling a run. */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, type APIRequestContext } from "@playwright/test";
import type { RunBaseline } from "../../lib/train/algorithms/algorithm";
import { createProject, expectJson, uniq, upload } from "./helpers";

export interface Run {
  id: string;
  status: string;
  algorithm: string;
  params: Record<string, unknown>;
  backend: string | null;
  recipeVersion: number;
  seed: number;
  /** The most rows it trains on; details.sample says when a larger version was sampled. */
  sampleRows: number;
  progress: { epoch: number; totalEpochs: number };
  history: { epoch: number; loss: number; valLoss?: number }[];
  metrics: { validation: Record<string, number>; test?: Record<string, number> } | null;
  baseline: RunBaseline | null;
  details: Record<string, unknown> | null;
  error: string | null;
}

/** A seeded linear problem: y = 3a − 2b + 1 + small noise, with a category that does not matter. */
export function linearCsv(rows: number): string {
  let seed = 7;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const lines = ["a,b,colour,y"];
  for (let i = 0; i < rows; i++) {
    const a = rand() * 4 - 2;
    const b = rand() * 4 - 2;
    lines.push(`${a.toFixed(4)},${b.toFixed(4)},${["red", "blue"][i % 2]},${(3 * a - 2 * b + 1 + (rand() - 0.5) * 0.1).toFixed(4)}`);
  }
  return lines.join("\n") + "\n";
}

/** Two well separated classes from the sign of a + b. */
export function classesCsv(rows: number): string {
  let seed = 11;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const lines = ["a,b,label"];
  for (let i = 0; i < rows; i++) {
    const a = rand() * 4 - 2;
    const b = rand() * 4 - 2;
    lines.push(`${a.toFixed(3)},${b.toFixed(3)},${a + b > 0 ? "yes-buy" : "no-buy"}`);
  }
  return lines.join("\n") + "\n";
}

export async function projectWithRecipe(request: APIRequestContext, task: "regression" | "classification", csv: string, target: string) {
  const ds = await upload(request, uniq("train data"), csv);
  const project = await createProject(request, { name: uniq("train"), task, datasetId: ds.id, target });
  await expectJson(
    await request.put(`/api/projects/${project.id}/recipe`, {
      data: {
        datasetId: ds.id,
        target,
        steps: task === "regression" ? [{ op: "onehot", columns: ["colour"] }] : [],
        split: { method: "random", validation: 0.2, test: 0.2, seed: 3 },
      },
    }),
    201,
  );
  return project;
}

export async function waitForRun(request: APIRequestContext, id: string, statuses: string[]): Promise<Run> {
  let run: Run | undefined;
  await expect
    .poll(
      async () => {
        run = await expectJson<Run>(await request.get(`/api/runs/${id}`), 200);
        return run.status;
      },
      { timeout: 90_000, intervals: [250, 500, 1000] },
    )
    .toMatch(new RegExp(`^(${statuses.join("|")})$`));
  return run!;
}

/** The files of a bundle (a tar), unpacked with the system's tar as a user would. */
export function untar(bytes: Buffer): Record<string, Buffer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bundle-"));
  fs.writeFileSync(path.join(dir, "b.tar"), bytes);
  execFileSync("tar", ["-xf", "b.tar"], { cwd: dir });
  const out: Record<string, Buffer> = {};
  for (const f of fs.readdirSync(dir)) if (f !== "b.tar") out[f] = fs.readFileSync(path.join(dir, f));
  fs.rmSync(dir, { recursive: true, force: true });
  return out;
}

/** y = 2a − b + 1 with an id column, so a batch output's order can be checked row by row. */
export function idCsv(rows: number): string {
  const lines = ["id,a,b,y"];
  for (let i = 0; i < rows; i++) {
    const a = ((i * 37) % 101) / 10 - 5;
    const b = ((i * 53) % 97) / 10 - 5;
    lines.push(`${i},${a.toFixed(2)},${b.toFixed(2)},${(2 * a - b + 1).toFixed(3)}`);
  }
  return lines.join("\n") + "\n";
}

/** A linear model on idCsv's a, b (id is not a feature) trained and deployed; its endpoint's name and key, its project and training data. */
export async function deployLinear(
  request: APIRequestContext,
  { mode = "batch", trainingRows = 300 }: { mode?: "batch" | "realtime"; trainingRows?: number } = {},
): Promise<{ name: string; key: string; projectId: string; datasetId: string }> {
  const ds = await upload(request, uniq("job training"), idCsv(trainingRows));
  const project = await createProject(request, { name: uniq("jobs"), task: "regression", datasetId: ds.id, target: "y" });
  await expectJson(
    await request.put(`/api/projects/${project.id}/recipe`, {
      data: { datasetId: ds.id, target: "y", features: ["a", "b"], steps: [], split: { method: "random", validation: 0.2, seed: 2 } },
    }),
    201,
  );
  const queued = await expectJson<Run>(await request.post(`/api/projects/${project.id}/runs`, { data: { algorithm: "linear", params: { epochs: 30 } } }), 202);
  const run = await waitForRun(request, queued.id, ["succeeded", "failed"]);
  expect(run.error).toBeNull();
  const model = await expectJson<{ id: string }>(await request.post("/api/models", { data: { runId: run.id } }), 201);
  const name = uniq(mode)
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, "-");
  const ep = await expectJson<{ name: string; key: string }>(await request.post("/api/endpoints", { data: { name, modelId: model.id, mode } }), 201);
  return { ...ep, projectId: project.id, datasetId: ds.id };
}
