"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { DELIVERIES, TASKS, TASK_LABELS, type Delivery, type Task } from "@/lib/define/tasks";
import type { Project } from "./api-types";
import { Button } from "./button";
import { ErrorNotice } from "./error-notice";
import { Field, fieldA11y } from "./field";
import { metricForTask, MetricFields, parseThreshold } from "./metric-fields";
import { DELIVERY_LABELS } from "./project-card";
import { ApiError, invalidateProjects, sendJson } from "./queries";
import { inputClass, selectClass } from "./styles";

const SHOWN_FIELDS = ["name", "task", "description", "delivery", "successMetric", "successThreshold"];

/** Forecasts are usually scored on a schedule; the rest answer requests as they come. */
const defaultDelivery = (task: Task): Delivery => (task === "forecasting" ? "batch" : "realtime");

/** Starts a project and opens it on its first step. */
export function NewProjectForm() {
  const router = useRouter();
  const qc = useQueryClient();
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const [task, setTask] = useState<Task>("regression");
  const [delivery, setDelivery] = useState<Delivery>("realtime");
  const [deliveryTouched, setDeliveryTouched] = useState(false);
  const [metric, setMetric] = useState("");
  const [threshold, setThreshold] = useState("");

  const create = useMutation({
    mutationFn: () =>
      sendJson<Project>("POST", "/api/projects", {
        name,
        task,
        description: description || undefined,
        delivery,
        successMetric: metric || null,
        successThreshold: metric ? parseThreshold(threshold) : null,
      }),
    onSuccess: async (project) => {
      await invalidateProjects(qc);
      router.push(`/projects/${project.id}/define`);
    },
  });
  const errors = create.error instanceof ApiError ? create.error.fieldErrors : {};

  function changeTask(next: Task) {
    setTask(next);
    setMetric((m) => metricForTask(next, m));
    if (!deliveryTouched) setDelivery(defaultDelivery(next));
  }

  function submit(e: FormEvent) {
    e.preventDefault();
    create.mutate();
  }

  return (
    <form onSubmit={submit} className="space-y-4" aria-label="New project" noValidate>
      <Field id="new-name" label="Name" error={errors.name}>
        <input {...fieldA11y("new-name", errors.name)} className={inputClass} value={name} onChange={(e) => setName(e.target.value)} placeholder="e.g. Weekly demand forecast" autoComplete="off" />
      </Field>
      <div className="grid grid-cols-2 gap-3">
        <Field id="new-task" label="Task" error={errors.task}>
          <select {...fieldA11y("new-task", errors.task)} className={selectClass} value={task} onChange={(e) => changeTask(e.target.value as Task)}>
            {TASKS.map((t) => (
              <option key={t} value={t}>
                {TASK_LABELS[t]}
              </option>
            ))}
          </select>
        </Field>
        <Field id="new-delivery" label="Delivery" error={errors.delivery}>
          <select
            {...fieldA11y("new-delivery", errors.delivery)}
            className={selectClass}
            value={delivery}
            onChange={(e) => {
              setDelivery(e.target.value as Delivery);
              setDeliveryTouched(true);
            }}
          >
            {DELIVERIES.map((d) => (
              <option key={d} value={d}>
                {DELIVERY_LABELS[d]}
              </option>
            ))}
          </select>
        </Field>
      </div>
      <Field id="new-description" label="Description" optional error={errors.description}>
        <textarea
          {...fieldA11y("new-description", errors.description)}
          className={inputClass}
          rows={3}
          value={description}
          onChange={(e) => setDescription(e.target.value)}
          placeholder="What is predicted, for whom, and when it is used"
        />
      </Field>
      <MetricFields idPrefix="new" task={task} metric={metric} threshold={threshold} onMetricChange={setMetric} onThresholdChange={setThreshold} errors={errors} />
      {create.error && <ErrorNotice error={create.error} shownFields={SHOWN_FIELDS} />}
      <Button type="submit" disabled={create.isPending || create.isSuccess} className="w-full">
        {create.isPending || create.isSuccess ? "Creating…" : "Create project"}
      </Button>
    </form>
  );
}
