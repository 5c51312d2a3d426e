import type { Cell } from "./api-types";

export interface CellValueProps {
  value: Cell | undefined;
  /** Round long decimals (for transformed values); raw data is shown as stored. */
  round?: boolean;
}

const ROUNDED = new Intl.NumberFormat("en-US", { maximumFractionDigits: 4, useGrouping: false });

/** One table cell's content: missing values are marked, not left blank. */
export function CellValue({ value, round }: CellValueProps) {
  if (value === null || value === undefined) return <span className="text-xs italic text-slate-400">null</span>;
  if (typeof value === "boolean") return <span className="font-mono text-xs">{String(value)}</span>;
  if (typeof value === "number") return <>{round && !Number.isInteger(value) ? ROUNDED.format(value) : String(value)}</>;
  return <>{value}</>;
}

export const isNumericType = (type: string | undefined) => type === "number" || type === "integer";
