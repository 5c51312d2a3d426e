import type { ReactNode } from "react";
import type { DatasetVersion } from "@/components/api/types";
import { formatCount } from "@/components/ui/format";

export interface DatasetCreatedProps {
  dataset: DatasetVersion;
  /** What the page offers next (attach, open). */
  action?: ReactNode;
  onAnother: () => void;
  verb?: string;
}

/** What a successful upload or import produced, and what to do with it. */
export function DatasetCreated({ dataset: d, action, onAnother, verb = "Uploaded" }: DatasetCreatedProps) {
  return (
    <div role="status" className="rounded-lg border border-emerald-200 bg-emerald-50 p-4 text-sm text-emerald-900">
      <p className="font-semibold">
        {verb} {d.name} v{d.version}: {formatCount(d.rowCount)} rows, {d.columns.length} columns
      </p>
      <ul className="mt-2 flex flex-wrap gap-1.5" aria-label="Columns">
        {d.columns.map((c) => (
          <li key={c.name} className="rounded bg-white/80 px-1.5 py-0.5 text-xs text-emerald-900 ring-1 ring-emerald-200">
            <span className="whitespace-pre">{c.name}</span> <span className="text-emerald-700/70">{c.type}</span>
          </li>
        ))}
      </ul>
      <div className="mt-3 flex flex-wrap items-center gap-2">
        {action}
        <button type="button" onClick={onAnother} className="text-sm font-medium text-emerald-800 underline-offset-2 hover:underline">
          Add another file
        </button>
      </div>
    </div>
  );
}
