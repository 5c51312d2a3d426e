"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useId, useRef, useState } from "react";
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { Run } from "@/components/api/types";
import { projectKeys } from "@/components/define/queries";
import { Button } from "@/components/ui/button";
import { ErrorNotice } from "@/components/ui/error-notice";
import { cardClass, inputClass, sectionTitleClass, selectClass } from "@/components/ui/styles";
import type { Task } from "@/lib/define/tasks";
import { type AlgorithmId, getAlgorithm } from "@/lib/train/algorithms/registry";
import { boundViolation, describeBound } from "@/lib/train/param-bounds";
import type { BrowserTrainStage } from "./browser-train-engine";
import { invalidateRuns } from "./queries";
import { runLabel } from "./run-metrics";

export interface BrowserTrainPanelProps {
  projectId: string;
  task: Task;
  /** The algorithms of the task that train in the browser; their defaults and bounds are their own. */
  algorithms: { name: AlgorithmId; label: string }[];
  /** Called with the stored run once the model is saved to the server. */
  onSaved?(run: Run): void;
}

interface Point {
  epoch: number;
  loss: number;
  valLoss?: number;
}

type Phase = "idle" | "running" | "done" | "failed";

const CHART_HEIGHT_PX = 220;

/** The two params the panel sets, with the algorithm's defaults and bounds (the server checks the same). */
function panelParams(name: AlgorithmId) {
  const { defaults, bounds } = getAlgorithm(name);
  return { epochs: Number(defaults.epochs), learningRate: Number(defaults.learningRate), epochsBound: bounds.epochs, learningRateBound: bounds.learningRate };
}

function stageText(stage: BrowserTrainStage | null, epoch: number, total: number): string {
  if (!stage) return "";
  switch (stage.kind) {
    case "recipe":
      return "Reading the recipe…";
    case "loading":
      return `Loading data ${stage.loaded}/${stage.total}`;
    case "preparing":
      return "Applying the recipe…";
    case "training":
      return `Training on ${stage.backend}: epoch ${epoch} of ${total}`;
    case "saving":
      return "Saving the model to the server…";
  }
}

/**
 * Trains a tabular model in this browser with tfjs (WebGL, else cpu), drawing the loss per epoch,
 * and stores the finished model on the server as a run of location "browser".
 */
