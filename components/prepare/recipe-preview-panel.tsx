"use client";

import type { RecipePreview } from "@/components/api/types";
import { TypeBadge } from "@/components/ui/cell-value";
import { DataTable } from "@/components/ui/data-table";
import { formatCount } from "@/components/ui/format";
import { SplitBar } from "./split-bar";

export interface RecipePreviewPanelProps {
  preview: RecipePreview | undefined;
  /** A newer recipe is being previewed. */
  updating: boolean;
  /** The current recipe has problems: the preview shown is of an earlier one. */
  stale: boolean;
  /** Why there is no preview yet. */
  emptyText?: string;
}

/** What the recipe makes of the data: split sizes, the feature columns and the first rows. */
export function RecipePreviewPanel({ preview, updating, stale, emptyText }: RecipePreviewPanelProps) {
  if (!preview) {
    return (
      <div className="rounded-lg border border-dashed border-slate-300 px-4 py-12 text-center text-sm text-slate-500" aria-busy={updating || undefined}>
        {updating ? "Computing the preview…" : (emptyText ?? "The preview appears here.")}
      </div>
    );
  }
  const derived = preview.columns.filter((c) => c.name !== c.source);
  return (
    <div className={`space-y-5 transition-opacity ${stale ? "opacity-50" : ""}`} aria-busy={updating || undefined}>
      <section aria-labelledby="preview-split-heading">
        <h4 id="preview-split-heading" className="mb-2 text-sm font-semibold">
          Split
        </h4>
        <SplitBar split={preview.split} />
        <p className="mt-1 text-xs text-slate-500">
          Fitted on the {formatCount(preview.fittedOnRows)} training rows only{preview.sampled ? " (of a sample: the data is large)" : ""}.
        </p>
      </section>
      <section aria-labelledby="preview-columns-heading">
        <h4 id="preview-columns-heading" className="mb-2 text-sm font-semibold">
          Feature columns{" "}
          <span className="font-normal text-slate-500">
            ({preview.columns.length}, predicting {preview.target})
          </span>
        </h4>
        <ul className="flex flex-wrap gap-1.5" aria-label="Feature columns">
          {preview.columns.map((c) => (
            <li
              key={c.name}
              title={c.name === c.source ? "from the data" : `derived from ${c.source}`}
              className={`flex items-center gap-1.5 rounded-md border px-2 py-1 text-xs ${c.name === c.source ? "border-slate-200 bg-white" : "border-indigo-200 bg-indigo-50"}`}
            >
              <span className="font-medium whitespace-pre">{c.name}</span>
              <TypeBadge type={c.type} />
            </li>
          ))}
        </ul>
        {derived.length > 0 && <p className="mt-1.5 text-xs text-slate-500">Highlighted columns are made by the steps.</p>}
      </section>
      <section aria-labelledby="preview-rows-heading">
        <h4 id="preview-rows-heading" className="mb-2 text-sm font-semibold">
          First {preview.rows.length} rows after the recipe
        </h4>
        <DataTable
          caption="Rows after the recipe"
          columns={[...preview.columns.map((c) => ({ name: c.name, type: c.type })), { name: preview.target, note: "target" }]}
          rows={preview.rows}
          round
        />
      </section>
    </div>
  );
}
