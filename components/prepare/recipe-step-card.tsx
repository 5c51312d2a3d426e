"use client";

import type { RecipeStep } from "@/components/api/types";
import { Button } from "@/components/ui/button";
import type { ColumnOption } from "./column-checklist";
import { OP_HINTS, OP_LABELS } from "./recipe-ops";
import { RecipeStepFields } from "./recipe-step-fields";

export interface RecipeStepCardProps {
  index: number;
  count: number;
  step: RecipeStep;
  stepKey: number;
  available: ColumnOption[];
  readable: ColumnOption[];
  target: string;
  errors: { field: string; message: string }[];
  onChange: (step: RecipeStep) => void;
  onMove: (delta: -1 | 1) => void;
  onRemove: () => void;
}

/** Fields whose message the step's form shows beside the control itself. */
const INLINE_FIELDS = new Set(["strategy", "value", "method", "min", "max", "lags", "timeColumn", "column", "operator"]);

/** One step of the recipe: what it does, its settings, and the server's objections to it. */
export function RecipeStepCard({ index, count, step, stepKey, available, readable, target, errors, onChange, onMove, onRemove }: RecipeStepCardProps) {
  const n = index + 1;
  const byField: Record<string, string> = {};
  for (const e of errors) byField[e.field || "step"] ??= e.message;
  const listed = errors.filter((e) => !INLINE_FIELDS.has(e.field));
  return (
    <li
      aria-label={`Step ${n}: ${OP_LABELS[step.op]}`}
      className={`rounded-lg border bg-white p-3 shadow-xs ${errors.length ? "border-red-300 ring-1 ring-red-200" : "border-slate-200"}`}
    >
      <div className="mb-2 flex items-start justify-between gap-2">
        <div className="min-w-0">
          <p className="text-sm font-semibold text-slate-900">
            <span className="mr-1.5 inline-grid size-5 place-items-center rounded-full bg-slate-100 text-[11px] text-slate-600">{n}</span>
            {OP_LABELS[step.op]}
          </p>
          <p className="mt-0.5 text-xs text-slate-500">{OP_HINTS[step.op]}</p>
        </div>
        <div className="flex shrink-0 gap-0.5">
          <Button variant="ghost" size="sm" aria-label={`Move step ${n} up`} title="Move up" disabled={index === 0} onClick={() => onMove(-1)}>
            ↑
          </Button>
          <Button variant="ghost" size="sm" aria-label={`Move step ${n} down`} title="Move down" disabled={index === count - 1} onClick={() => onMove(1)}>
            ↓
          </Button>
          <Button variant="ghost" size="sm" aria-label={`Remove step ${n}`} title="Remove" onClick={onRemove} className="hover:text-red-700">
            ✕
          </Button>
        </div>
      </div>
      <RecipeStepFields step={step} onChange={onChange} idBase={`step-${stepKey}`} available={available} readable={readable} target={target} errors={byField} />
      {listed.length > 0 && (
        <ul role="alert" className="mt-2 space-y-0.5 text-xs font-medium text-red-600">
          {listed.map((e, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: one check's errors, shown in order and never reordered
            <li key={i}>
              {e.field ? `${e.field}: ` : ""}
              {e.message}
            </li>
          ))}
        </ul>
      )}
    </li>
  );
}
