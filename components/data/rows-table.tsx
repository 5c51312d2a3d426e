"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import type { ColumnInfo } from "@/components/api/types";
import { Button } from "@/components/ui/button";
import { DataTable } from "@/components/ui/data-table";
import { ErrorNotice } from "@/components/ui/error-notice";
import { formatCount } from "@/components/ui/format";
import { datasetRowsQuery } from "./queries";

export interface RowsTableProps {
  datasetId: string;
  /** Column order and types; taken from the first row when not given. */
  columns?: Pick<ColumnInfo, "name" | "type">[];
  pageSize?: number;
  caption?: string;
}

export const DEFAULT_PAGE_ROWS = 20;

/** A dataset version's rows, a page at a time. */
export function RowsTable({ datasetId, columns, pageSize = DEFAULT_PAGE_ROWS, caption = "Rows of the dataset" }: RowsTableProps) {
  const [offset, setOffset] = useState(0);
  const { data, error, isPending, isPlaceholderData, isFetching } = useQuery({
    ...datasetRowsQuery(datasetId, offset, pageSize),
    placeholderData: keepPreviousData,
  });

  if (error) return <ErrorNotice error={error} />;
  if (isPending) return <TableSkeleton />;

  const total = data.total;
  const cols = columns ?? Object.keys(data.rows[0] ?? {}).map((name) => ({ name, type: undefined }));
  const first = total === 0 ? 0 : offset + 1;
  const last = Math.min(offset + data.rows.length, total);

  return (
    <div className="space-y-3">
      {total === 0 ? (
        <p className="rounded-lg border border-dashed border-slate-300 px-4 py-8 text-center text-sm text-slate-500">This version has no rows.</p>
      ) : (
        <DataTable columns={cols} rows={data.rows} caption={caption} firstRowNumber={offset + 1} busy={isPlaceholderData && isFetching} />
      )}
      <div className="flex items-center justify-between gap-4 text-sm">
        <p className="text-slate-600" aria-live="polite">
          Rows {formatCount(first)}–{formatCount(last)} of {formatCount(total)}
        </p>
        <div className="flex gap-2">
          <Button variant="secondary" size="sm" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - pageSize))}>
            ← Prev
          </Button>
          <Button variant="secondary" size="sm" disabled={offset + pageSize >= total} onClick={() => setOffset(offset + pageSize)}>
            Next →
          </Button>
        </div>
      </div>
    </div>
  );
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
