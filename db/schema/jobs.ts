import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * A batch scoring job: every row of its input, in order, scored by one model version of an
 * endpoint, written chunk by chunk to a CSV file and to its own output table. `rowsDone` and
 * `outputBytes` are committed with each chunk's table rows, so a job that stops mid-way resumes
 * from its last committed chunk.
 */
export const jobs = sqliteTable(
  "jobs",
  {
    id: text().primaryKey(),
    endpointName: text().notNull(),
    modelId: text().notNull(),
    modelVersion: integer().notNull(),
    status: text({ enum: ["queued", "running", "succeeded", "failed", "cancelled"] }).notNull(),
    /** Where the rows come from: a dataset version, or a file uploaded with the request. */
    sourceKind: text({ enum: ["dataset", "file"] }).notNull(),
    datasetId: text(),
    sourceName: text().notNull(),
    rowsTotal: integer(),
    rowsDone: integer().notNull().default(0),
    rowsFailed: integer().notNull().default(0),
    /** Failed rows tolerated before the job fails; -1 tolerates any number (as Azure's batch endpoints). */
    errorThreshold: integer().notNull(),
    outputTable: text().notNull(),
    /** Bytes of output.csv that belong to committed chunks. */
    outputBytes: integer().notNull().default(0),
    error: text(),
    cancelRequested: integer({ mode: "boolean" }).notNull().default(false),
    scheduleId: text(),
    /** The person who submitted it (null: an endpoint key, a schedule or the system). */
    createdBy: text(),
    createdAt: integer({ mode: "timestamp_ms" }).notNull(),
    startedAt: integer({ mode: "timestamp_ms" }),
    finishedAt: integer({ mode: "timestamp_ms" }),
    updatedAt: integer({ mode: "timestamp_ms" }).notNull(),
    /** The batch worker that took it last (lib/shared/server/proc.ts processIdentity): a worker that starts requeues a running job only once its worker is gone. */
    claimedBy: text(),
  },
  (t) => [index("jobs_endpoint_created").on(t.endpointName, t.createdAt), index("jobs_status").on(t.status)],
);

/** Rows a job could not score, with why. */
export const jobRowErrors = sqliteTable(
  "job_row_errors",
  {
    jobId: text().notNull(),
    row: integer().notNull(),
    message: text().notNull(),
  },
  (t) => [primaryKey({ columns: [t.jobId, t.row] })],
);

export type JobRow = typeof jobs.$inferSelect;
