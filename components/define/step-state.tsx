import type { StepState } from "@/lib/define/tasks";

/** How each state reads: a word, a symbol and colours, so colour is never the only signal. */
export const STEP_STATE_META: Record<StepState, { label: string; icon: string; badge: string; bar: string }> = {
  done: { label: "Done", icon: "✓", badge: "bg-emerald-50 text-emerald-700 ring-emerald-600/20", bar: "bg-emerald-500" },
  attention: { label: "Needs attention", icon: "!", badge: "bg-amber-50 text-amber-800 ring-amber-600/30", bar: "bg-amber-400" },
  "not-started": { label: "Not started", icon: "○", badge: "bg-slate-50 text-slate-500 ring-slate-400/30", bar: "bg-slate-200" },
};

export interface StepStateBadgeProps {
  state: StepState;
  /** Hide the word and keep the symbol (the word stays for screen readers). */
  compact?: boolean;
  title?: string;
}

export function StepStateBadge({ state, compact, title }: StepStateBadgeProps) {
  const meta = STEP_STATE_META[state];
  return (
    <span title={title ?? meta.label} className={`inline-flex items-center gap-1 rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${meta.badge}`}>
      <span aria-hidden>{meta.icon}</span>
      <span className={compact ? "sr-only" : ""}>{meta.label}</span>
    </span>
  );
}
