"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import type { Run } from "@/components/api/types";
import { useCan } from "@/components/identity/viewer-context";
import { Button } from "@/components/ui/button";
import { ErrorNotice } from "@/components/ui/error-notice";
import { formatDate } from "@/components/ui/format";
import { checkboxClass } from "@/components/ui/styles";
import { cancelRun, invalidateRuns, isActiveRun } from "./queries";
import { formatDuration, metricValue, RunStatusBadge, type RunYardstick, runLabel } from "./run-metrics";

export interface RunTableProps {
  projectId: string;
  runs: Run[];
  yardstick: RunYardstick;
  bestId: string | null;
  /** Runs whose learning curves are drawn. */
  charted: ReadonlySet<string>;
  onToggleCharted: (id: string) => void;
  /** The run shown in the detail panel. */
  selectedId: string | null;
  onSelect: (id: string) => void;
}

type SortKey = "algorithm" | "status" | "started" | "duration" | "recipe" | "validation" | "test" | "baseline";
type SortDir = "asc" | "desc";

const STATUS_ORDER: Record<Run["status"], number> = { running: 0, queued: 1, succeeded: 2, failed: 3, cancelled: 4 };

/** The value a column sorts by; undefined sorts last in either direction. */
function sortValue(run: Run, key: SortKey, metric: string): string | number | undefined {
  switch (key) {
    case "algorithm":
      return run.algorithm;
    case "status":
      return STATUS_ORDER[run.status];
    case "started":
      return Date.parse(run.startedAt ?? run.createdAt);
    case "duration":
      return run.durationMs ?? undefined;
    case "recipe":
      return run.recipeVersion;
    case "validation":
      return run.metrics?.validation[metric];
    case "test":
      return run.metrics?.test?.[metric];
    case "baseline":
      return run.baseline?.validation[metric];
  }
}

