import type { Row } from "@/components/api/types";
import { CellValue, isNumericType } from "./cell-value";

export interface DataTableColumn {
  name: string;
  type?: string;
  /** A small note under the name (e.g. "target"). */
  note?: string;
}

export interface DataTableProps {
  columns: DataTableColumn[];
  rows: Row[];
  caption: string;
  /** The index shown in the first column for the first row (1-based). */
  firstRowNumber?: number;
  round?: boolean;
  busy?: boolean;
}

/** A scrollable table of rows; column names are shown exactly as they are in the data. */
export function DataTable({ columns, rows, caption, firstRowNumber = 1, round, busy }: DataTableProps) {
  return (
    <div className={`overflow-auto rounded-lg border border-slate-200 bg-white transition-opacity ${busy ? "opacity-60" : ""}`} aria-busy={busy || undefined}>
      <table className="min-w-full border-collapse text-sm">
        <caption className="sr-only">{caption}</caption>
        <thead className="sticky top-0 bg-slate-50">
          <tr>
            <th scope="col" className="w-10 border-b border-slate-200 px-3 py-2 text-right text-xs font-medium text-slate-400">
              #
            </th>
            {columns.map((c) => (
              <th
                key={c.name}
                scope="col"
                className={`border-b border-slate-200 px-3 py-2 align-bottom font-medium whitespace-pre text-slate-700 ${isNumericType(c.type) ? "text-right" : "text-left"}`}
              >
                <span>{c.name}</span>
                {(c.type || c.note) && <span className="block text-[11px] font-normal text-slate-400">{[c.type, c.note].filter(Boolean).join(" · ")}</span>}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: rows have no id; a row is its place in the page
            <tr key={i} className="odd:bg-white even:bg-slate-50/60 hover:bg-indigo-50/40">
              <td className="border-b border-slate-100 px-3 py-1.5 text-right text-xs tabular-nums text-slate-400">{firstRowNumber + i}</td>
              {columns.map((c) => (
                <td
                  key={c.name}
                  className={`max-w-xs truncate border-b border-slate-100 px-3 py-1.5 whitespace-nowrap ${isNumericType(c.type) ? "text-right tabular-nums" : ""}`}
                >
                  <CellValue value={row[c.name]} type={c.type} round={round} />
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
