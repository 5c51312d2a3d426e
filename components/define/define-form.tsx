"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { type FormEvent, useState } from "react";
import { ApiError, sendJson } from "@/components/api/fetch";
import type { Project } from "@/components/api/types";
import { datasetQuery } from "@/components/data/queries";
import { useCan } from "@/components/identity/viewer-context";
import { Button } from "@/components/ui/button";
import { ErrorNotice } from "@/components/ui/error-notice";
import { Field, fieldA11y } from "@/components/ui/field";
import { Notice } from "@/components/ui/notice";
import { cardClass, inputClass, selectClass } from "@/components/ui/styles";
import type { Delivery, Task } from "@/lib/define/tasks";
import { MetricFields, metricForTask, parseThreshold } from "./metric-fields";
import { invalidateProjects } from "./queries";
import { StepIntro } from "./step-intro";
import { TaskDeliveryFields } from "./task-delivery-fields";
import { useProject } from "./use-project";

export interface DefineFormProps {
  /** The page prefetches the project and its attached dataset version. */
  projectId: string;
}

const SHOWN_FIELDS = ["name", "description", "task", "target", "delivery", "successMetric", "successThreshold"];

/** Step 1: what to predict, how it is delivered and when it counts as a success. */
export function DefineForm({ projectId }: DefineFormProps) {
  const qc = useQueryClient();
  const canEdit = useCan("editor");
  const project = useProject(projectId);
  const [name, setName] = useState(project.name);
  const [description, setDescription] = useState(project.description);
  const [task, setTask] = useState<Task>(project.task);
  const [target, setTarget] = useState(project.target ?? "");
  const [delivery, setDelivery] = useState<Delivery>(project.delivery);
  const [metric, setMetric] = useState(project.successMetric ?? "");
  const [threshold, setThreshold] = useState(project.successThreshold === null ? "" : String(project.successThreshold));

  const datasetId = project.datasetId;
  const { data: dataset } = useQuery({ ...datasetQuery(datasetId ?? ""), enabled: !!datasetId });
  const columns = datasetId ? (dataset?.columns ?? []) : [];
  const targetMissing = !!target && columns.length > 0 && !columns.some((c) => c.name === target);

  const save = useMutation({
    mutationFn: () =>
      sendJson<Project>("PATCH", `/api/projects/${encodeURIComponent(project.id)}`, {
        name,
        description,
        task,
        target: target || null,
        delivery,
        successMetric: metric || null,
        successThreshold: metric ? parseThreshold(threshold) : null,
      }),
    onSuccess: () => invalidateProjects(qc),
  });
  const errors = save.error instanceof ApiError ? save.error.fieldErrors : {};
  const targetError = errors.target ?? (targetMissing ? `"${target}" is not a column of the attached data.` : undefined);

  function changeTask(next: Task) {
    setTask(next);
    setMetric((m) => metricForTask(next, m));
    save.reset();
  }

  function submit(e: FormEvent) {
    e.preventDefault();
    save.mutate();
  }

  const touch =
    <T,>(set: (v: T) => void) =>
    (v: T) => {
      set(v);
      if (save.isSuccess) save.reset();
    };

  return (
    <section aria-labelledby="define-heading">
      <StepIntro id="define-heading" title="Define the problem">
        What to predict, for whom, and when a model is good enough to use.
      </StepIntro>
      <form onSubmit={submit} noValidate className={`${cardClass} max-w-3xl p-6`} aria-label="Project definition">
        {/* A viewer reads the definition in the same fields, which they cannot change. */}
        <fieldset disabled={!canEdit} className="min-w-0 space-y-5">
          <Field id="define-name" label="Name" error={errors.name}>
            <input {...fieldA11y("define-name", errors.name)} className={inputClass} value={name} onChange={(e) => touch(setName)(e.target.value)} />
          </Field>
          <Field id="define-description" label="Description" optional error={errors.description}>
            <textarea
              {...fieldA11y("define-description", errors.description)}
              rows={3}
              className={inputClass}
              value={description}
              onChange={(e) => touch(setDescription)(e.target.value)}
            />
          </Field>
          <TaskDeliveryFields
            idPrefix="define"
            task={task}
            delivery={delivery}
            onTaskChange={changeTask}
            onDeliveryChange={touch(setDelivery)}
            errors={errors}
            deliveryHint="Real-time answers each request at once; batch scores files on a schedule."
          />
          <Field
            id="define-target"
            label={task === "recommendation" ? "Item column" : "Target column"}
            error={targetError}
            hint={
              datasetId ? (
                "The column the model learns to predict."
              ) : (
                <>
                  Attach a dataset in{" "}
                  <Link href={`/projects/${encodeURIComponent(project.id)}/data`} className="font-medium text-indigo-700 hover:underline">
                    Get data
                  </Link>{" "}
                  to choose the target from its columns.
                </>
              )
            }
          >
            <select
              {...fieldA11y("define-target", targetError, true)}
              className={selectClass}
              value={target}
              disabled={!datasetId}
              onChange={(e) => touch(setTarget)(e.target.value)}
            >
              <option value="">{datasetId ? "Choose a column…" : "No data attached"}</option>
              {targetMissing && <option value={target}>{target} (not in the data)</option>}
              {columns.map((c) => (
                <option key={c.name} value={c.name}>
                  {c.name} — {c.type}
                </option>
              ))}
            </select>
          </Field>
          <MetricFields
            idPrefix="define"
            task={task}
            metric={metric}
            threshold={threshold}
            onMetricChange={touch(setMetric)}
            onThresholdChange={touch(setThreshold)}
            errors={errors}
          />
          {save.error && <ErrorNotice error={save.error} shownFields={SHOWN_FIELDS} />}
          {save.isSuccess && <Notice tone="success">Saved. The project definition is up to date.</Notice>}
          <div className="flex items-center gap-3">
            {canEdit && (
              <Button type="submit" disabled={save.isPending}>
                {save.isPending ? "Saving…" : "Save"}
              </Button>
            )}
            {project.steps.define !== "done" && project.stepNotes.define && <p className="text-sm text-slate-500">Still to do: {project.stepNotes.define}</p>}
          </div>
        </fieldset>
      </form>
    </section>
  );
}
