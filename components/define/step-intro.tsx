import type { ReactNode } from "react";

export interface StepIntroProps {
  title: string;
  /** The heading's id, for the section it labels. */
  id?: string;
  children?: ReactNode;
  actions?: ReactNode;
}

/** The heading of a step's page and a sentence on what the step is for. */
export function StepIntro({ title, id, children, actions }: StepIntroProps) {
  return (
    <div className="mb-5 flex flex-wrap items-end justify-between gap-3">
      <div>
        <h2 id={id} className="text-lg font-semibold">
          {title}
        </h2>
        {children && <p className="mt-1 max-w-3xl text-sm text-slate-600">{children}</p>}
      </div>
      {actions}
    </div>
  );
}
