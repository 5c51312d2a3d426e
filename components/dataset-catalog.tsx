"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import type { DatasetVersion } from "./api-types";
import { ErrorNotice } from "./error-notice";
import { formatBytes, formatCount, formatDate } from "./format";
import { datasetListQuery } from "./queries";
import { EmptyState } from "./empty-state";
import { groupVersions } from "./group-versions";
import { VersionGroupCard } from "./version-group-card";

export interface DatasetCatalogProps {
  initialItems: DatasetVersion[];
}

const SOURCE_LABELS = { upload: "Upload", url: "URL", sample: "Sample" } as const;

/** Every dataset, grouped by name, with a row per version. */
export function DatasetCatalog({ initialItems }: DatasetCatalogProps) {
  const { data: items = [], error } = useQuery({ ...datasetListQuery(), initialData: initialItems });
  if (error) return <ErrorNotice error={error} />;
  if (items.length === 0) {
    return (
      <EmptyState title="No datasets yet">
        <p className="mt-1 text-sm text-slate-500">Upload a CSV, TSV, JSON or JSON Lines file, or import one from a URL.</p>
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
          <thead className="bg-slate-50 text-left text-xs text-slate-500">
            <tr>
              <th scope="col" className="px-5 py-2 font-medium">
                Version
              </th>
              <th scope="col" className="px-3 py-2 text-right font-medium">
                Rows
              </th>
              <th scope="col" className="px-3 py-2 text-right font-medium">
                Columns
              </th>
              <th scope="col" className="px-3 py-2 text-right font-medium">
                Size
              </th>
              <th scope="col" className="px-3 py-2 font-medium">
                Source
              </th>
              <th scope="col" className="px-5 py-2 font-medium">
                Created
              </th>
            </tr>
          </thead>
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
