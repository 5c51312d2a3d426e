"use client";

import { type FormEvent, useId, useState } from "react";
import type { ColumnInfo } from "@/components/api/types";
import { Button } from "@/components/ui/button";
import { controlClass } from "@/components/ui/styles";
import { type FilterOp, MAX_ROW_FILTERS, OP_LABELS, OPS_BY_TYPE, type RowFilter, takesValue } from "@/lib/data/row-query";
import { describeFilter, filterValueOf } from "./row-filters";

export interface RowFilterFormProps {
  columns: Pick<ColumnInfo, "name" | "type">[];
  /** The filters in force; all of them hold for every row shown. */
  filters: RowFilter[];
  onChange: (filters: RowFilter[]) => void;
}

const labelClass = "block text-xs font-medium text-slate-600";

/** Filters on the rows, applied by the server: a form that adds one (column, condition, value) and the ones in force, each removable. */
export function RowFilterForm({ columns, filters, onChange }: RowFilterFormProps) {
  const id = useId();
  const [columnName, setColumnName] = useState(columns[0]?.name ?? "");
  const column = columns.find((c) => c.name === columnName) ?? columns[0];
  const ops = column ? OPS_BY_TYPE[column.type] : [];
  const [chosenOp, setOp] = useState<FilterOp>("==");
  const op = ops.includes(chosenOp) ? chosenOp : ops[0];
  const [text, setText] = useState("");
  const [error, setError] = useState<string | null>(null);
  const full = filters.length >= MAX_ROW_FILTERS;

  if (!column) return null;

  const add = (e: FormEvent) => {
    e.preventDefault();
    if (!takesValue(op)) {
      onChange([...filters, { column: column.name, op }]);
      return;
    }
    const read = filterValueOf(column.type, column.type === "boolean" ? text || "true" : text);
    if ("error" in read) {
      setError(read.error);
      return;
    }
    setError(null);
    setText("");
    onChange([...filters, { column: column.name, op, value: read.value }]);
  };

  const valueId = `${id}-value`;
  return (
    <div className="space-y-2">
      <form onSubmit={add} aria-label="Add a filter" className="flex flex-wrap items-end gap-2">
        <div className="space-y-1">
          <label htmlFor={`${id}-column`} className={labelClass}>
            Filter by
          </label>
          <select
            id={`${id}-column`}
            className={`${controlClass} h-9 w-44 pr-8`}
            value={column.name}
            onChange={(e) => {
              setColumnName(e.target.value);
              setText("");
              setError(null);
            }}
          >
            {columns.map((c) => (
              <option key={c.name} value={c.name}>
                {c.name}
              </option>
            ))}
          </select>
        </div>
        <div className="space-y-1">
          <label htmlFor={`${id}-op`} className={labelClass}>
            Condition
          </label>
          <select id={`${id}-op`} className={`${controlClass} h-9 w-36 pr-8`} value={op} onChange={(e) => setOp(e.target.value as FilterOp)}>
            {ops.map((o) => (
              <option key={o} value={o}>
                {OP_LABELS[o]}
              </option>
            ))}
          </select>
        </div>
        {takesValue(op) && (
          <div className="space-y-1">
            <label htmlFor={valueId} className={labelClass}>
              Value
            </label>
            {column.type === "boolean" ? (
              <select id={valueId} className={`${controlClass} h-9 w-28 pr-8`} value={text || "true"} onChange={(e) => setText(e.target.value)}>
                <option value="true">true</option>
                <option value="false">false</option>
              </select>
            ) : (
              <input
                id={valueId}
                className={`${controlClass} h-9 w-48`}
                value={text}
                inputMode={column.type === "number" || column.type === "integer" ? "decimal" : undefined}
                placeholder={column.type === "datetime" ? "2024-01-31" : undefined}
                aria-invalid={error ? true : undefined}
                aria-describedby={error ? `${valueId}-error` : undefined}
                onChange={(e) => {
                  setText(e.target.value);
                  setError(null);
                }}
              />
            )}
          </div>
        )}
        <Button type="submit" variant="secondary" disabled={full} title={full ? `At most ${MAX_ROW_FILTERS} filters` : undefined}>
          Add filter
        </Button>
      </form>
      {error && (
        <p id={`${valueId}-error`} className="text-xs font-medium text-red-600">
          {error}
        </p>
      )}
      {filters.length > 0 && (
        <div className="flex flex-wrap items-center gap-2">
          <ul aria-label="Filters in force" className="flex flex-wrap gap-2">
            {filters.map((f, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: the same filter may be added twice; a filter is its place in the list
              <li key={i} className="inline-flex items-center gap-1 rounded-full bg-indigo-50 py-0.5 pr-1 pl-3 text-xs text-indigo-900">
                <span className="whitespace-pre">{describeFilter(f)}</span>
                <button
                  type="button"
                  aria-label={`Remove filter ${describeFilter(f)}`}
                  className="rounded-full px-1.5 text-indigo-700 hover:bg-indigo-100"
                  onClick={() => onChange(filters.filter((_, j) => j !== i))}
                >
                  ×
                </button>
              </li>
            ))}
          </ul>
          {filters.length > 1 && (
            <Button variant="ghost" size="sm" onClick={() => onChange([])}>
              Clear filters
            </Button>
          )}
        </div>
      )}
    </div>
  );
}
