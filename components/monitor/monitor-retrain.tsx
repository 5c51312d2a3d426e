"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import type { Endpoint } from "@/components/api/types";
import { invalidateEndpoints } from "@/components/integrate/queries";
import { type Comparison, challengerRunQuery, compareChallenger, promoteChallenger, type RetrainQueued, retrainEndpoint } from "@/components/monitor/queries";
import { RunStatusBadge } from "@/components/train/run-metrics";
import { Button } from "@/components/ui/button";
import { ErrorNotice } from "@/components/ui/error-notice";
import { formatCount, formatStat, plural } from "@/components/ui/format";
import { Notice } from "@/components/ui/notice";
import { ProgressBar } from "@/components/ui/progress-bar";
import { TableHead } from "@/components/ui/table-head";
import { metricName } from "./monitor-performance";

export interface MonitorRetrainProps {
  name: string;
  /** The version the endpoint serves now (the champion). */
  model: Endpoint["model"];
}

const CELL = "px-3 py-2";

const versionOf = (m: { name: string; version: number }) => `${m.name} v${m.version}`;

/** Champion and challenger side by side on every metric, the better of each highlighted. */
function ComparisonTable({ comparison }: { comparison: Comparison }) {
  const { champion, challenger } = comparison;
  const names = Object.keys(champion.metrics).filter((k) => k !== "rows");
  return (
    <div className="space-y-2">
      <p aria-label="Comparison data" className="text-sm text-slate-700">
        Both models scored the same {plural(comparison.rows, "row")}:{" "}
        {comparison.data === "actuals"
          ? "the matched actuals of the last 30 days (the endpoint's real traffic with its true values)."
          : "the challenger run's validation split (too few matched actuals to judge on real traffic)."}{" "}
        Judged by {metricName(comparison.metric)}:{" "}
        <strong>
          {comparison.better === "challenger"
            ? `the challenger (${versionOf(challenger.model)}) is better`
            : `the champion (${versionOf(champion.model)}) stays better`}
        </strong>
        .
      </p>
      <div className="overflow-x-auto">
        <table aria-label="Champion vs challenger" className="w-full text-sm">
          <TableHead columns={["Metric", `Champion (${versionOf(champion.model)})`, `Challenger (${versionOf(challenger.model)})`]} cellClass={CELL} />
          <tbody>
            {names.map((k) => {
              const a = champion.metrics[k];
              const b = challenger.metrics[k];
              const judged = k === comparison.metric;
              const winner = judged ? comparison.better : null;
              const cell = (side: "champion" | "challenger", v: number | null) => (
                <td className={`${CELL} tabular-nums ${winner === side ? "bg-emerald-50 font-semibold text-emerald-800" : ""}`} data-better={winner === side}>
                  {formatStat(v)}
                </td>
              );
              return (
                <tr key={k} className={`border-t border-slate-100 ${judged ? "font-medium" : ""}`}>
                  <th scope="row" className={`${CELL} text-left font-medium`}>
                    {metricName(k)}
                    {judged && <span className="ml-1 text-xs font-normal text-slate-500">(success metric)</span>}
                  </th>
                  {cell("champion", a)}
                  {cell("challenger", b)}
                </tr>
              );
            })}
            <tr className="border-t border-slate-100 text-slate-500">
              <th scope="row" className={`${CELL} text-left font-medium`}>
                Rows scored
              </th>
              <td className={`${CELL} tabular-nums`}>{formatCount(champion.metrics.rows)}</td>
              <td className={`${CELL} tabular-nums`}>{formatCount(challenger.metrics.rows)}</td>
            </tr>
          </tbody>
        </table>
      </div>
    </div>
  );
}

