import { STEPS, type StepKey, type StepState } from "@/lib/define/tasks";
import { STEP_STATE_META } from "./step-state";

export interface StepStripProps {
  steps: Record<StepKey, StepState>;
  notes?: Partial<Record<StepKey, string>>;
}

/** Six segments, one per step of the loop, with the count of steps done. */
export function StepStrip({ steps, notes = {} }: StepStripProps) {
  const done = STEPS.filter((s) => steps[s.key] === "done").length;
  return (
    <div>
      <ol className="grid grid-cols-6 gap-1" aria-label="Progress through the six steps">
        {STEPS.map((s) => {
          const meta = STEP_STATE_META[steps[s.key]];
          const note = notes[s.key];
          const text = `${s.label}: ${meta.label}${note ? ` — ${note}` : ""}`;
          return (
            <li key={s.key} title={text} data-step={s.key} data-state={steps[s.key]}>
              <span className={`block h-1.5 rounded-full ${meta.bar}`} aria-hidden />
              <span className="mt-1 flex items-center gap-1 truncate text-[11px] text-slate-500">
                <span
                  aria-hidden
                  className={steps[s.key] === "attention" ? "font-bold text-amber-600" : steps[s.key] === "done" ? "text-emerald-600" : "text-slate-400"}
                >
                  {meta.icon}
                </span>
                <span className="truncate">{s.label}</span>
                <span className="sr-only">
                  : {meta.label}
                  {note ? ` — ${note}` : ""}
                </span>
              </span>
            </li>
          );
        })}
      </ol>
      <p className="mt-2 text-xs font-medium text-slate-600">{done} of 6 steps done</p>
    </div>
  );
}
