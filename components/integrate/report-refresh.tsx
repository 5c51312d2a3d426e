"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { Button } from "@/components/ui/button";
import { ErrorNotice } from "@/components/ui/error-notice";
import { formatCount } from "@/components/ui/format";
import { Notice } from "@/components/ui/notice";
import { ProgressBar } from "@/components/ui/progress-bar";
import { invalidateReport, isUnfinishedJob, jobQuery, refreshReport } from "./queries";

export interface ReportRefreshProps {
  reportId: string;
}

/**
 * "Refresh now": queues the report's batch scoring again, follows the job with a progress bar
 * while it runs, and reloads the report once it has finished.
 */
export function ReportRefresh({ reportId }: ReportRefreshProps) {
  const qc = useQueryClient();
  const [jobId, setJobId] = useState<string | null>(null);
  const start = useMutation({ mutationFn: () => refreshReport(reportId), onSuccess: (job) => setJobId(job.id) });
  const { data: job, error: jobError } = useQuery({ ...jobQuery(jobId ?? ""), enabled: jobId !== null });
  const running = start.isPending || (jobId !== null && (!job || isUnfinishedJob(job)));
  const finished = job && !isUnfinishedJob(job) ? job.status : null;

  useEffect(() => {
    if (finished) void invalidateReport(qc, reportId);
  }, [finished, qc, reportId]);

  return (
    <div className="space-y-2">
      <Button onClick={() => start.mutate()} disabled={running}>
        {running ? "Refreshing…" : "Refresh now"}
      </Button>
      {running && jobId && (
        <div className="w-64" aria-live="polite">
          <ProgressBar
            label="Progress of the refresh job"
            value={job?.rowsDone ?? 0}
            max={job?.rowsTotal ?? 1}
            pulse={!job || job.status === "queued"}
            valueText={job?.rowsTotal ? `${formatCount(job.rowsDone)} of ${formatCount(job.rowsTotal)} rows scored` : "queued"}
          />
          <p className="mt-1 text-xs text-slate-500">
            {job?.status === "running" ? `Scoring ${formatCount(job.rowsDone)} of ${formatCount(job.rowsTotal)} rows…` : "Queued: waiting for the worker…"}
          </p>
        </div>
      )}
      {finished === "succeeded" && (
        <p className="text-xs text-emerald-700" role="status">
          Refreshed: {formatCount(job!.rowsDone)} rows scored.
        </p>
      )}
      {finished && finished !== "succeeded" && (
        <Notice tone="error" title={`The refresh job ${finished}`}>
          {job!.error ?? "No reason was given."}
        </Notice>
      )}
      <ErrorNotice error={start.error ?? jobError} />
    </div>
  );
}
