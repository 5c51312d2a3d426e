"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useId, useState } from "react";
import { ApiError } from "@/components/api/fetch";
import type { Run } from "@/components/api/types";
import { Button } from "@/components/ui/button";
import { ErrorNotice } from "@/components/ui/error-notice";
import { Field, fieldA11y } from "@/components/ui/field";
import { Notice } from "@/components/ui/notice";
import { cardClass, inputClass, selectClass } from "@/components/ui/styles";
import { type AlgorithmId, getAlgorithm } from "@/lib/train/algorithms/registry";
import { DEFAULT_TRAIN_SAMPLE_ROWS, MAX_TRAIN_SAMPLE_ROWS, MIN_TRAIN_SAMPLE_ROWS } from "@/lib/train/sample-size";
import { formatParamValue, type ParamField, paramFieldHint, parseParamDraft } from "@/lib/train/param-fields";
import { createRun, invalidateRuns, projectRunsQuery } from "./queries";

/** The params of one algorithm as the server resolves them for this project (shown as placeholders). */
export type TrainParamDefaults = Record<string, unknown>;

export interface TrainAlgorithmOption {
  name: AlgorithmId;
  label: string;
  defaults: TrainParamDefaults;
  /** Why the server cannot fill in every default for this project (a forecaster without a datetime column…), if so. */
  defaultsError?: string;
}

export interface TrainRunFormProps {
  projectId: string;
  /** The algorithms that fit the project's task, each with its defaults. */
  algorithms: TrainAlgorithmOption[];
  /** The recipe's input columns, offered in column fields. */
  columns: string[];
  onStarted: (run: Run) => void;
}

/** The first server message for `params.<name>` or anything below it (`params.hiddenUnits.1`). */
export function paramServerError(fieldErrors: Record<string, string>, name: string): string | undefined {
  const key = Object.keys(fieldErrors).find((k) => k === `params.${name}` || k.startsWith(`params.${name}.`));
  return key ? fieldErrors[key] : undefined;
}

