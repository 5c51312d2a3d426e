"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useId, useState } from "react";
import { ApiError } from "@/components/api/fetch";
import type { Endpoint } from "@/components/api/types";
import { datasetListQuery } from "@/components/data/queries";
import { useCan } from "@/components/identity/viewer-context";
import { Button } from "@/components/ui/button";
import { ErrorNotice } from "@/components/ui/error-notice";
import { Field, fieldA11y } from "@/components/ui/field";
import { formatCount } from "@/components/ui/format";
import { cardClass, inputClass, sectionTitleClass, selectClass } from "@/components/ui/styles";
import { EndpointJobList } from "./endpoint-jobs-list";
import { EndpointKeyField, useEndpointKey } from "./endpoint-key-field";
import { endpointJobsQuery, type JobInput, jobKeys, startEndpointJob } from "./queries";

export interface EndpointJobsProps {
  endpoint: Pick<Endpoint, "name">;
  /** The primary key this browser tab was shown (deploy or rotation), if any. */
  sessionKey: string | null;
}

type Source = "dataset" | "file";

/** The fields a problem may name that the form shows beside their controls. */
const SHOWN_FIELDS = ["datasetId", "file", "errorThreshold", "authorization"];

/** "Batch jobs": a form that queues one over a dataset version or a CSV file (for editors), and the endpoint's jobs. */
export function EndpointJobs({ endpoint, sessionKey }: EndpointJobsProps) {
  const canEdit = useCan("editor");
  if (!canEdit) {
    return (
      <section aria-labelledby="endpoint-jobs-heading" className={`${cardClass} p-5`}>
        <h2 id="endpoint-jobs-heading" className={`${sectionTitleClass} mb-1`}>
          Batch jobs
        </h2>
        <p className="mb-4 text-sm text-slate-600">Whole dataset versions or CSV files this endpoint has scored in the background.</p>
        <EndpointJobsOf name={endpoint.name} />
      </section>
    );
  }
  return <EndpointJobsWithForm endpoint={endpoint} sessionKey={sessionKey} />;
}

/** The editor's view: a form that queues a job beside the list. */
function EndpointJobsWithForm({ endpoint, sessionKey }: EndpointJobsProps) {
  const qc = useQueryClient();
  const id = useId();
  const [source, setSource] = useState<Source>("dataset");
  const [datasetId, setDatasetId] = useState("");
  const [file, setFile] = useState<File | null>(null);
  const [threshold, setThreshold] = useState("");
  const endpointKey = useEndpointKey(sessionKey);
  const { key } = endpointKey;
  const datasets = useQuery(datasetListQuery());

  const start = useMutation({
    mutationFn: (input: JobInput) => startEndpointJob(endpoint.name, key.trim(), input),
    onSuccess: () => qc.invalidateQueries({ queryKey: jobKeys.list(endpoint.name) }),
  });
  const fieldErrors = start.error instanceof ApiError ? start.error.fieldErrors : {};
  const thresholdValue = threshold.trim() === "" ? undefined : Number(threshold);
  const thresholdError =
    fieldErrors.errorThreshold ??
    (thresholdValue !== undefined && (!Number.isInteger(thresholdValue) || thresholdValue < -1) ? "A whole number of −1 or more." : undefined);
  const chosen = source === "dataset" ? datasetId !== "" : file !== null;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!chosen || thresholdError || key.trim() === "") return;
    const errorThreshold = thresholdValue;
    start.mutate(source === "dataset" ? { datasetId, errorThreshold } : { file: file!, errorThreshold });
  };

  return (
    <section aria-labelledby={`${id}-heading`} className={`${cardClass} p-5`}>
      <h2 id={`${id}-heading`} className={`${sectionTitleClass} mb-1`}>
        Batch jobs
      </h2>
      <p className="mb-4 text-sm text-slate-600">
        Score a whole dataset version or CSV file in the background; each row keeps its order, and rows that cannot be scored are recorded with why.
      </p>
      <div className="grid gap-6 lg:grid-cols-[22rem_minmax(0,1fr)]">
        <form aria-label="Start a batch job" onSubmit={submit} noValidate className="space-y-4">
          <fieldset className="space-y-2">
            <legend className="text-sm font-medium text-slate-700">Input</legend>
            <div className="flex gap-4 text-sm">
              {(["dataset", "file"] as const).map((s) => (
                <label key={s} className="inline-flex items-center gap-1.5">
                  <input type="radio" name={`${id}-source`} value={s} checked={source === s} onChange={() => setSource(s)} className="accent-indigo-600" />
                  {s === "dataset" ? "A dataset" : "An uploaded CSV"}
                </label>
              ))}
            </div>
          </fieldset>
          {source === "dataset" ? (
            <Field id={`${id}-dataset`} label="Dataset version" error={fieldErrors.datasetId}>
              <select
                {...fieldA11y(`${id}-dataset`, fieldErrors.datasetId)}
                className={selectClass}
                value={datasetId}
                onChange={(e) => setDatasetId(e.target.value)}
              >
                <option value="">{datasets.isPending ? "Loading datasets…" : "Choose a dataset version"}</option>
                {datasets.data?.map((d) => (
                  <option key={d.id} value={d.id}>
                    {d.name} v{d.version} ({formatCount(d.rowCount)} rows)
                  </option>
                ))}
              </select>
            </Field>
          ) : (
            <Field id={`${id}-file`} label="CSV file" hint="With a header row naming the model's input columns." error={fieldErrors.file}>
              <input
                {...fieldA11y(`${id}-file`, fieldErrors.file, true)}
                type="file"
                accept=".csv,text/csv"
                className="block w-full text-sm text-slate-700 file:mr-3 file:rounded-md file:border-0 file:bg-slate-100 file:px-3 file:py-1.5 file:text-sm file:font-medium"
                onChange={(e) => setFile(e.target.files?.[0] ?? null)}
              />
            </Field>
          )}
          <Field
            id={`${id}-threshold`}
            label="Error threshold"
            optional
            hint="Failed rows tolerated before the job fails; empty or −1 tolerates any number."
            error={thresholdError}
          >
            <input
              {...fieldA11y(`${id}-threshold`, thresholdError, true)}
              type="number"
              min={-1}
              step={1}
              inputMode="numeric"
              placeholder="−1 (any)"
              className={inputClass}
              value={threshold}
              onChange={(e) => setThreshold(e.target.value)}
            />
          </Field>
          <EndpointKeyField id={`${id}-key`} endpointKey={endpointKey} error={fieldErrors.authorization} purpose=" to start a job" />
          <Button type="submit" disabled={start.isPending || !chosen || key.trim() === "" || thresholdError !== undefined}>
            {start.isPending ? "Starting…" : "Start job"}
          </Button>
          <ErrorNotice error={start.error} shownFields={SHOWN_FIELDS} />
        </form>
        <EndpointJobsOf name={endpoint.name} />
      </div>
    </section>
  );
}

function EndpointJobsOf({ name }: { name: string }) {
  const { data: jobs, error, isPending } = useQuery(endpointJobsQuery(name));
  return (
    <div className="min-w-0 space-y-3">
      <ErrorNotice error={error} />
      {isPending ? <p className="text-sm text-slate-500">Loading jobs…</p> : <EndpointJobList name={name} jobs={jobs ?? []} />}
    </div>
  );
}
