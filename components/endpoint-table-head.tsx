import type { ReactNode } from "react";

export interface TableHeadProps {
  columns: readonly string[];
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
        {columns.map((c) => (
          <th key={c} scope="col" className={`${cellClass} font-medium`}>
            {c}
          </th>
        ))}
        {trailing}
      </tr>
    </thead>
  );
}
