import { fromWebRequest } from "@/lib/shared/server/request";
import { createJob, type Job } from "./jobs";

/**
 * Queues a batch job over a dataset version for a caller inside the workbench (the scheduler, a
 * report refresh, the command line): the same `createJob` as `POST /api/endpoints/{name}/jobs`,
 * with the body that route takes, minus the key check.
 */
export function queueDatasetJob(endpoint: string, datasetId: string, opts: { scheduleId?: string } = {}): Promise<Job> {
  const req = new Request(`http://workbench.local/api/endpoints/${encodeURIComponent(endpoint)}/jobs`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ datasetId }),
  });
  return createJob(fromWebRequest(req), endpoint, { ...opts, skipAuth: true });
}
