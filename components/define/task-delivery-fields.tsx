"use client";

import { Field, fieldA11y } from "@/components/ui/field";
import { selectClass } from "@/components/ui/styles";
import { DELIVERIES, type Delivery, TASK_LABELS, TASKS, type Task } from "@/lib/define/tasks";
import { DELIVERY_LABELS } from "./project-card";

export interface TaskDeliveryFieldsProps {
  idPrefix: string;
  task: Task;
  delivery: Delivery;
  onTaskChange(task: Task): void;
  onDeliveryChange(delivery: Delivery): void;
  errors: Record<string, string | undefined>;
  deliveryHint?: string;
}

/** The task and delivery selects, side by side: the new-project form and the Define step share them. */
export function TaskDeliveryFields({ idPrefix, task, delivery, onTaskChange, onDeliveryChange, errors, deliveryHint }: TaskDeliveryFieldsProps) {
  const taskId = `${idPrefix}-task`;
  const deliveryId = `${idPrefix}-delivery`;
  return (
    <div className="grid gap-3 sm:grid-cols-2">
      <Field id={taskId} label="Task" error={errors.task}>
        <select {...fieldA11y(taskId, errors.task)} className={selectClass} value={task} onChange={(e) => onTaskChange(e.target.value as Task)}>
          {TASKS.map((t) => (
            <option key={t} value={t}>
              {TASK_LABELS[t]}
            </option>
          ))}
        </select>
      </Field>
      <Field id={deliveryId} label="Delivery" error={errors.delivery} hint={deliveryHint}>
        <select
          {...fieldA11y(deliveryId, errors.delivery, !!deliveryHint)}
          className={selectClass}
          value={delivery}
          onChange={(e) => onDeliveryChange(e.target.value as Delivery)}
        >
          {DELIVERIES.map((d) => (
            <option key={d} value={d}>
              {DELIVERY_LABELS[d]}
            </option>
          ))}
        </select>
      </Field>
    </div>
  );
}
