"use client";

import { useSuspenseQuery } from "@tanstack/react-query";
import Link from "next/link";
import { EmptyState } from "@/components/ui/empty-state";
import { ErrorNotice } from "@/components/ui/error-notice";
import { formatBytes, formatCount, formatDate } from "@/components/ui/format";
import { groupVersions } from "@/components/ui/group-versions";
import { type TableColumn, TableHead } from "@/components/ui/table-head";
import { VersionGroupCard } from "@/components/ui/version-group-card";
import { datasetListQuery } from "./queries";

const SOURCE_LABELS = { upload: "Upload", url: "URL", sample: "Sample" } as const;

const VERSION_COLUMNS: readonly TableColumn[] = [
  { label: "Version", cellClass: "px-5 py-2" },
  { label: "Rows", right: true },
  { label: "Columns", right: true },
  { label: "Size", right: true },
  "Source",
  { label: "Created", cellClass: "px-5 py-2" },
];

/** Every dataset (the page prefetches `datasetListQuery`), grouped by name, with a row per version. */
export function DatasetCatalog() {
  const { data: items, error } = useSuspenseQuery(datasetListQuery());
  if (error) return <ErrorNotice error={error} />;
  if (items.length === 0) {
    return (
      <EmptyState title="No datasets yet">
        <p className="mt-1 text-sm text-slate-500">Upload a CSV, TSV, JSON, JSON Lines or Parquet file, or import one from a URL.</p>
      </EmptyState>
    );
  }
  const groups = groupVersions(items);
  return (
    <div className="space-y-5">
      {groups.map(([name, sorted]) => (
        <VersionGroupCard
          key={name}
          name={name}
          title={
            <Link href={`/datasets/${encodeURIComponent(sorted[0].id)}`} className="hover:text-indigo-700 hover:underline">
              {name}
            </Link>
          }
          versions={sorted}
          tableClassName="w-full min-w-[40rem] table-fixed text-sm"
        >
          <colgroup>
            <col className="w-20" />
            <col className="w-24" />
            <col className="w-24" />
            <col className="w-24" />
            <col />
            <col className="w-56" />
          </colgroup>
          <TableHead columns={VERSION_COLUMNS} cellClass="px-3 py-2" className="bg-slate-50" />
          <tbody className="divide-y divide-slate-100">
            {sorted.map((v) => (
              <tr key={v.id} className="hover:bg-slate-50">
                <td className="px-5 py-2">
                  <Link href={`/datasets/${encodeURIComponent(v.id)}`} className="font-medium text-indigo-700 hover:underline">
                    v{v.version}
                  </Link>
                </td>
                <td className="px-3 py-2 text-right tabular-nums">{formatCount(v.rowCount)}</td>
                <td className="px-3 py-2 text-right tabular-nums">{v.columns.length}</td>
                <td className="px-3 py-2 text-right tabular-nums">{formatBytes(v.sizeBytes)}</td>
                <td className="truncate px-3 py-2 text-slate-600" title={v.source}>
                  <span className="mr-1.5 rounded bg-slate-100 px-1.5 py-0.5 text-[11px] font-medium text-slate-600">{SOURCE_LABELS[v.sourceKind]}</span>
                  {v.source}
                </td>
                <td className="px-5 py-2 whitespace-nowrap text-slate-600">{formatDate(v.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </VersionGroupCard>
      ))}
    </div>
  );
}
