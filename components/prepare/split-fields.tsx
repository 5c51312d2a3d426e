"use client";

import type { SplitSpec } from "@/components/api/types";
import { Field } from "@/components/ui/field";
import { NumberInput } from "@/components/ui/number-input";
import { selectClass } from "@/components/ui/styles";
import type { ColumnOption } from "./column-checklist";

export interface SplitFieldsProps {
  split: SplitSpec;
  onChange: (split: SplitSpec) => void;
  /** Columns a time split can order by. */
  timeColumns: ColumnOption[];
  errors: Record<string, string>;
}

/** How rows are divided into training, validation and test sets. */
export function SplitFields({ split, onChange, timeColumns, errors }: SplitFieldsProps) {
  return (
    <div className="grid grid-cols-2 gap-3">
      <Field id="split-method" label="Method" error={errors.method}>
        <select
          id="split-method"
          className={selectClass}
          value={split.method}
          onChange={(e) => {
            const method = e.target.value as SplitSpec["method"];
            onChange(
              method === "time"
                ? { ...split, method, seed: undefined, timeColumn: split.timeColumn ?? timeColumns[0]?.name }
                : { ...split, method, timeColumn: undefined },
            );
          }}
        >
          <option value="random">Random</option>
          <option value="time">By time (latest rows held out)</option>
        </select>
      </Field>
      {split.method === "time" ? (
        <Field id="split-time" label="Time column" error={errors.timeColumn}>
          <select
            id="split-time"
            className={selectClass}
            value={split.timeColumn ?? ""}
            onChange={(e) => onChange({ ...split, timeColumn: e.target.value || undefined })}
          >
            <option value="">Choose…</option>
            {timeColumns.map((c) => (
              <option key={c.name} value={c.name}>
                {c.name}
              </option>
            ))}
          </select>
        </Field>
      ) : (
        <Field id="split-seed" label="Seed" optional error={errors.seed}>
          <NumberInput
            id="split-seed"
            value={split.seed}
            onValueChange={(seed) => onChange({ ...split, seed })}
            aria-invalid={errors.seed ? true : undefined}
          />
        </Field>
      )}
      <Field id="split-validation" label="Validation share" error={errors.validation} hint="e.g. 0.2 for 20%">
        <NumberInput
          id="split-validation"
          value={split.validation}
          onValueChange={(v) => onChange({ ...split, validation: v ?? Number.NaN })}
          aria-invalid={errors.validation ? true : undefined}
        />
      </Field>
      <Field id="split-test" label="Test share" optional error={errors.test}>
        <NumberInput id="split-test" value={split.test} onValueChange={(test) => onChange({ ...split, test })} aria-invalid={errors.test ? true : undefined} />
      </Field>
    </div>
  );
}
