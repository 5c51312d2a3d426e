// `npm run job -- <command>`: runs one schedule, batch job or report refresh once, to the end, in
// this process, for an external scheduler (cron, systemd timers, CI). The same code as the app:
// the job is queued as the REST API queues it and run with the worker's executeJob.
//   npm run job -- schedule <scheduleId>
//   npm run job -- job <endpoint> <datasetId | dataset name>
//   npm run job -- report <reportId>
// Exit code 0 when the job succeeded, 1 when it failed, was cancelled or scored no row at all
// (every row failed within the error threshold), 2 for a usage error or bad input.
import { findLatestVersion } from "@/lib/data/server/datasets";
import { runJobToEnd } from "@/lib/integrate/server/batch/job-once";
import type { Job } from "@/lib/integrate/server/batch/jobs";
import { queueDatasetJob } from "@/lib/integrate/server/batch/queue-job";
import { getReport, refreshReport } from "@/lib/integrate/server/reports/reports";
import { runScheduleNow } from "@/lib/integrate/server/schedules/schedules";
import { isAppError } from "@/lib/shared/errors";

const USAGE = "usage: npm run job -- schedule <scheduleId> | job <endpoint> <datasetId|dataset name> | report <reportId>";

async function queue(args: string[]): Promise<Job> {
  const [command, a, b] = args;
  if (command === "schedule" && a) return runScheduleNow(a);
  if (command === "report" && a) return refreshReport(a, {});
  if (command === "job" && a && b) {
    // A dataset's name stands for its newest version; anything else is taken as a version id.
    return queueDatasetJob(a, findLatestVersion(b)?.id ?? b);
  }
  console.error(USAGE);
  process.exit(2);
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const queued = await queue(args);
  console.log(`queued job ${queued.id} on "${queued.endpoint}" over ${queued.source.name} (${queued.rowsTotal ?? "?"} rows)`);
  let lastDone = -1;
  const job = await runJobToEnd(queued.id, (j) => {
    if (j.rowsDone !== lastDone) console.log(`  ${j.status}: ${j.rowsDone}/${j.rowsTotal ?? "?"} rows`);
    lastDone = j.rowsDone;
  });
  const seconds = job.startedAt && job.finishedAt ? ((Date.parse(job.finishedAt) - Date.parse(job.startedAt)) / 1000).toFixed(1) : "?";
  if (job.status !== "succeeded") {
    console.error(`job ${job.id} ${job.status} after ${seconds} s: ${job.error ?? "no reason given"}`);
    return 1;
  }
  if (job.rowsDone > 0 && job.rowsFailed === job.rowsDone) {
    console.error(`job ${job.id} ended, but none of its ${job.rowsDone} rows could be scored (see GET /api/jobs/${job.id}/errors)`);
    return 1;
  }
  console.log(`job ${job.id} succeeded: ${job.rowsDone} rows (${job.rowsFailed} failed) in ${seconds} s`);
  console.log(`  output table ${job.outputTable}; CSV at ${job.outputUrl}`);
  if (args[0] === "report") console.log(`  report "${getReport(args[1]).name}" refreshed at ${getReport(args[1]).refreshedAt}`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(isAppError(e) ? `${e.message}${e.errors.length ? ` (${e.errors.map((f) => f.field).join(", ")})` : ""}` : e);
    process.exit(isAppError(e) && (e.code === "VALIDATION" || e.code === "NOT_FOUND") ? 2 : 1);
  },
);
