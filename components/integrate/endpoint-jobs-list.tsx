"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useCan } from "@/components/identity/viewer-context";
import { formatDuration, RunStatusBadge } from "@/components/train/run-metrics";
import { Button, buttonClass } from "@/components/ui/button";
import { ErrorNotice } from "@/components/ui/error-notice";
import { formatCount, formatDate, formatStat, plural } from "@/components/ui/format";
import { Notice } from "@/components/ui/notice";
import { ProgressBar } from "@/components/ui/progress-bar";
import { cancelJob, isUnfinishedJob, type EndpointJob as Job, jobErrorsQuery, jobKeys } from "./queries";

export interface EndpointJobListProps {
  name: string;
  /** Newest first, as the API lists them. */
  jobs: Job[];
}

/** An endpoint's batch jobs: status, source, progress, rate and ETA, failed rows, cancel and download. */
export function EndpointJobList({ name, jobs }: EndpointJobListProps) {
  const canEdit = useCan("editor");
  if (jobs.length === 0) return <p className="text-sm text-slate-500">{canEdit ? "No batch jobs yet: start one with the form." : "No batch jobs yet."}</p>;
  return (
    <ul aria-label="Jobs of this endpoint" className="divide-y divide-slate-200 rounded-lg border border-slate-200">
      {jobs.map((job) => (
        <JobItem key={job.id} name={name} job={job} />
      ))}
    </ul>
  );
}

const jobLabel = (job: Pick<Job, "id">) => `#${job.id.slice(-6)}`;

function JobItem({ name, job }: { name: string; job: Job }) {
  const qc = useQueryClient();
  const canEdit = useCan("editor");
  const cancel = useMutation({
    mutationFn: () => cancelJob(job.id),
    onSettled: () => qc.invalidateQueries({ queryKey: jobKeys.list(name) }),
  });
  const active = isUnfinishedJob(job);
  const total = job.rowsTotal;
  const progressText = total === null ? `${formatCount(job.rowsDone)} rows` : `${formatCount(job.rowsDone)} / ${formatCount(total)} rows`;
  return (
    <li aria-label={`Job ${jobLabel(job)} on ${job.source.name}`} className="space-y-2 p-4 text-sm">
      <div className="flex flex-wrap items-center gap-x-3 gap-y-1">
        <span role="status" aria-label="Job status">
          <RunStatusBadge status={job.status} />
        </span>
        <span className="font-medium text-slate-900">{job.source.name}</span>
        <span className="text-xs text-slate-500">
          {job.source.kind === "file" ? "CSV file" : "Dataset version"} · {jobLabel(job)} · {formatDate(job.createdAt)}
        </span>
        <span className="ml-auto flex gap-2">
          {active && canEdit && (
            <Button size="sm" variant="danger" onClick={() => cancel.mutate()} disabled={cancel.isPending} aria-label={`Cancel job ${jobLabel(job)}`}>
              {cancel.isPending ? "Cancelling…" : "Cancel"}
            </Button>
          )}
          {job.outputUrl && canEdit && (
            <a href={job.outputUrl} download className={buttonClass("secondary", "sm")}>
              Download output.csv
            </a>
          )}
        </span>
      </div>
      <div className="flex items-center gap-3">
        <ProgressBar
          label={`Progress of job ${jobLabel(job)}`}
          value={job.rowsDone}
          max={total ?? Math.max(1, job.rowsDone)}
          pulse={job.status === "queued"}
          valueText={total === null ? `${formatCount(job.rowsDone)} rows scored` : `${formatCount(job.rowsDone)} of ${formatCount(total)} rows scored`}
          className="h-2 min-w-0 flex-1"
        />
        <span className="shrink-0 text-xs text-slate-700 tabular-nums">{progressText}</span>
      </div>
      <p className="text-xs text-slate-500">
        {job.status === "queued" && "Queued: waiting for the worker…"}
        {job.status === "running" && (
          <>
            {job.rate === null ? "Starting…" : `${formatStat(Math.round(job.rate))} rows/s`}
            {job.etaSeconds !== null && ` · ETA ${formatDuration(job.etaSeconds * 1000)}`}
          </>
        )}
        {!active && job.rate !== null && `${formatStat(Math.round(job.rate))} rows/s`}
        {!active && job.finishedAt && ` · finished ${formatDate(job.finishedAt)}`}
        {job.errorThreshold >= 0 && ` · error threshold ${formatCount(job.errorThreshold)}`}
      </p>
      {job.rowsFailed > 0 && (canEdit ? <FailedRows job={job} /> : <p className="text-xs font-medium text-red-700">{plural(job.rowsFailed, "failed row")}</p>)}
      {job.status === "failed" && (
        <Notice tone="error" title="The job failed">
          {job.error ?? "No reason was given."}
        </Notice>
      )}
      <ErrorNotice error={cancel.error} />
    </li>
  );
}

/** "2 failed rows": expands to the rows the job could not score, with why. */
function FailedRows({ job }: { job: Job }) {
  const [open, setOpen] = useState(false);
  const { data: errors, error, isPending } = useQuery({ ...jobErrorsQuery(job.id), enabled: open });
  const listId = `job-errors-${job.id}`;
  return (
    <div>
      <button
        type="button"
        aria-expanded={open}
        aria-controls={listId}
        onClick={() => setOpen((o) => !o)}
        className="text-xs font-medium text-red-700 underline-offset-2 hover:underline"
      >
        {open ? "▾" : "▸"} {plural(job.rowsFailed, "failed row")}
      </button>
      {open && (
        <div id={listId} className="mt-2">
          <ErrorNotice error={error} />
          {isPending ? (
            <p className="text-xs text-slate-500">Loading row errors…</p>
          ) : (
            <ul
              aria-label={`Row errors of job ${jobLabel(job)}`}
              className="max-h-48 space-y-0.5 overflow-auto rounded bg-red-50 px-3 py-2 font-mono text-xs text-red-800"
            >
              {errors?.map((e) => (
                <li key={e.row}>
                  Row {formatCount(e.row)}: {e.message}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}
