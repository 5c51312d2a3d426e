"use client";

import type { RecipeStep } from "@/components/api/types";
import { Field } from "@/components/ui/field";
import { NumberInput } from "@/components/ui/number-input";
import { checkboxClass, selectClass } from "@/components/ui/styles";
import { columnFits } from "@/lib/prepare/recipe";
import { DATE_PARTS } from "@/lib/prepare/recipe-schema";
import { ColumnChecklist, type ColumnOption } from "./column-checklist";
import { LagsInput } from "./lags-input";
import { ValueInput } from "./value-input";

export interface RecipeStepFieldsProps {
  step: RecipeStep;
  onChange: (step: RecipeStep) => void;
  idBase: string;
  /** Columns as the earlier steps left them. */
  available: ColumnOption[];
  /** Every column a step may read without changing it (filter, time and group columns). */
  readable: ColumnOption[];
  target: string;
  /** Server messages by field within the step ("columns", "value"). */
  errors: Record<string, string>;
}

const FILTER_OPERATORS = ["==", "!=", "<", "<=", ">", ">=", "isnull", "notnull"] as const;
const OPERATOR_LABELS: Record<(typeof FILTER_OPERATORS)[number], string> = {
  "==": "equals",
  "!=": "differs from",
  "<": "less than",
  "<=": "at most",
  ">": "greater than",
  ">=": "at least",
  isnull: "is missing",
  notnull: "is present",
};
const PART_LABELS: Record<(typeof DATE_PARTS)[number], string> = {
  year: "Year",
  month: "Month",
  week: "ISO week",
  dayofweek: "Day of week",
  dayofyear: "Day of year",
};

const typeOf = (options: ColumnOption[], name: string) => options.find((o) => o.name === name)?.type ?? "text";