/** Starts a server-side training run: an algorithm that fits the task and the params that differ from its defaults. */
export function TrainRunForm({ projectId, algorithms, columns, onStarted }: TrainRunFormProps) {
  const qc = useQueryClient();
  const columnListId = useId();
  const [algorithm, setAlgorithm] = useState<AlgorithmId>(algorithms[0]?.name ?? "linear");
  const [draft, setDraft] = useState<Record<string, string>>({});
  const [localErrors, setLocalErrors] = useState<Record<string, string>>({});
  const [sampleDraft, setSampleDraft] = useState("");
  const chosen = algorithms.find((a) => a.name === algorithm) ?? algorithms[0];
  const fields = getAlgorithm(chosen?.name ?? "linear").fields;

  const start = useMutation({
    mutationFn: (body: { algorithm: string; params?: Record<string, unknown>; sampleRows?: number }) => createRun(projectId, body),
    onSuccess: (run) => {
      qc.setQueryData(projectRunsQuery(projectId).queryKey, (old) => [run, ...(old ?? []).filter((r) => r.id !== run.id)]);
      void invalidateRuns(qc, projectId);
      onStarted(run);
    },
  });

  const serverErrors = start.error instanceof ApiError ? start.error.fieldErrors : {};
  const errorOf = (name: string) => localErrors[name] ?? paramServerError(serverErrors, name);
  const shownFields = Object.keys(serverErrors).filter(
    (k) => k === "algorithm" || k === "sampleRows" || fields.some((f) => k === `params.${f.name}` || k.startsWith(`params.${f.name}.`)),
  );

  const set = (name: string, value: string) => {
    setDraft((d) => ({ ...d, [name]: value }));
    setLocalErrors(({ [name]: _, ...rest }) => rest);
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const { params, errors } = parseParamDraft(fields, draft);
    const sample = sampleDraft.trim() === "" ? undefined : Number(sampleDraft.replaceAll(/[,_\s]/g, ""));
    if (sample !== undefined && (!Number.isInteger(sample) || sample < MIN_TRAIN_SAMPLE_ROWS || sample > MAX_TRAIN_SAMPLE_ROWS)) {
      errors.sampleRows = `a whole number from ${MIN_TRAIN_SAMPLE_ROWS.toLocaleString("en-US")} to ${MAX_TRAIN_SAMPLE_ROWS.toLocaleString("en-US")}`;
    }
    setLocalErrors(errors);
    if (Object.keys(errors).length > 0) return;
    start.mutate({ algorithm, ...(Object.keys(params).length > 0 ? { params } : {}), ...(sample !== undefined ? { sampleRows: sample } : {}) });
  };

  if (!chosen) return null;
  const control = (f: ParamField) => {
    const id = `run-${f.name}`;
    const error = errorOf(f.name);
    const shown = formatParamValue(chosen.defaults[f.name]);
    return (
      <Field key={f.name} id={id} label={f.label} optional error={error} hint={paramFieldHint(f)}>
        {f.kind === "choice" ? (
          <select {...fieldA11y(id, error, true)} className={selectClass} value={draft[f.name] ?? ""} onChange={(e) => set(f.name, e.target.value)}>
            <option value="">Default ({shown})</option>
            {f.options?.map((o) => (
              <option key={o} value={o}>
                {o}
              </option>
            ))}
          </select>
        ) : (
          <input
            {...fieldA11y(id, error, true)}
            type="text"
            inputMode={f.kind === "int" ? "numeric" : f.kind === "number" ? "decimal" : undefined}
            list={f.kind === "column" ? columnListId : undefined}
            className={inputClass}
            placeholder={shown === "" ? (f.kind === "columnList" ? "none" : "") : shown}
            value={draft[f.name] ?? ""}
            onChange={(e) => set(f.name, e.target.value)}
          />
        )}
      </Field>
    );
  };

  return (
    <form aria-label="New run" onSubmit={submit} noValidate className={`${cardClass} space-y-5 p-5`}>
      <datalist id={columnListId}>
        {columns.map((c) => (
          <option key={c} value={c} />
        ))}
      </datalist>
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
        <Field id="run-algorithm" label="Algorithm" error={serverErrors.algorithm} hint={getAlgorithm(algorithm).hint}>
          <select
            {...fieldA11y("run-algorithm", serverErrors.algorithm, true)}
            className={selectClass}
            value={algorithm}
            onChange={(e) => {
              setAlgorithm(e.target.value as AlgorithmId);
              setLocalErrors({});
            }}
          >
            {algorithms.map((a) => (
              <option key={a.name} value={a.name}>
                {a.label}
              </option>
            ))}
          </select>
        </Field>
        {fields.filter((f) => f.group === "model").map(control)}
      </div>
      {chosen.defaultsError && (
        <Notice tone="warning" title="Some defaults cannot be filled in for this project">
          {chosen.defaultsError}
        </Notice>
      )}
      <fieldset className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
        <legend className="mb-3 text-sm font-semibold text-slate-900">
          Hyperparameters <span className="font-normal text-slate-500">· leave a field empty to use the default shown</span>
        </legend>
        {fields.filter((f) => f.group === "training").map(control)}
        <Field
          id="run-sample-rows"
          label="Sample rows"
          optional
          error={localErrors.sampleRows ?? serverErrors.sampleRows}
          hint="A larger dataset trains on a seeded sample of this many rows; the run says so."
        >
          <input
            {...fieldA11y("run-sample-rows", localErrors.sampleRows ?? serverErrors.sampleRows, true)}
            type="text"
            inputMode="numeric"
            className={inputClass}
            placeholder={DEFAULT_TRAIN_SAMPLE_ROWS.toLocaleString("en-US")}
            value={sampleDraft}
            onChange={(e) => {
              setSampleDraft(e.target.value);
              setLocalErrors(({ sampleRows: _, ...rest }) => rest);
            }}
          />
        </Field>
      </fieldset>
      <ErrorNotice error={start.error} shownFields={shownFields} />
      <div className="flex items-center gap-3">
        <Button type="submit" disabled={start.isPending}>
          {start.isPending ? "Starting…" : "Start run"}
        </Button>
        <p className="text-xs text-slate-500">Trains on the server with the project&apos;s latest recipe; the page follows it live.</p>
      </div>
    </form>
  );
}
