import type { ReactNode } from "react";

/** What a list shows before it has anything: a title, a sentence on how to start, and perhaps an action. */
export function EmptyState({ title, children }: { title: string; children: ReactNode }) {
  return (
    <div className="rounded-xl border border-dashed border-slate-300 bg-white px-6 py-12 text-center">
      <p className="font-medium text-slate-800">{title}</p>
      {children}
    </div>
  );
}
