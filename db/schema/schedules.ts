import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { reports } from "./reports";

/**
 * A schedule scores the newest version of a named dataset on an endpoint at the times of a cron
 * expression, read in a time zone. The web server's scheduler queues a job when `nextRunAt` has
 * passed; the jobs it made carry its id (`jobs.schedule_id`), which is its run history.
 */
export const schedules = sqliteTable(
  "schedules",
  {
    id: text().primaryKey(),
    name: text().notNull(),
    endpointName: text().notNull(),
    /** A dataset NAME: each run scores its newest ready version. */
    datasetName: text().notNull(),
    cron: text().notNull(),
    /** An IANA time zone ("Europe/London"); the cron's hours are read there. */
    timezone: text().notNull(),
    /** A report over this endpoint that the schedule keeps fresh; the link goes when the report is deleted. */
    reportId: text().references(() => reports.id, { onDelete: "set null" }),
    enabled: integer({ mode: "boolean" }).notNull().default(true),
    /** When the scheduler queues the next job; null while disabled. */
    nextRunAt: integer({ mode: "timestamp_ms" }),
    lastRunAt: integer({ mode: "timestamp_ms" }),
    lastJobId: text(),
    /** When a due run last queued no job, and why (the previous one still running, a dataset gone). */
    lastSkippedAt: integer({ mode: "timestamp_ms" }),
    lastError: text(),
    createdAt: integer({ mode: "timestamp_ms" }).notNull(),
    updatedAt: integer({ mode: "timestamp_ms" }).notNull(),
  },
  (t) => [index("schedules_next_run").on(t.enabled, t.nextRunAt)],
);

export type ScheduleRow = typeof schedules.$inferSelect;
