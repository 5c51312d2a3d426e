"use client";

import { Field, fieldA11y } from "@/components/ui/field";
import { inputClass, selectClass } from "@/components/ui/styles";
import { METRICS, metricInfo, type Task } from "@/lib/define/tasks";

export interface MetricFieldsProps {
  idPrefix: string;
  task: Task;
  metric: string;
  threshold: string;
  onMetricChange: (metric: string) => void;
  onThresholdChange: (threshold: string) => void;
  errors: Record<string, string>;
}

/** The success criterion: a metric valid for the task and the threshold it must reach. */
export function MetricFields({ idPrefix, task, metric, threshold, onMetricChange, onThresholdChange, errors }: MetricFieldsProps) {
  const info = metric ? metricInfo(task, metric) : undefined;
  const metricId = `${idPrefix}-metric`;
  const thresholdId = `${idPrefix}-threshold`;
  return (
    <div className="grid grid-cols-2 gap-3">
      <Field id={metricId} label="Success metric" error={errors.successMetric}>
        <select {...fieldA11y(metricId, errors.successMetric)} className={selectClass} value={metric} onChange={(e) => onMetricChange(e.target.value)}>
          <option value="">Not set yet</option>
          {METRICS[task].map((m) => (
            <option key={m.name} value={m.name}>
              {m.label}
            </option>
          ))}
        </select>
      </Field>
      <Field
        id={thresholdId}
        label="Threshold"
        error={errors.successThreshold}
        hint={info ? `${info.higherIsBetter ? "At least" : "At most"} this value counts as success.` : undefined}
      >
        <input
          {...fieldA11y(thresholdId, errors.successThreshold, !!info)}
          className={inputClass}
          type="number"
          step="any"
          inputMode="decimal"
          value={threshold}
          disabled={!metric}
          placeholder={info ? (info.higherIsBetter ? "e.g. 0.8" : "e.g. 0.2") : ""}
          onChange={(e) => onThresholdChange(e.target.value)}
        />
      </Field>
    </div>
  );
}

/** The metric to keep when the task changes: the same one if still valid, else none. */
export function metricForTask(task: Task, metric: string): string {
  return metric && metricInfo(task, metric) ? metric : "";
}

/** "" → null; anything else → a number (NaN is left for the server to name). */
export function parseThreshold(text: string): number | null {
  return text.trim() === "" ? null : Number(text);
}
