import { getDb } from "@/db/client";
import { jobs } from "@/db/schema";

/** Rows for the tests of whatever reads batch jobs (recovery, backups, claims, monitoring). */

/**
 * Inserts a batch job's row: a queued file job of model "m" version 1 on endpoint "e", created
 * and updated now, its output in `job_output_<id>`; `values` say what the test cares about.
 */
export function insertJobRow(id: string, values: Partial<typeof jobs.$inferInsert> = {}): void {
  const now = new Date();
  getDb()
    .insert(jobs)
    .values({
      id,
      endpointName: "e",
      modelId: "m",
      modelVersion: 1,
      status: "queued",
      sourceKind: "file",
      sourceName: "f.csv",
      errorThreshold: -1,
      outputTable: `job_output_${id}`,
      createdAt: now,
      updatedAt: now,
      ...values,
    })
    .run();
}
