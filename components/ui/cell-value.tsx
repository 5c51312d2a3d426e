import type { Cell } from "@/components/api/types";

export interface CellValueProps {
  value: Cell | undefined;
  /** The column type; datetimes read shorter than their ISO form. */
  type?: string;
  /** Round long decimals (for transformed values); raw data is shown as stored. */
  round?: boolean;
}

const ROUNDED = new Intl.NumberFormat("en-US", { maximumFractionDigits: 4, useGrouping: false });

/** "2024-01-31T00:00:00.000Z" → "2024-01-31"; other times keep their clock, in UTC. */
export function shortDatetime(iso: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}(?::\d{2})?)(?:\.\d+)?Z$/.exec(iso);
  if (!m) return iso;
  return m[2] === "00:00" || m[2] === "00:00:00" ? m[1] : `${m[1]} ${m[2]}`;
}

/** One table cell's content: missing values are marked, not left blank. */
export function CellValue({ value, type, round }: CellValueProps) {
  if (value === null || value === undefined) return <span className="text-xs italic text-slate-400">null</span>;
  if (typeof value === "boolean") return <span className="font-mono text-xs">{String(value)}</span>;
  if (typeof value === "number") return <>{round && !Number.isInteger(value) ? ROUNDED.format(value) : String(value)}</>;
  if (type === "datetime") return <span title={value}>{shortDatetime(value)}</span>;
  return <>{value}</>;
}

export const isNumericType = (type: string | undefined) => type === "number" || type === "integer";

const TYPE_STYLES: Record<string, string> = {
  number: "bg-sky-50 text-sky-700",
  integer: "bg-sky-50 text-sky-700",
  category: "bg-teal-50 text-teal-700",
  boolean: "bg-violet-50 text-violet-700",
  datetime: "bg-amber-50 text-amber-800",
  text: "bg-slate-100 text-slate-700",
};

export interface TypeBadgeProps {
  type: string;
}

/** A column's type (number, category, datetime, …) as a coloured badge. */
export function TypeBadge({ type }: TypeBadgeProps) {
  return <span className={`rounded px-1.5 py-0.5 text-[11px] font-medium ${TYPE_STYLES[type] ?? TYPE_STYLES.text}`}>{type}</span>;
}