export function BrowserTrainPanel({ projectId, task, algorithms, onSaved }: BrowserTrainPanelProps) {
  const qc = useQueryClient();
  const ids = useId();
  const [algorithm, setAlgorithm] = useState<AlgorithmId>(algorithms[0]?.name ?? "linear");
  const defaults = panelParams(algorithm);
  const [epochsText, setEpochsText] = useState(String(defaults.epochs));
  const [lrText, setLrText] = useState(String(defaults.learningRate));
  const [phase, setPhase] = useState<Phase>("idle");
  const [stage, setStage] = useState<BrowserTrainStage | null>(null);
  const [points, setPoints] = useState<Point[]>([]);
  const [progress, setProgress] = useState({ epoch: 0, total: 0 });
  const [backend, setBackend] = useState<string | null>(null);
  const [saved, setSaved] = useState<{ run: Run; stopped: boolean } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const stopRef = useRef(false);
  const abortRef = useRef<AbortController | null>(null);

  useEffect(
    () => () => {
      stopRef.current = true;
      abortRef.current?.abort();
    },
    [],
  );

  const pickAlgorithm = (name: string) => {
    const a = algorithms.find((x) => x.name === name);
    if (!a) return;
    setAlgorithm(a.name);
    setEpochsText(String(panelParams(a.name).epochs));
    setLrText(String(panelParams(a.name).learningRate));
  };

  const epochs = Number(epochsText);
  const learningRate = Number(lrText);
  // The server's bounds: the finished run is stored only if its params are within them.
  const epochsError = boundViolation(defaults.epochsBound, epochs) ? describeBound(defaults.epochsBound) : undefined;
  const lrError = boundViolation(defaults.learningRateBound, learningRate) ? describeBound(defaults.learningRateBound) : undefined;
  const running = phase === "running";

  const start = async () => {
    if (epochsError || lrError || running) return;
    stopRef.current = false;
    const abort = new AbortController();
    abortRef.current = abort;
    setPhase("running");
    setStage(null);
    setPoints([]);
    setProgress({ epoch: 0, total: epochs });
    setSaved(null);
    setError(null);
    try {
      const { trainInBrowser } = await import("./browser-train-engine");
      const result = await trainInBrowser({
        projectId,
        task,
        algorithm,
        params: { epochs, learningRate },
        signal: abort.signal,
        onStage: (s) => {
          setStage(s);
          if (s.kind === "training" || s.kind === "saving") setBackend(s.backend);
        },
        onEpoch: (log, total) => {
          setProgress({ epoch: log.epoch, total });
          setPoints((p) => [...p, { epoch: log.epoch, loss: log.loss, ...(log.valLoss !== undefined ? { valLoss: log.valLoss } : {}) }]);
        },
        shouldStop: () => stopRef.current,
      });
      setSaved({ run: result.run, stopped: result.stopped });
      setPhase("done");
      await invalidateRuns(qc, projectId);
      void qc.invalidateQueries({ queryKey: projectKeys.detail(projectId), exact: true });
      onSaved?.(result.run);
    } catch (e) {
      if (abort.signal.aborted) return;
      setError(e);
      setPhase("failed");
    } finally {
      abortRef.current = null;
    }
  };

  const pct = progress.total > 0 ? Math.min(100, (progress.epoch / progress.total) * 100) : 0;
  const status = running ? stageText(stage, progress.epoch, progress.total) : "";

  return (
    <section aria-labelledby={`${ids}-heading`} className={`${cardClass} p-5`}>
      <div className="mb-3 flex flex-wrap items-baseline justify-between gap-2">
        <h3 id={`${ids}-heading`} className={sectionTitleClass}>
          Train in this browser
        </h3>
        <p className="text-xs text-slate-500">
          tfjs trains here on your GPU (WebGL) or CPU; the finished model is saved to the server as a run.
          {backend && (
            <>
              {" "}
              Backend:{" "}
              <span className="font-medium text-slate-700" data-testid="browser-backend">
                {backend}
              </span>
            </>
          )}
        </p>
      </div>

      <form
        aria-label="Train in this browser"
        className="flex flex-wrap items-end gap-3"
        onSubmit={(e) => {
          e.preventDefault();
          void start();
        }}
      >
        <label className="block text-sm" htmlFor={`${ids}-alg`}>
          <span className="mb-1 block font-medium text-slate-700">Algorithm</span>
          <select id={`${ids}-alg`} className={selectClass} value={algorithm} disabled={running} onChange={(e) => pickAlgorithm(e.target.value)}>
            {algorithms.map((a) => (
              <option key={a.name} value={a.name}>
                {a.label}
              </option>
            ))}
          </select>
        </label>
        <NumberText
          id={`${ids}-epochs`}
          label="Epochs"
          widthClass="w-28"
          inputMode="numeric"
          value={epochsText}
          error={epochsError}
          disabled={running}
          onChange={setEpochsText}
        />
        <NumberText
          id={`${ids}-lr`}
          label="Learning rate"
          widthClass="w-32"
          inputMode="decimal"
          value={lrText}
          error={lrError}
          disabled={running}
          onChange={setLrText}
        />
        <Button type="submit" disabled={running || Boolean(epochsError || lrError)}>
          Start in browser
        </Button>
        <Button variant="danger" disabled={!running || stage?.kind === "saving"} onClick={() => (stopRef.current = true)}>
          Stop
        </Button>
      </form>
      {(epochsError || lrError) && (
        <p className="mt-2 text-xs text-red-700">
          {epochsError && <span id={`${ids}-epochs-err`}>Epochs: {epochsError}. </span>}
          {lrError && <span id={`${ids}-lr-err`}>Learning rate: {lrError}.</span>}
        </p>
      )}

      {(running || points.length > 0) && (
        <div className="mt-4 space-y-3">
          <div className="flex items-center gap-3">
            <div
              role="progressbar"
              aria-label="Browser training progress"
              aria-valuemin={0}
              aria-valuemax={progress.total}
              aria-valuenow={progress.epoch}
              aria-valuetext={`epoch ${progress.epoch} of ${progress.total}`}
              className="h-2 flex-1 overflow-hidden rounded-full bg-slate-200"
            >
              <div className="h-full rounded-full bg-indigo-500" style={{ width: `${pct}%` }} />
            </div>
            <span className="text-xs tabular-nums text-slate-600" aria-hidden>
              {progress.epoch}/{progress.total}
            </span>
          </div>
          <p role="status" className="text-sm text-slate-600">
            {status}
          </p>
          {points.length > 0 && (
            <figure aria-label="Live loss chart" className="m-0">
              <div style={{ height: CHART_HEIGHT_PX }}>
                <ResponsiveContainer width="100%" height="100%">
                  <LineChart data={points} margin={{ top: 8, right: 16, bottom: 4, left: 0 }}>
                    <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
                    <XAxis dataKey="epoch" type="number" domain={[1, "dataMax"]} allowDecimals={false} tick={{ fontSize: 11 }} />
                    <YAxis tick={{ fontSize: 11 }} width={48} tickFormatter={(v: number) => (Math.abs(v) >= 100 ? v.toExponential(1) : v.toPrecision(2))} />
                    <Tooltip />
                    <Legend />
                    <Line type="monotone" dataKey="loss" name="loss" stroke="#6366f1" dot={false} isAnimationActive={false} />
                    <Line type="monotone" dataKey="valLoss" name="valLoss" stroke="#0ea5e9" strokeDasharray="5 3" dot={false} isAnimationActive={false} />
                  </LineChart>
                </ResponsiveContainer>
              </div>
              <figcaption className="mt-1 text-xs text-slate-500">
                Loss on the training rows and valLoss on the validation rows, per epoch
                {task === "regression" ? " (MSE on the standardised target: 1.0 is the mean predictor)" : ""}.
              </figcaption>
            </figure>
          )}
        </div>
      )}

      {saved && (
        <p role="status" className="mt-3 text-sm text-emerald-800">
          {saved.stopped ? "Stopped; saved" : "Saved"} as run {runLabel(saved.run)} (location {saved.run.location}, backend {saved.run.backend}).
        </p>
      )}
      <ErrorNotice error={error} className="mt-3" />
    </section>
  );
}

interface NumberTextProps {
  id: string;
  label: string;
  widthClass: string;
  inputMode: "numeric" | "decimal";
  value: string;
  /** Said below the form, in the element `${id}-err`. */
  error: string | null | undefined;
  disabled: boolean;
  onChange(text: string): void;
}

/** A number typed as text (checked against its bounds as it is typed), labelled above. */
function NumberText({ id, label, widthClass, inputMode, value, error, disabled, onChange }: NumberTextProps) {
  return (
    <label className={`block ${widthClass} text-sm`} htmlFor={id}>
      <span className="mb-1 block font-medium text-slate-700">{label}</span>
      <input
        id={id}
        className={inputClass}
        inputMode={inputMode}
        value={value}
        disabled={disabled}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-err` : undefined}
        onChange={(e) => onChange(e.target.value)}
      />
    </label>
  );
}
