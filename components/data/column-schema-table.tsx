"use client";

import { useMutation, useQueryClient, useSuspenseQuery } from "@tanstack/react-query";
import { sendJson } from "@/components/api/fetch";
import type { ColumnType, DatasetDetail } from "@/components/api/types";
import { ErrorNotice } from "@/components/ui/error-notice";
import { formatCount } from "@/components/ui/format";
import { Notice } from "@/components/ui/notice";
import { controlClass } from "@/components/ui/styles";
import { type TableColumn, TableHead } from "@/components/ui/table-head";
import { COLUMN_TYPES } from "@/lib/data/types";
import { datasetQuery, invalidateDatasets } from "./queries";

const SCHEMA_COLUMNS: readonly TableColumn[] = ["Column", "Read as", "Inferred", { label: "Missing", right: true }];

export interface ColumnSchemaTableProps {
  /** The page prefetches `datasetQuery(datasetId)`. */
  datasetId: string;
}

/** The columns with the type each is read as; changing one re-reads the data, never rewrites it. */
export function ColumnSchemaTable({ datasetId }: ColumnSchemaTableProps) {
  const qc = useQueryClient();
  const { data: dataset } = useSuspenseQuery(datasetQuery(datasetId));
  const override = useMutation({
    mutationFn: (change: { name: string; type: ColumnType }) =>
      sendJson<DatasetDetail>("PATCH", `/api/datasets/${encodeURIComponent(dataset.id)}`, { columns: [change] }),
    onSuccess: () => invalidateDatasets(qc),
  });
  const pendingName = override.isPending ? override.variables?.name : undefined;

  return (
    <div className="space-y-3">
      <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
        <table className="min-w-full text-sm">
          <caption className="sr-only">Columns and their types</caption>
          <TableHead columns={SCHEMA_COLUMNS} cellClass="px-4 py-2" className="bg-slate-50" />
          <tbody className="divide-y divide-slate-100">
            {dataset.columns.map((c) => (
              <tr key={c.name}>
                <th scope="row" className="px-4 py-2 text-left font-medium whitespace-pre text-slate-900">
                  {c.name}
                </th>
                <td className="px-4 py-1.5">
                  <select
                    aria-label={`Type of ${c.name}`}
                    className={`${controlClass} w-36 py-1 pr-8`}
                    value={c.type}
                    disabled={override.isPending}
                    onChange={(e) => override.mutate({ name: c.name, type: e.target.value as ColumnType })}
                  >
                    {COLUMN_TYPES.map((t) => (
                      <option key={t} value={t}>
                        {t}
                      </option>
                    ))}
                  </select>
                  {pendingName === c.name && <span className="ml-2 text-xs text-slate-500">Saving…</span>}
                </td>
                <td className="px-4 py-2 text-slate-600">
                  {c.inferredType}
                  {c.type !== c.inferredType && (
                    <span className="ml-2 rounded bg-amber-50 px-1.5 py-0.5 text-[11px] font-medium text-amber-800">overridden</span>
                  )}
                </td>
                <td className="px-4 py-2 text-right tabular-nums text-slate-600">{formatCount(c.nullCount)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {override.error && <ErrorNotice error={override.error} />}
      {override.isSuccess && (
        <Notice tone="success">
          <span className="whitespace-pre">{override.variables.name}</span> is now read as {override.variables.type}; the profile and rows follow.
        </Notice>
      )}
    </div>
  );
}
