"use client";

import { useQueryClient, useSuspenseQuery } from "@tanstack/react-query";
import { useEffect, useMemo, useRef, useState } from "react";
import type { Run } from "@/components/api/types";
import { projectKeys } from "@/components/define/queries";
import { useCan } from "@/components/identity/viewer-context";
import { ErrorNotice } from "@/components/ui/error-notice";
import { cardClass, sectionTitleClass } from "@/components/ui/styles";
import type { Task } from "@/lib/define/tasks";
import { getAlgorithm } from "@/lib/train/algorithms/registry";
import { BrowserTrainPanel } from "./browser-train-panel";
import { isActiveRun, projectRunsQuery } from "./queries";
import { RunDetail } from "./run-detail";
import { RunLearningCurves } from "./run-learning-curves";
import { bestRunId, runLabel, runYardstick } from "./run-metrics";
import { RunTable } from "./run-table";
import { SweepPanel } from "./sweep-panel";
import { TrainRunForm, type TrainRunFormProps } from "./train-run-form";

export interface TrainViewProps {
  project: { id: string; task: Task; successMetric: string | null; successThreshold: number | null };
  /** The form's algorithms and their defaults; null when the project cannot train here (no recipe, or a task this build does not train). */
  form: (Pick<TrainRunFormProps, "algorithms" | "columns"> & { activations: readonly string[]; maxSweepTrials: number }) | null;
}

/** The interactive part of the Train step (the page prefetches `projectRunsQuery`): start runs, follow and compare them, inspect one. */
export function TrainView({ project, form }: TrainViewProps) {
  const qc = useQueryClient();
  const canEdit = useCan("editor");
  const { data: runs, error } = useSuspenseQuery(projectRunsQuery(project.id));
  const yardstick = useMemo(() => runYardstick(project.task, project.successMetric, project.successThreshold), [project]);
  const bestId = useMemo(() => bestRunId(runs, yardstick), [runs, yardstick]);

  const newestId = runs[0]?.id ?? null;
  // null: follow the newest run (the default); a set once the person ticks boxes themselves.
  const [chartedIds, setChartedIds] = useState<Set<string> | null>(null);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const charted = useMemo(() => chartedIds ?? new Set(newestId ? [newestId] : []), [chartedIds, newestId]);
  const selected = runs.find((r) => r.id === selectedId) ?? runs[0] ?? null;
  const chartedRuns = runs.filter((r) => charted.has(r.id)).reverse();

  // When the last active run finishes, the project's step states (header, step nav) may change.
  const anyActive = runs.some(isActiveRun);
  const wasActive = useRef(anyActive);
  useEffect(() => {
    if (wasActive.current && !anyActive) void qc.invalidateQueries({ queryKey: projectKeys.detail(project.id), exact: true });
    wasActive.current = anyActive;
  }, [anyActive, qc, project.id]);

  const toggleCharted = (id: string) =>
    setChartedIds(() => {
      const next = new Set(charted);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  const browserAlgorithms = form?.algorithms.filter((a) => getAlgorithm(a.name).trainsInBrowser) ?? [];

  const onStarted = (run: Run) => {
    setSelectedId(run.id);
    setChartedIds((ids) => (ids ? new Set([...ids, run.id]) : null));
  };

  return (
    <div className="space-y-8">
      {form && canEdit && (
        <section aria-labelledby="new-run-heading">
          <h3 id="new-run-heading" className={`${sectionTitleClass} mb-3`}>
            New run
          </h3>
          <TrainRunForm projectId={project.id} algorithms={form.algorithms} columns={form.columns} onStarted={onStarted} />
        </section>
      )}

      {form && canEdit && browserAlgorithms.length > 0 && (
        <BrowserTrainPanel projectId={project.id} task={project.task} algorithms={browserAlgorithms} onSaved={onStarted} />
      )}

      {form && (
        <SweepPanel projectId={project.id} task={project.task} algorithms={form.algorithms} activations={form.activations} maxTrials={form.maxSweepTrials} />
      )}

      <section aria-labelledby="runs-heading">
        <div className="mb-3 flex flex-wrap items-baseline justify-between gap-2">
          <h3 id="runs-heading" className={sectionTitleClass}>
            Runs
          </h3>
          <p className="text-xs text-slate-500">
            Compared on {yardstick.metric.label} ({yardstick.metric.higherIsBetter ? "higher" : "lower"} is better)
            {yardstick.criterion ? `; success means ${yardstick.criterion}` : "; the project has no success criterion yet"}.
          </p>
        </div>
        {error && <ErrorNotice error={error} className="mb-3" />}
        {runs.length === 0 ? (
          <div className="rounded-xl border border-dashed border-slate-300 bg-white px-6 py-10 text-center">
            <p className="font-medium">No runs yet</p>
            <p className="mt-1 text-sm text-slate-500">
              {!form
                ? "Runs appear here once this project can train."
                : canEdit
                  ? "Start one above: the defaults alone train a good first model."
                  : "No one has trained this project yet."}
            </p>
          </div>
        ) : (
          <RunTable
            projectId={project.id}
            runs={runs}
            yardstick={yardstick}
            bestId={bestId}
            charted={charted}
            onToggleCharted={toggleCharted}
            selectedId={selected?.id ?? null}
            onSelect={setSelectedId}
          />
        )}
      </section>

      {runs.length > 0 && (
        <div className="grid gap-6 2xl:grid-cols-2">
          <section aria-labelledby="curves-heading" className={`${cardClass} p-5`}>
            <h3 id="curves-heading" className={`${sectionTitleClass} mb-3`}>
              Learning curves
            </h3>
            <RunLearningCurves runs={chartedRuns} task={project.task} />
          </section>
          {selected && (
            <section aria-labelledby="run-detail-heading" className={`${cardClass} p-5`}>
              <h3 id="run-detail-heading" className={`${sectionTitleClass} mb-3`}>
                Run details <span className="sr-only">of {runLabel(selected)}</span>
              </h3>
              <RunDetail run={selected} yardstick={yardstick} />
            </section>
          )}
        </div>
      )}
    </div>
  );
}