/** The queued challenger: its progress while it trains, then compare, promote or keep the champion. */
function Challenger({
  name,
  queued,
  champion,
  onDone,
}: {
  name: string;
  queued: RetrainQueued;
  champion: Endpoint["model"];
  onDone: (message: string) => void;
}) {
  const qc = useQueryClient();
  const router = useRouter();
  const [confirming, setConfirming] = useState(false);
  const { data: run, error } = useQuery(challengerRunQuery(queued.runId));
  const compare = useMutation({ mutationFn: () => compareChallenger(name, queued.runId) });
  const promote = useMutation({
    mutationFn: () => promoteChallenger(name, queued.runId),
    onSuccess: async (endpoint) => {
      await invalidateEndpoints(qc);
      // The page's endpoint list (and its "v…" labels) is rendered by the server.
      router.refresh();
      onDone(`Promoted: ${name} now serves ${versionOf(endpoint.model)}.`);
    },
  });
  if (error) return <ErrorNotice error={error} />;
  if (!run) return <p className="text-sm text-slate-500">Loading the challenger run…</p>;
  const active = run.status === "queued" || run.status === "running";
  return (
    <div className="space-y-3 rounded-lg border border-slate-200 p-4">
      <div className="flex flex-wrap items-center gap-2 text-sm">
        <span>
          Challenger run <span className="font-mono text-xs">{run.id}</span> ({run.algorithm}, recipe v{queued.recipeVersion}
          {queued.newData ? ", on the newer dataset version" : ", on the same data"})
        </span>
        <span aria-label="Challenger status">
          <RunStatusBadge status={run.status} />
        </span>
      </div>
      {active && (
        <ProgressBar
          label="Challenger training progress"
          value={run.progress.epoch}
          max={run.progress.totalEpochs}
          valueText={`epoch ${run.progress.epoch} of ${run.progress.totalEpochs}`}
          pulse={run.status === "queued" || run.progress.totalEpochs === 0}
        />
      )}
      {run.status === "failed" && (
        <Notice tone="error" title="The challenger run failed">
          {run.error}
        </Notice>
      )}
      {run.status === "cancelled" && <Notice tone="warning">The challenger run was cancelled.</Notice>}
      {run.status === "succeeded" && !compare.data && (
        <Button onClick={() => compare.mutate()} disabled={compare.isPending}>
          {compare.isPending ? "Comparing…" : "Compare"}
        </Button>
      )}
      <ErrorNotice error={compare.error} />
      {compare.data && (
        <>
          <ComparisonTable comparison={compare.data} />
          {confirming ? (
            <div
              role="group"
              aria-label="Confirm promotion"
              className="flex flex-wrap items-center gap-2 rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900"
            >
              <span>
                Serve {versionOf(compare.data.challenger.model)} instead of {versionOf(champion)} on {name}, for every request from now on?
              </span>
              <Button onClick={() => promote.mutate()} disabled={promote.isPending}>
                {promote.isPending ? "Promoting…" : "Confirm promote"}
              </Button>
              <Button variant="secondary" onClick={() => setConfirming(false)} disabled={promote.isPending}>
                Cancel
              </Button>
            </div>
          ) : (
            <div className="flex flex-wrap gap-2">
              <Button variant={compare.data.better === "challenger" ? "primary" : "secondary"} onClick={() => setConfirming(true)}>
                Promote challenger
              </Button>
              <Button
                variant={compare.data.better === "champion" ? "primary" : "secondary"}
                onClick={() => onDone(`Kept the champion: ${name} still serves ${versionOf(champion)}.`)}
              >
                Keep champion
              </Button>
            </div>
          )}
          <ErrorNotice error={promote.error} />
        </>
      )}
    </div>
  );
}

/** Back to training: a challenger trained like the champion on the newest data, compared with it, and promoted or not. */
export function MonitorRetrain({ name, model }: MonitorRetrainProps) {
  const [queued, setQueued] = useState<RetrainQueued | null>(null);
  const [outcome, setOutcome] = useState<string | null>(null);
  const retrain = useMutation({
    mutationFn: () => retrainEndpoint(name),
    onSuccess: (q) => {
      setOutcome(null);
      setQueued(q);
    },
  });
  return (
    <div className="space-y-3">
      <p className="text-sm text-slate-600">
        Trains a challenger with the champion&apos;s algorithm and settings ({versionOf(model)} serves now) on the project&apos;s newest recipe — and on the
        newest version of its dataset when one has been uploaded since.
      </p>
      {outcome && (
        <Notice tone="success">
          <span aria-label="Retrain outcome">{outcome}</span>
        </Notice>
      )}
      {queued && !outcome ? (
        <Challenger name={name} queued={queued} champion={model} onDone={setOutcome} />
      ) : (
        <Button onClick={() => retrain.mutate()} disabled={retrain.isPending}>
          {retrain.isPending ? "Starting…" : "Retrain with the newest data"}
        </Button>
      )}
      <ErrorNotice error={retrain.error} />
    </div>
  );
}
