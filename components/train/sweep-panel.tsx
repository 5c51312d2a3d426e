"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useMemo, useState } from "react";
import { ApiError } from "@/components/api/fetch";
import { useCan } from "@/components/identity/viewer-context";
import { Button } from "@/components/ui/button";
import { ErrorNotice } from "@/components/ui/error-notice";
import { Field, fieldA11y } from "@/components/ui/field";
import { cardClass, checkboxClass, inputClass, sectionTitleClass, selectClass } from "@/components/ui/styles";
import type { Task } from "@/lib/define/tasks";
import { isAlgorithmId } from "@/lib/train/algorithms/registry";
import {
  buildSweepSpace,
  EMPTY_SWEEP_DRAFT,
  formatSweepValue,
  gridSize,
  SWEEP_PARAM_FIELDS,
  type SweepDraft,
  type SweepParam,
  sweepFieldHint,
} from "@/lib/train/sweep-space";
import { createSweep, invalidateRuns, projectSweepsQuery, type SweepRequest } from "./queries";
import { SweepCard } from "./sweep-card";

export interface SweepPanelProps {
  projectId: string;
  task: Task;
  /** The algorithms the run form offers, with the defaults the server applies (shown as placeholders). */
  algorithms: readonly SweepAlgorithmOption[];
  activations: readonly string[];
  /** The most trials a sweep may queue here (the administrators' caps; the server checks them again). */
  maxTrials: number;
}

export interface SweepAlgorithmOption {
  name: string;
  label: string;
  defaults: { readonly [K in SweepParam]?: unknown };
}

/** Trials a random sweep draws unless told otherwise (the server's default too). */
const DEFAULT_RANDOM_TRIALS = 10;

/** Starts hyperparameter sweeps and follows the project's sweeps, trial by trial. */
export function SweepPanel({ projectId, task, algorithms, activations, maxTrials }: SweepPanelProps) {
  const { data: sweeps = [], error, isPending } = useQuery(projectSweepsQuery(projectId));
  const canEdit = useCan("editor");
  return (
    <section aria-labelledby="sweeps-heading" className="space-y-4">
      <div>
        <h3 id="sweeps-heading" className={sectionTitleClass}>
          Hyperparameter sweeps
        </h3>
        <p className="mt-1 text-sm text-slate-500">
          List the values to try for a few params; every combination (grid) or a seeded sample of them (random) is queued as runs, and the best by the
          project&apos;s metric is marked.
        </p>
      </div>
      {canEdit && <SweepForm projectId={projectId} algorithms={algorithms} activations={activations} maxTrials={maxTrials} />}
      {error && <ErrorNotice error={error} />}
      {!isPending && sweeps.length === 0 && !error && <p className="text-sm text-slate-500">No sweeps yet.</p>}
      <div className="space-y-4">
        {sweeps.map((s) => (
          <SweepCard key={s.id} sweep={s} task={task} />
        ))}
      </div>
    </section>
  );
}

type SweepFormProps = Omit<SweepPanelProps, "task">;
type Method = SweepRequest["method"];

/** The server's message for a space entry (`space.learningRate`, `space.hiddenUnits.1`). */
function spaceError(fieldErrors: Record<string, string>, name: string): string | undefined {
  const key = Object.keys(fieldErrors).find((k) => k === `space.${name}` || k.startsWith(`space.${name}.`));
  return key ? fieldErrors[key] : undefined;
}

