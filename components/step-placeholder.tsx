import { STEPS, type StepKey, type StepState } from "@/lib/define/tasks";
import { StepIntro } from "./step-intro";
import { StepStateBadge } from "./step-state";
import { cardClass } from "./styles";

export interface StepPlaceholderProps {
  step: StepKey;
  state: StepState;
  note?: string;
  /** What the step will hold once it is built. */
  holds: string[];
}

/** A step this build does not offer yet: its state and what it will hold, without pretend controls. */
export function StepPlaceholder({ step, state, note, holds }: StepPlaceholderProps) {
  const info = STEPS.find((s) => s.key === step)!;
  return (
    <section aria-labelledby={`${step}-heading`}>
      <StepIntro id={`${step}-heading`} title={info.label} actions={<StepStateBadge state={state} />}>
        {info.blurb}.
      </StepIntro>
      <div className={`${cardClass} max-w-3xl p-6`}>
        <p className="rounded-md bg-slate-100 px-3 py-2 text-sm font-medium text-slate-700">Not available yet in this build.</p>
        {note && <p className="mt-3 text-sm text-slate-600">{note}</p>}
        <h3 className="mt-5 text-sm font-semibold text-slate-900">What this step will hold</h3>
        <ul className="mt-2 list-disc space-y-1 pl-5 text-sm text-slate-600">
          {holds.map((h) => (
            <li key={h}>{h}</li>
          ))}
        </ul>
      </div>
    </section>
  );
}
