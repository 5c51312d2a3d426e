"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import type { Run } from "./api-types";
import { Button } from "./button";
import { ErrorNotice } from "./error-notice";
import { Field, fieldA11y } from "./field";
import { ApiError, createRun, invalidateRuns, keys } from "./queries";
import { cardClass, inputClass, selectClass } from "./styles";

/** The defaults of one algorithm as the server applies them (shown as placeholders). */
export interface TrainParamDefaults {
  epochs: number;
  batchSize: number;
  learningRate: number;
  hiddenUnits: number[];
  activation: string;
  dropout: number;
  l2: number;
  seed: number;
  earlyStoppingPatience: number;
}

export interface TrainRunFormProps {
  projectId: string;
  /** The algorithms that fit the project's task, each with its defaults. */
  algorithms: { name: string; label: string; defaults: TrainParamDefaults }[];
  activations: readonly string[];
  onStarted: (run: Run) => void;
}

type NumberParam = "epochs" | "batchSize" | "learningRate" | "dropout" | "l2" | "seed" | "earlyStoppingPatience";

const NUMBER_FIELDS: { name: NumberParam; label: string; hint: string; integer: boolean; mlpOnly?: boolean }[] = [
  { name: "epochs", label: "Epochs", hint: "Ceiling; early stopping decides.", integer: true },
  { name: "batchSize", label: "Batch size", hint: "Rows per gradient step.", integer: true },
  { name: "learningRate", label: "Learning rate", hint: "Adam step size.", integer: false },
  { name: "l2", label: "L2 penalty", hint: "Weight decay on the kernels.", integer: false },
  { name: "dropout", label: "Dropout", hint: "0 to 0.9, after each hidden layer.", integer: false, mlpOnly: true },
  { name: "earlyStoppingPatience", label: "Early-stopping patience", hint: "Epochs without a better validation loss; 0 turns it off.", integer: true },
  { name: "seed", label: "Seed", hint: "Same seed, same run.", integer: true },
];

type Draft = Record<NumberParam | "hiddenUnits" | "activation", string>;
const EMPTY_DRAFT: Draft = { epochs: "", batchSize: "", learningRate: "", hiddenUnits: "", activation: "", dropout: "", l2: "", seed: "", earlyStoppingPatience: "" };

/** The params the person filled in; empty fields are left out so the server defaults apply. */
function toParams(draft: Draft, mlp: boolean): { params: Record<string, unknown>; errors: Record<string, string> } {
  const params: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  for (const f of NUMBER_FIELDS) {
    if (f.mlpOnly && !mlp) continue;
    const text = draft[f.name].trim();
    if (text === "") continue;
    const n = Number(text);
    if (!Number.isFinite(n)) errors[f.name] = "Enter a number, or leave empty for the default.";
    else if (f.integer && !Number.isInteger(n)) errors[f.name] = "Enter a whole number.";
    else params[f.name] = n;
  }
  if (mlp) {
    const units = draft.hiddenUnits.trim();
    if (units !== "") {
      const list = units.split(/[,\s]+/).filter(Boolean).map(Number);
      if (list.some((u) => !Number.isInteger(u))) errors.hiddenUnits = "List whole numbers separated by commas, such as 64, 32.";
      else params.hiddenUnits = list;
    }
    if (draft.activation) params.activation = draft.activation;
  }
  return { params, errors };
}

/** The first server message for `params.<name>` or anything below it (`params.hiddenUnits.1`). */
function serverError(fieldErrors: Record<string, string>, name: string): string | undefined {
  const key = Object.keys(fieldErrors).find((k) => k === `params.${name}` || k.startsWith(`params.${name}.`));
  return key ? fieldErrors[key] : undefined;
}

