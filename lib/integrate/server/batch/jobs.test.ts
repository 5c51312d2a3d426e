import { afterAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { getDb } from "@/db/client";
import { jobs, type JobRow } from "@/db/schema";
import { getSettings, updateSettings } from "@/lib/identity/server/settings";
import { newId } from "@/lib/shared/ids";
import { QUOTA_RETRY_AFTER_SECONDS } from "@/lib/train/server/quotas";
import { checkJobQuota } from "./jobs";

const quotasBefore = { ...getSettings().quotas };
afterAll(() => updateSettings({ quotas: quotasBefore }, null));

describe("caps on queued batch jobs", () => {
  const job = (over: Partial<JobRow>): JobRow => {
    const id = newId("job");
    const now = new Date();
    return {
      id,
      endpointName: "quota-endpoint",
      modelId: "m",
      modelVersion: 1,
      status: "queued",
      sourceKind: "dataset",
      datasetId: null,
      sourceName: "d",
      rowsTotal: 1,
      rowsDone: 0,
      rowsFailed: 0,
      errorThreshold: -1,
      outputTable: `job_output_${id}`,
      outputBytes: 0,
      error: null,
      cancelRequested: false,
      scheduleId: null,
      createdBy: null,
      createdAt: now,
      startedAt: null,
      finishedAt: null,
      updatedAt: now,
      claimedBy: null,
      ...over,
    };
  };

  it("count a person's own jobs, or an endpoint's key-submitted ones, queued or running", () => {
    const endpoint = `ep_${newId("t")}`;
    // As an administrator would lower it; afterAll puts it back.
    updateSettings({ quotas: { maxQueuedJobsPerUser: 2 } }, null);
    const db = getDb();
    db.insert(jobs)
      .values([
        job({ endpointName: endpoint, createdBy: "u_jobs" }),
        job({ endpointName: endpoint, createdBy: "u_jobs", status: "running" }),
        job({ endpointName: endpoint, createdBy: "u_jobs", status: "succeeded" }),
      ])
      .run();
    expect(() => checkJobQuota(db, { userId: "u_jobs" })).toThrow(
      expect.objectContaining({
        code: "TOO_MANY_REQUESTS",
        errors: [expect.objectContaining({ field: "quota" })],
        retryAfterSeconds: QUOTA_RETRY_AFTER_SECONDS,
      }),
    );
    // The endpoint's keys have queued nothing yet: a person's jobs do not count against them.
    checkJobQuota(db, { endpoint });
    db.insert(jobs)
      .values([job({ endpointName: endpoint }), job({ endpointName: endpoint, scheduleId: "sch_x" })])
      .run();
    expect(() => checkJobQuota(db, { endpoint })).toThrow(/The endpoint has 2 batch jobs from its keys/);
    checkJobQuota(db, { endpoint: `ep_${newId("t")}` });
    checkJobQuota(db, null);
    db.delete(jobs).where(eq(jobs.endpointName, endpoint)).run();
  });
});
