/** Batch-job helpers shared by the API tests: waiting for a job (a deployed linear model is train-helpers.ts' deployLinear). */
import { expect, type APIRequestContext } from "@playwright/test";
import { expectJson } from "./helpers";

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
