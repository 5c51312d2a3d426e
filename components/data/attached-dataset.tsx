"use client";

import Link from "next/link";
import type { DatasetDetail } from "@/components/api/types";
import { Button } from "@/components/ui/button";
import { TypeBadge } from "@/components/ui/cell-value";
import { ErrorNotice } from "@/components/ui/error-notice";
import { formatBytes, formatCount, formatDate } from "@/components/ui/format";
import { useAttachDataset } from "./use-attach-dataset";

export interface AttachedDatasetProps {
  projectId: string;
  dataset: DatasetDetail;
}

/** The version the project works on: what it is and its columns with their types. */
export function AttachedDataset({ projectId, dataset: d }: AttachedDatasetProps) {
  const detach = useAttachDataset(projectId);
  const latest = d.versions[0];
  const newer = latest && latest.version > d.version ? latest : null;
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div>
          <p className="text-base font-semibold">
            <Link href={`/datasets/${encodeURIComponent(d.id)}`} className="hover:text-indigo-700 hover:underline">
              {d.name}
            </Link>{" "}
            <span className="font-normal text-slate-500">v{d.version}</span>
          </p>
          <p className="mt-0.5 text-sm text-slate-600">
            {formatCount(d.rowCount)} rows · {d.columns.length} columns · {formatBytes(d.sizeBytes)} · {d.format.toUpperCase()} · added{" "}
            {formatDate(d.createdAt)}
          </p>
        </div>
        <Button variant="ghost" size="sm" onClick={() => detach.mutate(null)} disabled={detach.isPending}>
          Detach
        </Button>
      </div>
      {newer && (
        <p className="rounded-md bg-indigo-50 px-3 py-2 text-sm text-indigo-900">
          A newer version (v{newer.version}, {formatCount(newer.rowCount)} rows) exists; attach it below to work on it.
        </p>
      )}
      <ul className="flex flex-wrap gap-1.5" aria-label="Columns of the attached data">
        {d.columns.map((c) => (
          <li key={c.name} className="flex items-center gap-1.5 rounded-md border border-slate-200 bg-slate-50 px-2 py-1 text-xs">
            <span className="font-medium whitespace-pre text-slate-800">{c.name}</span>
            <TypeBadge type={c.type} />
          </li>
        ))}
      </ul>
      {detach.error && <ErrorNotice error={detach.error} />}
    </div>
  );
}
