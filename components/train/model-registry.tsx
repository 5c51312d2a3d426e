"use client";

import { useSuspenseQuery } from "@tanstack/react-query";
import Link from "next/link";
import type { ModelVersion } from "@/components/api/types";
import { Can } from "@/components/identity/viewer-context";
import { buttonClass } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { ErrorNotice } from "@/components/ui/error-notice";
import { formatDate, formatStat } from "@/components/ui/format";
import { groupVersions } from "@/components/ui/group-versions";
import { VersionGroupCard } from "@/components/ui/version-group-card";
import { METRICS, TASK_LABELS, TASKS, type Task } from "@/lib/define/tasks";
import { modelBundleUrl, modelListQuery } from "./queries";
import { metricLabel } from "./run-metrics";

export interface ModelRegistryProps {
  /** Project id → name, for the links of versions registered from a project. */
  projectNames: Record<string, string>;
}

const VERSION_COLUMNS = ["Version", "Algorithm", "Task", "Validation metrics", "Source", "Created"] as const;

/** What the registry shows of a manifest, read defensively: an imported bundle may come from anywhere. */
interface ManifestFacts {
  task: Task | null;
  algorithm: string | null;
  /** Validation metrics in the task's usual order, then any others. */
  validation: [string, number][];
  importedFrom: { name: string; version: number } | null;
}

function manifestFacts(manifest: Record<string, unknown>): ManifestFacts {
  const task = (TASKS as readonly unknown[]).includes(manifest.task) ? (manifest.task as Task) : null;
  const metrics = manifest.metrics && typeof manifest.metrics === "object" ? (manifest.metrics as { validation?: unknown }) : null;
  const raw = metrics?.validation && typeof metrics.validation === "object" ? (metrics.validation as Record<string, unknown>) : {};
  const numbers = Object.entries(raw).filter((e): e is [string, number] => typeof e[1] === "number");
  const order = task ? METRICS[task].map((m) => m.name) : [];
  const rank = (name: string) => (order.includes(name) ? order.indexOf(name) : order.length);
  const from = manifest.importedFrom as { name?: unknown; version?: unknown } | undefined;
  return {
    task,
    algorithm: typeof manifest.algorithm === "string" ? manifest.algorithm : null,
    validation: numbers.sort((a, b) => rank(a[0]) - rank(b[0])),
    importedFrom: from && typeof from.name === "string" && typeof from.version === "number" ? { name: from.name, version: from.version } : null,
  };
}

/**
 * Every registered model version (the page prefetches `modelListQuery()`), grouped by name (the
 * most recently changed name first), newest version first.
 */
export function ModelRegistry({ projectNames }: ModelRegistryProps) {
  const { data: items, error } = useSuspenseQuery(modelListQuery());
  if (error) return <ErrorNotice error={error} />;
  if (items.length === 0) {
    return (
      <EmptyState title="No models yet">
        <p className="mt-1 text-sm text-slate-500">Register a succeeded run from a project&apos;s Train step, or import a bundle.</p>
      </EmptyState>
    );
  }
  // The list arrives newest first, so each name's first appearance orders the groups.
  const groups = groupVersions(items);
  return (
    <div className="space-y-5">
      {groups.map(([name, sorted]) => (
        <VersionGroupCard key={name} name={name} versions={sorted} tableClassName="w-full min-w-[48rem] text-sm">
          <thead className="bg-slate-50 text-left text-xs text-slate-500">
            <tr>
              {VERSION_COLUMNS.map((c, i) => (
                <th key={c} scope="col" className={`${i === 0 ? "px-5" : "px-3"} py-2 font-medium`}>
                  {c}
                </th>
              ))}
              <th scope="col" className="px-5 py-2 text-right font-medium">
                <span className="sr-only">Download</span>
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {sorted.map((m) => (
              <ModelVersionRow key={m.id} model={m} projectName={m.projectId ? projectNames[m.projectId] : undefined} />
            ))}
          </tbody>
        </VersionGroupCard>
      ))}
    </div>
  );
}

function ModelVersionRow({ model: m, projectName }: { model: ModelVersion; projectName?: string }) {
  const facts = manifestFacts(m.manifest);
  return (
    <tr id={m.id} className="scroll-mt-20 target:bg-indigo-50/70">
      <th scope="row" className="px-5 py-2.5 text-left font-semibold tabular-nums">
        v{m.version}
      </th>
      <td className="px-3 py-2.5">{facts.algorithm ?? "–"}</td>
      <td className="px-3 py-2.5 text-slate-600">{facts.task ? TASK_LABELS[facts.task] : "–"}</td>
      <td className="px-3 py-2.5">
        {facts.validation.length === 0 ? (
          "–"
        ) : (
          <dl className="flex flex-wrap gap-x-3 gap-y-0.5 text-xs">
            {facts.validation.map(([name, value]) => (
              <div key={name} className="flex gap-1">
                <dt className="text-slate-500">{facts.task ? metricLabel(facts.task, name) : name}</dt>
                <dd className="font-medium tabular-nums text-slate-900">{formatStat(value)}</dd>
              </div>
            ))}
          </dl>
        )}
      </td>
      <td className="px-3 py-2.5 text-slate-600">
        {m.projectId ? (
          <Link href={`/projects/${encodeURIComponent(m.projectId)}/train`} className="font-medium text-indigo-700 hover:underline">
            {projectName ?? "Open project"}
          </Link>
        ) : facts.importedFrom ? (
          `Imported from ${facts.importedFrom.name} v${facts.importedFrom.version}`
        ) : (
          "Imported"
        )}
      </td>
      <td className="px-3 py-2.5 whitespace-nowrap text-slate-600">{formatDate(m.createdAt)}</td>
      <td className="px-5 py-2.5 text-right">
        <Can least="editor">
          <a href={modelBundleUrl(m.id)} download className={buttonClass("secondary", "sm")} aria-label={`Download bundle of ${m.name} v${m.version}`}>
            Download bundle
          </a>
        </Can>
      </td>
    </tr>
  );
}
