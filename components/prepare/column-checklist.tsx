"use client";

import type { ColumnType } from "@/components/api/types";
import { checkboxClass } from "@/components/ui/styles";

export interface ColumnOption {
  name: string;
  type: ColumnType;
}

export interface ColumnChecklistProps {
  legend: string;
  options: ColumnOption[];
  selected: string[];
  onChange: (selected: string[]) => void;
  error?: string;
  /** Shown when no column fits. */
  emptyText?: string;
}

/** A multi-select of columns as checkboxes; selected columns that no longer fit stay visible. */
export function ColumnChecklist({ legend, options, selected, onChange, error, emptyText = "No column fits this step." }: ColumnChecklistProps) {
  const known = new Set(options.map((o) => o.name));
  const all = [...options, ...selected.filter((s) => !known.has(s)).map((name) => ({ name, type: "unavailable" }))];
  const toggle = (name: string, on: boolean) => onChange(on ? [...selected, name] : selected.filter((s) => s !== name));
  return (
    <fieldset className="space-y-1.5">
      <legend className="text-xs font-medium text-slate-600">{legend}</legend>
      {all.length === 0 ? (
        <p className="text-xs text-slate-400">{emptyText}</p>
      ) : (
        <div className={`flex max-h-40 flex-wrap gap-1.5 overflow-y-auto rounded-md ${error ? "ring-1 ring-red-300" : ""}`}>
          {all.map((o) => {
            const checked = selected.includes(o.name);
            return (
              <label
                key={o.name}
                className={`flex cursor-pointer items-center gap-1.5 rounded-md border px-2 py-1 text-xs transition-colors ${
                  checked ? "border-indigo-300 bg-indigo-50 text-indigo-900" : "border-slate-200 bg-white text-slate-700 hover:bg-slate-50"
                }`}
              >
                <input type="checkbox" className={checkboxClass} checked={checked} onChange={(e) => toggle(o.name, e.target.checked)} />
                <span className="whitespace-pre">{o.name}</span>
                <span className={o.type === "unavailable" ? "text-red-500" : "text-slate-400"}>{o.type}</span>
              </label>
            );
          })}
        </div>
      )}
    </fieldset>
  );
}
