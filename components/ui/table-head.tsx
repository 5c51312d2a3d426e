import type { ReactNode } from "react";

/** A column heading: its name, or its name with a padding of its own or right alignment (for numbers). */
export type TableColumn = string | { label: string; cellClass?: string; right?: boolean };

export interface TableHeadProps {
  columns: readonly TableColumn[];
  /** Padding of each header cell. */
  cellClass: string;
  className?: string;
  /** A last header cell (for an actions column, say). */
  trailing?: ReactNode;
}

/** A table's header row of column names. */
export function TableHead({ columns, cellClass, className = "", trailing }: TableHeadProps) {
  return (
    <thead className={`text-left text-xs text-slate-500 ${className}`}>
      <tr>
        {columns.map((column) => {
          const c = typeof column === "string" ? { label: column } : column;
          return (
            <th key={c.label} scope="col" className={`${c.cellClass ?? cellClass} ${c.right ? "text-right " : ""}font-medium`}>
              {c.label}
            </th>
          );
        })}
        {trailing}
      </tr>
    </thead>
  );
}
