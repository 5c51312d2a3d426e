import type { Row } from "@/components/api/types";
import { CellValue, isNumericType } from "./cell-value";

export interface DataTableColumn {
  name: string;
  type?: string;
  /** A small note under the name (e.g. "target"). */
  note?: string;
}

export interface DataTableSort {
  column: string;
  descending: boolean;
}

export interface DataTableProps {
  columns: DataTableColumn[];
  rows: Row[];
  caption: string;
  /** The index shown in the first column for the first row (1-based). */
  firstRowNumber?: number;
  /** Each row's number (from 0) where rows are not consecutive (sorted or filtered); shown 1-based. */
  rowNumbers?: readonly number[];
  round?: boolean;
  busy?: boolean;
  /** The column the rows are sorted by, shown in its header (`aria-sort`). */
  sort?: DataTableSort | null;
  /** Makes each column's name a button that asks for another sort. */
  onSort?: (column: string) => void;
}

/** A scrollable table of rows; column names are shown exactly as they are in the data. */
export function DataTable({ columns, rows, caption, firstRowNumber = 1, rowNumbers, round, busy, sort, onSort }: DataTableProps) {
  return (
    <div className={`overflow-auto rounded-lg border border-slate-200 bg-white transition-opacity ${busy ? "opacity-60" : ""}`} aria-busy={busy || undefined}>
      <table className="min-w-full border-collapse text-sm">
        <caption className="sr-only">{caption}</caption>
        <thead className="sticky top-0 bg-slate-50">
          <tr>
            <th scope="col" className="w-10 border-b border-slate-200 px-3 py-2 text-right text-xs font-medium text-slate-400">
              #
            </th>
            {columns.map((c) => {
              const sorted = sort?.column === c.name ? sort : null;
              return (
                <th
                  key={c.name}
                  scope="col"
                  aria-sort={sorted ? (sorted.descending ? "descending" : "ascending") : undefined}
                  className={`border-b border-slate-200 px-3 py-2 align-bottom font-medium whitespace-pre text-slate-700 ${isNumericType(c.type) ? "text-right" : "text-left"}`}
                >
                  {onSort ? (
                    <button
                      type="button"
                      onClick={() => onSort(c.name)}
                      className={`inline-flex items-center gap-1 rounded font-medium whitespace-pre hover:text-indigo-700 focus-visible:outline-2 focus-visible:outline-indigo-500 ${sorted ? "text-indigo-700" : ""}`}
                    >
                      <span>{c.name}</span>
                      <SortMark state={sorted ? (sorted.descending ? "descending" : "ascending") : "none"} />
                    </button>
                  ) : (
                    <span>{c.name}</span>
                  )}
                  {(c.type || c.note) && <span className="block text-[11px] font-normal text-slate-400">{[c.type, c.note].filter(Boolean).join(" · ")}</span>}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {rows.map((row, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: rows have no id; a row is its place in the page
            <tr key={i} className="odd:bg-white even:bg-slate-50/60 hover:bg-indigo-50/40">
              <td className="border-b border-slate-100 px-3 py-1.5 text-right text-xs tabular-nums text-slate-400">
                {rowNumbers ? rowNumbers[i] + 1 : firstRowNumber + i}
              </td>
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

export interface SortMarkProps {
  state: "ascending" | "descending" | "none";
}

/** A header's sort state as an arrow (an unsorted column's faint pair says it can be sorted); the state itself is the header's aria-sort. */
function SortMark({ state }: SortMarkProps) {
  return (
    <svg
      viewBox="0 0 10 14"
      aria-hidden="true"
      className={`h-3.5 w-2.5 shrink-0 ${state === "none" ? "text-slate-300" : "text-indigo-600"}`}
      fill="currentColor"
    >
      {state !== "descending" && <path d="M5 1 9 6H1z" />}
      {state !== "ascending" && <path d="M5 13 1 8h8z" />}
    </svg>
  );
}