/** Every run of the project, sortable by any column, with live progress for those still training. */
export function RunTable({ projectId, runs, yardstick, bestId, charted, onToggleCharted, selectedId, onSelect }: RunTableProps) {
  const qc = useQueryClient();
  const canEdit = useCan("editor");
  const [sort, setSort] = useState<{ key: SortKey; dir: SortDir }>({ key: "started", dir: "desc" });
  const cancel = useMutation({
    mutationFn: cancelRun,
    onSettled: () => invalidateRuns(qc, projectId),
  });
  const metric = yardstick.metric;

  const sorted = useMemo(() => {
    const out = [...runs];
    out.sort((a, b) => {
      const va = sortValue(a, sort.key, metric.name);
      const vb = sortValue(b, sort.key, metric.name);
      if (va === undefined && vb === undefined) return 0;
      if (va === undefined) return 1;
      if (vb === undefined) return -1;
      const cmp = typeof va === "string" && typeof vb === "string" ? va.localeCompare(vb) : Number(va) - Number(vb);
      return sort.dir === "asc" ? cmp : -cmp;
    });
    return out;
  }, [runs, sort, metric.name]);

  const header = (key: SortKey, label: string, align: "left" | "right" = "left") => {
    const active = sort.key === key;
    return (
      <th
        scope="col"
        aria-sort={active ? (sort.dir === "asc" ? "ascending" : "descending") : "none"}
        className={`px-3 py-2 font-medium ${align === "right" ? "text-right" : "text-left"}`}
      >
        <button
          type="button"
          className={`inline-flex items-center gap-1 rounded hover:text-slate-900 ${active ? "text-slate-900" : ""}`}
          onClick={() => setSort((s) => ({ key, dir: s.key === key && s.dir === "desc" ? "asc" : key === "algorithm" || key === "status" ? "asc" : "desc" }))}
        >
          {label}
          <span aria-hidden className={`text-[10px] ${active ? "text-indigo-600" : "text-slate-300"}`}>
            {active ? (sort.dir === "asc" ? "▲" : "▼") : "↕"}
          </span>
        </button>
      </th>
    );
  };

  return (
    <div className="space-y-3">
      <div className="overflow-x-auto rounded-xl border border-slate-200 bg-white shadow-xs">
        <table className="min-w-full text-sm" aria-label="Runs">
          <thead className="border-b border-slate-200 bg-slate-50 text-xs text-slate-600">
            <tr>
              <th scope="col" className="w-10 px-3 py-2 text-left font-medium">
                <span className="sr-only">Show learning curve</span>
                <span aria-hidden>Curve</span>
              </th>
              {header("algorithm", "Algorithm")}
              {header("status", "Status")}
              {header("started", "Started")}
              {header("duration", "Duration", "right")}
              {header("recipe", "Recipe", "right")}
              {header("validation", `${metric.label} validation`, "right")}
              {header("test", `${metric.label} test`, "right")}
              {header("baseline", `Baseline ${metric.label}`, "right")}
              <th scope="col" className="px-3 py-2 text-right font-medium">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {sorted.map((run) => {
              const selected = run.id === selectedId;
              const label = runLabel(run);
              const active = isActiveRun(run);
              return (
                <tr key={run.id} aria-selected={selected} className={selected ? "bg-indigo-50/60" : "hover:bg-slate-50"}>
                  <td className="px-3 py-2">
                    <input
                      type="checkbox"
                      className={checkboxClass}
                      checked={charted.has(run.id)}
                      onChange={() => onToggleCharted(run.id)}
                      aria-label={`Show the learning curve of ${label}`}
                    />
                  </td>
                  <td className="px-3 py-2 whitespace-nowrap">
                    <button
                      type="button"
                      className="font-medium text-indigo-700 hover:underline"
                      aria-pressed={selected}
                      aria-label={`Details of ${label}`}
                      onClick={() => onSelect(run.id)}
                    >
                      {run.algorithm}
                    </button>
                    <span className="ml-1.5 font-mono text-xs text-slate-400">#{run.id.slice(-4)}</span>
                    {run.location === "browser" && (
                      <span
                        className="ml-2 rounded-full bg-sky-50 px-1.5 py-0.5 text-[11px] font-medium text-sky-700"
                        title={`Trained in the browser (${run.backend ?? "unknown backend"})`}
                      >
                        browser
                      </span>
                    )}
                    {run.id === bestId && (
                      <span
                        className="ml-2 inline-flex items-center gap-0.5 rounded-full bg-amber-100 px-1.5 py-0.5 text-[11px] font-semibold text-amber-800"
                        title={`Best succeeded run by validation ${metric.label}`}
                      >
                        <span aria-hidden>★</span> best
                      </span>
                    )}
                  </td>
                  <td className="px-3 py-2">{active ? <RunProgress run={run} /> : <RunStatusBadge status={run.status} />}</td>
                  <td className="px-3 py-2 whitespace-nowrap text-slate-600">{formatDate(run.startedAt ?? run.createdAt)}</td>
                  <td className="px-3 py-2 text-right whitespace-nowrap tabular-nums text-slate-600">{formatDuration(run.durationMs)}</td>
                  <td className="px-3 py-2 text-right tabular-nums text-slate-600">v{run.recipeVersion}</td>
                  <td className="px-3 py-2 text-right font-medium tabular-nums">{metricValue(run.metrics?.validation, metric.name)}</td>
                  <td className="px-3 py-2 text-right tabular-nums">{metricValue(run.metrics?.test, metric.name)}</td>
                  <td className="px-3 py-2 text-right tabular-nums text-slate-500">{metricValue(run.baseline?.validation, metric.name)}</td>
                  <td className="px-3 py-2 text-right">
                    {active && canEdit && (
                      <Button
                        variant="danger"
                        size="sm"
                        onClick={() => cancel.mutate(run.id)}
                        disabled={cancel.isPending && cancel.variables === run.id}
                        aria-label={`Cancel ${label}`}
                      >
                        Cancel
                      </Button>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <ErrorNotice error={cancel.error} />
    </div>
  );
}

/** A queued or running run: its status and how many epochs of the ceiling are done. */
function RunProgress({ run }: { run: Run }) {
  const { epoch, totalEpochs } = run.progress;
  const pct = totalEpochs > 0 ? Math.min(100, (epoch / totalEpochs) * 100) : 0;
  return (
    <div className="min-w-32 space-y-1">
      <RunStatusBadge status={run.status} />
      {run.status === "running" && (
        <div className="flex items-center gap-2">
          <div
            role="progressbar"
            aria-label={`Training progress of ${runLabel(run)}`}
            aria-valuemin={0}
            aria-valuemax={totalEpochs}
            aria-valuenow={epoch}
            aria-valuetext={`epoch ${epoch} of ${totalEpochs}`}
            className="h-1.5 w-24 overflow-hidden rounded-full bg-slate-200"
          >
            <div className="h-full rounded-full bg-indigo-500 transition-[width] duration-300" style={{ width: `${pct}%` }} />
          </div>
          <span className="text-[11px] tabular-nums text-slate-500">
            {epoch}/{totalEpochs}
          </span>
        </div>
      )}
    </div>
  );
}