/** Starts a server-side training run: an algorithm that fits the task and the params that differ from its defaults. */
export function TrainRunForm({ projectId, algorithms, activations, onStarted }: TrainRunFormProps) {
  const qc = useQueryClient();
  const [algorithm, setAlgorithm] = useState(algorithms[0]?.name ?? "");
  const [draft, setDraft] = useState<Draft>(EMPTY_DRAFT);
  const [localErrors, setLocalErrors] = useState<Record<string, string>>({});
  const chosen = algorithms.find((a) => a.name === algorithm) ?? algorithms[0];
  const mlp = algorithm === "mlp";

  const start = useMutation({
    mutationFn: (body: { algorithm: string; params?: Record<string, unknown> }) => createRun(projectId, body),
    onSuccess: (run) => {
      qc.setQueryData<Run[]>(keys.projectRuns(projectId), (old) => [run, ...(old ?? []).filter((r) => r.id !== run.id)]);
      void invalidateRuns(qc, projectId);
      onStarted(run);
    },
  });

  const serverErrors = start.error instanceof ApiError ? start.error.fieldErrors : {};
  const errorOf = (name: string) => localErrors[name] ?? serverError(serverErrors, name);
  const shownFields = Object.keys(serverErrors).filter(
    (k) => k === "algorithm" || [...NUMBER_FIELDS.map((f) => f.name), "hiddenUnits", "activation"].some((n) => k === `params.${n}` || k.startsWith(`params.${n}.`)),
  );

  const set = (name: keyof Draft, value: string) => {
    setDraft((d) => ({ ...d, [name]: value }));
    setLocalErrors((e) => {
      const { [name]: _, ...rest } = e;
      return rest;
    });
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const { params, errors } = toParams(draft, mlp);
    setLocalErrors(errors);
    if (Object.keys(errors).length > 0) return;
    start.mutate({ algorithm, ...(Object.keys(params).length > 0 ? { params } : {}) });
  };

  if (!chosen) return null;
  const d = chosen.defaults;
  const visible = NUMBER_FIELDS.filter((f) => !f.mlpOnly || mlp);

  return (
    <form aria-label="New run" onSubmit={submit} noValidate className={`${cardClass} space-y-5 p-5`}>
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
        <Field id="run-algorithm" label="Algorithm" error={serverErrors.algorithm} hint={algorithmHint(algorithm)}>
          <select {...fieldA11y("run-algorithm", serverErrors.algorithm, true)} className={selectClass} value={algorithm} onChange={(e) => setAlgorithm(e.target.value)}>
            {algorithms.map((a) => (
              <option key={a.name} value={a.name}>
                {a.label}
              </option>
            ))}
          </select>
        </Field>
        {mlp && (
          <>
            <Field id="run-hiddenUnits" label="Hidden units" optional error={errorOf("hiddenUnits")} hint="Units per hidden layer, comma-separated.">
              <input
                {...fieldA11y("run-hiddenUnits", errorOf("hiddenUnits"), true)}
                className={inputClass}
                placeholder={d.hiddenUnits.join(", ")}
                value={draft.hiddenUnits}
                onChange={(e) => set("hiddenUnits", e.target.value)}
              />
            </Field>
            <Field id="run-activation" label="Activation" optional error={errorOf("activation")}>
              <select {...fieldA11y("run-activation", errorOf("activation"))} className={selectClass} value={draft.activation} onChange={(e) => set("activation", e.target.value)}>
                <option value="">Default ({d.activation})</option>
                {activations.map((a) => (
                  <option key={a} value={a}>
                    {a}
                  </option>
                ))}
              </select>
            </Field>
          </>
        )}
      </div>
      <fieldset className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
        <legend className="mb-3 text-sm font-semibold text-slate-900">
          Hyperparameters <span className="font-normal text-slate-500">· leave a field empty to use the default shown</span>
        </legend>
        {visible.map((f) => {
          const id = `run-${f.name}`;
          const error = errorOf(f.name);
          return (
            <Field key={f.name} id={id} label={f.label} optional error={error} hint={f.hint}>
              <input
                {...fieldA11y(id, error, true)}
                type="text"
                inputMode={f.integer ? "numeric" : "decimal"}
                className={inputClass}
                placeholder={String(d[f.name])}
                value={draft[f.name]}
                onChange={(e) => set(f.name, e.target.value)}
              />
            </Field>
          );
        })}
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

function algorithmHint(algorithm: string): string {
  switch (algorithm) {
    case "linear":
      return "Ridge regression: a fast, strong first baseline.";
    case "logistic":
      return "Softmax regression over the classes.";
    case "mlp":
      return "A small neural network for non-linear relations.";
    default:
      return "";
  }
}
