import type { ReactNode } from "react";
import { cardClass } from "./styles";
import { TableHead } from "./table-head";

export interface CardTableProps {
  /** The table's accessible name. */
  label: string;
  columns: readonly string[];
  /** The width below which the card scrolls sideways (a Tailwind `min-w-…` class). */
  minWidthClass: string;
  /** The rows, each ending with its actions cell. */
  children: ReactNode;
}

/** A card holding a table of items, with a last, unnamed column for each row's actions (people, invites, tokens). */
export function CardTable({ label, columns, minWidthClass, children }: CardTableProps) {
  return (
    <div className={`${cardClass} overflow-x-auto`}>
      <table className={`w-full ${minWidthClass} text-sm`} aria-label={label}>
        <TableHead
          columns={columns}
          cellClass="px-3 py-2"
          className="bg-slate-50"
          trailing={
            <th scope="col" className="px-3 py-2 text-right font-medium">
              <span className="sr-only">Actions</span>
            </th>
          }
        />
        <tbody className="divide-y divide-slate-100">{children}</tbody>
      </table>
    </div>
  );
}