function SweepForm({ projectId, algorithms, activations, maxTrials }: SweepFormProps) {
  const qc = useQueryClient();
  const [algorithm, setAlgorithm] = useState<string>(algorithms[0]?.name ?? "");
  const [method, setMethod] = useState<Method>("grid");
  const [draft, setDraft] = useState<SweepDraft>(EMPTY_SWEEP_DRAFT);
  const [trialsText, setTrialsText] = useState(String(DEFAULT_RANDOM_TRIALS));
  const [seedText, setSeedText] = useState("");
  const [localErrors, setLocalErrors] = useState<Record<string, string>>({});

  const chosen = algorithms.find((a) => a.name === algorithm) ?? algorithms[0];
  const fields = useMemo(() => SWEEP_PARAM_FIELDS.filter((f) => f.algorithms.includes(algorithm)), [algorithm]);
  const known = isAlgorithmId(algorithm) ? algorithm : undefined;
  const { space, errors: parseErrors } = useMemo(() => buildSweepSpace(draft, fields, activations, known), [draft, fields, activations, known]);
  const combinations = gridSize(space);

  const start = useMutation({
    mutationFn: (body: SweepRequest) => createSweep(projectId, body),
    onSuccess: (sweep) => {
      qc.setQueryData(projectSweepsQuery(projectId).queryKey, (old) => [sweep, ...(old ?? []).filter((s) => s.id !== sweep.id)]);
      void invalidateRuns(qc, projectId);
    },
  });

  const serverErrors = start.error instanceof ApiError ? start.error.fieldErrors : {};
  const paramError = (name: SweepParam) => localErrors[name] ?? spaceError(serverErrors, name);
  const spaceSummaryError = localErrors.space ?? serverErrors.space;
  const trialsError = localErrors.trials ?? serverErrors.trials;
  const seedError = localErrors.seed ?? serverErrors.seed;
  const shownFields = Object.keys(serverErrors).filter((k) => ["algorithm", "method", "space", "trials", "seed"].includes(k) || k.startsWith("space."));

  const setParam = (name: SweepParam, value: string) => {
    setDraft((d) => ({ ...d, [name]: value }));
    setLocalErrors(({ [name]: _, space: __, ...rest }) => rest);
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const errors: Record<string, string> = { ...parseErrors };
    if (Object.keys(space).length === 0 && Object.keys(parseErrors).length === 0) errors.space = "List values for at least one param.";
    const trials = Number(trialsText);
    if (method === "random" && !(Number.isInteger(trials) && trials >= 1 && trials <= maxTrials))
      errors.trials = `Enter a whole number of trials from 1 to ${maxTrials}.`;
    const seed = seedText.trim() === "" ? undefined : Number(seedText);
    if (method === "random" && seed !== undefined && !(Number.isInteger(seed) && seed >= 0))
      errors.seed = "Enter a whole number of at least 0, or leave empty.";
    setLocalErrors(errors);
    if (Object.keys(errors).length > 0) return;
    start.mutate({ algorithm, method, space, ...(method === "random" ? { trials, ...(seed !== undefined ? { seed } : {}) } : {}) });
  };

  if (!chosen) return null;
  // One value as the example: the default the server would use.
  const placeholder = (name: SweepParam) => {
    const d = formatSweepValue(chosen.defaults[name]);
    return d ? `e.g. ${d}` : undefined;
  };
  const trials = Number(trialsText);
  const tooMany = method === "grid" && combinations > maxTrials;

  return (
    <form aria-label="New sweep" onSubmit={submit} noValidate className={`${cardClass} space-y-5 p-5`}>
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
        <Field id="sweep-algorithm" label="Algorithm" error={serverErrors.algorithm}>
          <select
            {...fieldA11y("sweep-algorithm", serverErrors.algorithm)}
            className={selectClass}
            value={algorithm}
            onChange={(e) => setAlgorithm(e.target.value)}
          >
            {algorithms.map((a) => (
              <option key={a.name} value={a.name}>
                {a.label}
              </option>
            ))}
          </select>
        </Field>
        <fieldset className="space-y-1.5" aria-describedby={serverErrors.method ? "sweep-method-error" : undefined}>
          <legend className="block text-sm font-medium text-slate-700">Method</legend>
          <div className="flex gap-4 pt-1.5 text-sm">
            {(["grid", "random"] as const).map((m) => (
              <label key={m} className="inline-flex items-center gap-1.5">
                <input type="radio" name="sweep-method" value={m} checked={method === m} onChange={() => setMethod(m)} className={checkboxClass} />
                {m === "grid" ? "Grid" : "Random"}
              </label>
            ))}
          </div>
          {serverErrors.method && (
            <p id="sweep-method-error" className="text-xs font-medium text-red-600">
              {serverErrors.method}
            </p>
          )}
        </fieldset>
        {method === "random" && (
          <>
            <Field id="sweep-trials" label="Trials" error={trialsError} hint={`At most ${maxTrials}.`}>
              <input
                {...fieldA11y("sweep-trials", trialsError, true)}
                inputMode="numeric"
                className={inputClass}
                value={trialsText}
                onChange={(e) => {
                  setTrialsText(e.target.value);
                  setLocalErrors(({ trials: _, ...rest }) => rest);
                }}
              />
            </Field>
            <Field id="sweep-seed" label="Seed" optional error={seedError} hint="Same seed, same draws.">
              <input
                {...fieldA11y("sweep-seed", seedError, true)}
                inputMode="numeric"
                className={inputClass}
                placeholder="42"
                value={seedText}
                onChange={(e) => {
                  setSeedText(e.target.value);
                  setLocalErrors(({ seed: _, ...rest }) => rest);
                }}
              />
            </Field>
          </>
        )}
      </div>

      <fieldset className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
        <legend className="mb-3 text-sm font-semibold text-slate-900">
          Values to try <span className="font-normal text-slate-500">· comma-separated; one value fixes a param, an empty field keeps its default</span>
        </legend>
        {fields.map((f) => {
          const id = `sweep-${f.name}`;
          const error = paramError(f.name);
          return (
            <Field
              key={f.name}
              id={id}
              label={f.label}
              optional
              error={error}
              hint={f.kind === "activation" ? `Any of ${activations.join(", ")}.` : known ? sweepFieldHint(f, known) : f.hint}
            >
              <input
                {...fieldA11y(id, error, true)}
                type="text"
                autoComplete="off"
                className={inputClass}
                placeholder={placeholder(f.name)}
                value={draft[f.name]}
                onChange={(e) => setParam(f.name, e.target.value)}
              />
            </Field>
          );
        })}
      </fieldset>

      <div id="sweep-space-summary" aria-live="polite" className="text-sm">
        {spaceSummaryError ? (
          <p className="font-medium text-red-600">{spaceSummaryError}</p>
        ) : method === "grid" ? (
          <p className={tooMany ? "font-medium text-amber-800" : "text-slate-700"}>
            {combinations === 0
              ? "Fill in values to see how many trials the grid makes."
              : `This grid makes ${combinations} ${combinations === 1 ? "trial" : "trials"} (${Object.values(space)
                  .map((v) => v?.length ?? 0)
                  .join(" × ")}).`}
            {tooMany && ` A sweep runs at most ${maxTrials}: narrow the lists or draw a random sample.`}
          </p>
        ) : (
          <p className="text-slate-700">
            {combinations === 0
              ? "Fill in values to draw trials from."
              : `Draws ${Number.isInteger(trials) && trials > 0 ? trials : "?"} ${trials === 1 ? "trial" : "trials"} from ${combinations} ${combinations === 1 ? "combination" : "combinations"}.`}
          </p>
        )}
      </div>

      <ErrorNotice error={start.error} shownFields={shownFields} />
      <div className="flex items-center gap-3">
        <Button type="submit" disabled={start.isPending || tooMany}>
          {start.isPending ? "Starting…" : "Start sweep"}
        </Button>
        <p className="text-xs text-slate-500">Trials train one after another on the server; they also appear in the runs table.</p>
      </div>
    </form>
  );
}
