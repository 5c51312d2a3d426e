/** Batch-job helpers shared by the API tests: a deployed linear model and waiting for a job. */
import { expect, type APIRequestContext } from "@playwright/test";
import { createProject, expectJson, uniq, upload } from "./helpers";
import { idCsv, waitForRun, type Run } from "./train-helpers";

export interface Job {
  id: string;
  endpoint: string;
  status: string;
  rowsTotal: number | null;
  rowsDone: number;
  rowsFailed: number;
  rate: number | null;
  outputTable: string;
  outputUrl: string | null;
  scheduleId: string | null;
  finishedAt: string | null;
  error: string | null;
}

/** The statuses a job ends in. */
export const JOB_ENDED = ["succeeded", "failed", "cancelled"];

/** A linear model on a, b (id is not a feature) deployed as a batch endpoint; returns its name and key. */
export async function deployLinear(request: APIRequestContext, trainingRows = 300): Promise<{ name: string; key: string }> {
  const ds = await upload(request, uniq("job training"), idCsv(trainingRows));
  const project = await createProject(request, { name: uniq("jobs"), task: "regression", datasetId: ds.id, target: "y" });
  await expectJson(
    await request.put(`/api/projects/${project.id}/recipe`, { data: { datasetId: ds.id, target: "y", features: ["a", "b"], steps: [], split: { method: "random", validation: 0.2, seed: 2 } } }),
    201,
  );
  const queued = await expectJson<Run>(await request.post(`/api/projects/${project.id}/runs`, { data: { algorithm: "linear", params: { epochs: 30 } } }), 202);
  const run = await waitForRun(request, queued.id, ["succeeded", "failed"]);
  expect(run.error).toBeNull();
  const model = await expectJson<{ id: string }>(await request.post("/api/models", { data: { runId: run.id } }), 201);
  const name = uniq("batch").toLowerCase().replace(/[^a-z0-9-]/g, "-");
  return expectJson<{ name: string; key: string }>(await request.post("/api/endpoints", { data: { name, modelId: model.id, mode: "batch" } }), 201);
}

/** Polls a job until its status is one of `statuses` (by default, until it ends). */
export async function waitForJob(request: APIRequestContext, id: string, statuses = JOB_ENDED, timeout = 120_000): Promise<Job> {
  let job: Job | undefined;
  await expect
    .poll(
      async () => {
        job = await expectJson<Job>(await request.get(`/api/jobs/${id}`), 200);
        return job.status;
      },
      { timeout, intervals: [250, 500, 1000] },
    )
    .toMatch(new RegExp(`^(${statuses.join("|")})$`));
  return job!;
}
