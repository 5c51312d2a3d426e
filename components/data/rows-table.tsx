"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { type ReactNode, useState } from "react";
import type { ColumnInfo, RowsPage } from "@/components/api/types";
import { Button } from "@/components/ui/button";
import { DataTable } from "@/components/ui/data-table";
import { ErrorNotice } from "@/components/ui/error-notice";
import { formatCount } from "@/components/ui/format";
import { datasetRowsQuery, type RowsView } from "./queries";
import { RowFilterForm } from "./row-filter-form";
import { nextSort } from "./row-filters";

export interface RowsTableProps {
  datasetId: string;
  /** Column order and types; taken from the first row when not given (then rows can be neither sorted nor filtered). */
  columns?: Pick<ColumnInfo, "name" | "type">[];
  pageSize?: number;
  caption?: string;
}

export const DEFAULT_PAGE_ROWS = 20;

/**
 * A dataset version's rows, a page at a time: a click on a column's name sorts by it (ascending,
 * descending, then file order again) and filters narrow the rows, both done by the server over the
 * whole version, so paging walks the sorted, filtered rows.
 */
export function RowsTable({ datasetId, columns, pageSize = DEFAULT_PAGE_ROWS, caption = "Rows of the dataset" }: RowsTableProps) {
  const [offset, setOffset] = useState(0);
  const [view, setView] = useState<RowsView>({ sort: null, filters: [] });
  const { data, error, isPending, isPlaceholderData, isFetching } = useQuery({
    ...datasetRowsQuery(datasetId, offset, pageSize, view.sort || view.filters.length ? view : undefined),
    placeholderData: keepPreviousData,
  });
  // Another sort or filter starts again at the first page.
  const changeView = (next: RowsView) => {
    setView(next);
    setOffset(0);
  };

  if (isPending && !error) return <TableSkeleton />;

  return (
    <div className="space-y-3">
      {columns && <RowFilterForm columns={columns} filters={view.filters} onChange={(filters) => changeView({ ...view, filters })} />}
      {error ? (
        <ErrorNotice error={error} />
      ) : (
        data && (
          <RowsPageView
            data={data}
            columns={columns}
            view={view}
            caption={caption}
            busy={isPlaceholderData && isFetching}
            onSort={columns ? (column) => changeView({ ...view, sort: nextSort(view.sort, column) }) : undefined}
          />
        )
      )}
      {data && !error && (
        <div className="flex items-center justify-between gap-4 text-sm">
          <p className="text-slate-600" aria-live="polite">
            {pageSummary(data)}
          </p>
          <div className="flex gap-2">
            <Button variant="secondary" size="sm" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - pageSize))}>
              ← Prev
            </Button>
            <Button variant="secondary" size="sm" disabled={offset + pageSize >= (data.matched ?? data.total)} onClick={() => setOffset(offset + pageSize)}>
              Next →
            </Button>
          </div>
        </div>
      )}
    </div>
  );
}

/** "Rows 1–20 of 5,000", or with filters "Rows 1–20 of 37 · 37 of 5,000 rows match". */
export function pageSummary(page: Pick<RowsPage, "offset" | "rows" | "total" | "matched">): string {
  const count = page.matched ?? page.total;
  const first = count === 0 ? 0 : Math.min(page.offset + 1, count);
  const last = Math.min(page.offset + page.rows.length, count);
  const range = `Rows ${formatCount(first)}–${formatCount(last)} of ${formatCount(count)}`;
  return page.matched === undefined ? range : `${range} · ${formatCount(page.matched)} of ${formatCount(page.total)} rows match`;
}

interface RowsPageViewProps {
  data: RowsPage;
  columns?: Pick<ColumnInfo, "name" | "type">[];
  view: RowsView;
  caption: string;
  busy: boolean;
  onSort?: (column: string) => void;
}

function RowsPageView({ data, columns, view, caption, busy, onSort }: RowsPageViewProps) {
  if (data.total === 0) return <EmptyRows>This version has no rows.</EmptyRows>;
  if (data.matched === 0) return <EmptyRows>No rows match these filters.</EmptyRows>;
  const cols = columns ?? Object.keys(data.rows[0] ?? {}).map((name) => ({ name, type: undefined }));
  return <DataTable columns={cols} rows={data.rows} rowNumbers={data.rowNumbers} caption={caption} busy={busy} sort={view.sort} onSort={onSort} />;
}

function EmptyRows({ children }: { children: ReactNode }) {
  return <p className="rounded-lg border border-dashed border-slate-300 px-4 py-8 text-center text-sm text-slate-500">{children}</p>;
}

export interface TableSkeletonProps {
  rows?: number;
}

export function TableSkeleton({ rows = 6 }: TableSkeletonProps) {
  return (
    <div className="animate-pulse space-y-2 rounded-lg border border-slate-200 bg-white p-4" role="status" aria-busy="true" aria-label="Loading">
      {Array.from({ length: rows }, (_, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: placeholder bars, alike and never reordered
        <div key={i} className="h-4 rounded bg-slate-100" />
      ))}
    </div>
  );
}