/** The settings of one recipe step, by op. */
export function RecipeStepFields({ step, onChange, idBase, available, readable, target, errors }: RecipeStepFieldsProps) {
  const fitting = available.filter((c) => columnFits(step, c, target));
  const columns =
    "columns" in step ? (
      <ColumnChecklist
        legend="Columns"
        options={fitting}
        selected={step.columns}
        onChange={(columns) => onChange({ ...step, columns })}
        error={errors.columns}
      />
    ) : null;

  switch (step.op) {
    case "impute":
      return (
        <div className="space-y-3">
          {columns}
          <div className="grid grid-cols-2 gap-3">
            <Field id={`${idBase}-strategy`} label="Strategy" error={errors.strategy}>
              <select
                id={`${idBase}-strategy`}
                className={selectClass}
                value={step.strategy}
                onChange={(e) => onChange({ ...step, strategy: e.target.value as typeof step.strategy })}
              >
                <option value="median">Median</option>
                <option value="mean">Mean</option>
                <option value="mode">Most frequent</option>
                <option value="constant">Constant</option>
              </select>
            </Field>
            {step.strategy === "constant" && (
              <Field id={`${idBase}-value`} label="Value" error={errors.value}>
                <ValueInput
                  id={`${idBase}-value`}
                  value={step.value}
                  type={typeOf(available, step.columns[0] ?? "")}
                  invalid={!!errors.value}
                  onChange={(value) => onChange({ ...step, value })}
                />
              </Field>
            )}
          </div>
        </div>
      );
    case "scale":
      return (
        <div className="space-y-3">
          {columns}
          <Field id={`${idBase}-method`} label="Method" error={errors.method}>
            <select
              id={`${idBase}-method`}
              className={selectClass}
              value={step.method}
              onChange={(e) => onChange({ ...step, method: e.target.value as typeof step.method })}
            >
              <option value="standard">Standard (mean 0, std 1)</option>
              <option value="minmax">Min–max (0 to 1)</option>
            </select>
          </Field>
        </div>
      );
    case "clip":
      return (
        <div className="space-y-3">
          {columns}
          <div className="grid grid-cols-2 gap-3">
            <Field id={`${idBase}-min`} label="Min" optional error={errors.min}>
              <NumberInput
                id={`${idBase}-min`}
                value={step.min}
                onValueChange={(min) => onChange({ ...step, min })}
                aria-invalid={errors.min ? true : undefined}
              />
            </Field>
            <Field id={`${idBase}-max`} label="Max" optional error={errors.max}>
              <NumberInput
                id={`${idBase}-max`}
                value={step.max}
                onValueChange={(max) => onChange({ ...step, max })}
                aria-invalid={errors.max ? true : undefined}
              />
            </Field>
          </div>
        </div>
      );
    case "datepart":
      return (
        <div className="space-y-3">
          <ColumnChecklist
            legend="Columns"
            options={fitting}
            selected={step.columns}
            onChange={(cols) => onChange({ ...step, columns: cols })}
            error={errors.columns}
            emptyText="No datetime column is available."
          />
          <fieldset className="space-y-1.5">
            <legend className="text-xs font-medium text-slate-600">Parts</legend>
            <div className="flex flex-wrap gap-3">
              {DATE_PARTS.map((part) => (
                <label key={part} className="flex items-center gap-1.5 text-sm">
                  <input
                    type="checkbox"
                    className={checkboxClass}
                    checked={step.parts.includes(part)}
                    onChange={(e) =>
                      onChange({
                        ...step,
                        parts: e.target.checked ? DATE_PARTS.filter((p) => p === part || step.parts.includes(p)) : step.parts.filter((p) => p !== part),
                      })
                    }
                  />
                  {PART_LABELS[part]}
                </label>
              ))}
            </div>
            {errors.parts && <p className="text-xs font-medium text-red-600">{errors.parts}</p>}
          </fieldset>
        </div>
      );
    case "lag": {
      const timeOptions = readable.filter((c) => ["datetime", "number", "integer"].includes(c.type));
      return (
        <div className="space-y-3">
          {columns}
          <div className="grid grid-cols-2 gap-3">
            <Field id={`${idBase}-lags`} label="Lags (periods back)" error={errors.lags}>
              <LagsInput id={`${idBase}-lags`} value={step.lags} invalid={!!errors.lags} onChange={(lags) => onChange({ ...step, lags })} />
            </Field>
            <Field id={`${idBase}-time`} label="Time column" error={errors.timeColumn}>
              <select id={`${idBase}-time`} className={selectClass} value={step.timeColumn} onChange={(e) => onChange({ ...step, timeColumn: e.target.value })}>
                <option value="">Choose…</option>
                {timeOptions.map((c) => (
                  <option key={c.name} value={c.name}>
                    {c.name}
                  </option>
                ))}
              </select>
            </Field>
          </div>
          <ColumnChecklist
            legend="Series (group by)"
            options={readable.filter(
              (c) => c.name !== step.timeColumn && !step.columns.includes(c.name) && ["category", "integer", "text", "boolean"].includes(c.type),
            )}
            selected={step.groupBy ?? []}
            onChange={(groupBy) => onChange({ ...step, groupBy: groupBy.length ? groupBy : undefined })}
            error={errors.groupBy}
            emptyText="No column to group by."
          />
        </div>
      );
    }
    case "filter": {
      const needsValue = step.operator !== "isnull" && step.operator !== "notnull";
      return (
        <div className="grid grid-cols-[minmax(0,1.3fr)_minmax(0,1fr)] gap-3">
          <Field id={`${idBase}-column`} label="Column" error={errors.column}>
            <select id={`${idBase}-column`} className={selectClass} value={step.column} onChange={(e) => onChange({ ...step, column: e.target.value })}>
              {!readable.some((c) => c.name === step.column) && <option value={step.column}>{step.column || "Choose…"}</option>}
              {readable.map((c) => (
                <option key={c.name} value={c.name}>
                  {c.name}
                </option>
              ))}
            </select>
          </Field>
          <Field id={`${idBase}-operator`} label="Keep rows where it" error={errors.operator}>
            <select
              id={`${idBase}-operator`}
              className={selectClass}
              value={step.operator}
              onChange={(e) => {
                const operator = e.target.value as typeof step.operator;
                onChange(operator === "isnull" || operator === "notnull" ? { op: "filter", column: step.column, operator } : { ...step, operator });
              }}
            >
              {FILTER_OPERATORS.map((o) => (
                <option key={o} value={o}>
                  {OPERATOR_LABELS[o]} {o === "isnull" || o === "notnull" ? "" : `(${o})`}
                </option>
              ))}
            </select>
          </Field>
          {needsValue && (
            <Field id={`${idBase}-value`} label="Value" error={errors.value} className="col-span-2">
              <ValueInput
                id={`${idBase}-value`}
                value={step.value}
                type={typeOf(readable, step.column)}
                invalid={!!errors.value}
                onChange={(value) => onChange({ ...step, value })}
              />
            </Field>
          )}
        </div>
      );
    }
    default:
      return columns;
  }
}
