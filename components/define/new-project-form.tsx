"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { type FormEvent, useState } from "react";
import { ApiError, sendJson } from "@/components/api/fetch";
import type { Project } from "@/components/api/types";
import { Button } from "@/components/ui/button";
import { ErrorNotice } from "@/components/ui/error-notice";
import { Field, fieldA11y } from "@/components/ui/field";
import { inputClass } from "@/components/ui/styles";
import type { Delivery, Task } from "@/lib/define/tasks";
import { MetricFields, metricForTask, parseThreshold } from "./metric-fields";
import { invalidateProjects } from "./queries";
import { TaskDeliveryFields } from "./task-delivery-fields";

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
        <input
          {...fieldA11y("new-name", errors.name)}
          className={inputClass}
          value={name}
          onChange={(e) => setName(e.target.value)}
          placeholder="e.g. Weekly demand forecast"
          autoComplete="off"
        />
      </Field>
      <TaskDeliveryFields
        idPrefix="new"
        task={task}
        delivery={delivery}
        onTaskChange={changeTask}
        onDeliveryChange={(d) => {
          setDelivery(d);
          setDeliveryTouched(true);
        }}
        errors={errors}
      />
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
      <MetricFields
        idPrefix="new"
        task={task}
        metric={metric}
        threshold={threshold}
        onMetricChange={setMetric}
        onThresholdChange={setThreshold}
        errors={errors}
      />
      {create.error && <ErrorNotice error={create.error} shownFields={SHOWN_FIELDS} />}
      <Button type="submit" disabled={create.isPending || create.isSuccess} className="w-full">
        {create.isPending || create.isSuccess ? "Creating…" : "Create project"}
      </Button>
    </form>
  );
}
