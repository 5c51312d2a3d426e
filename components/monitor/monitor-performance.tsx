"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, type ReactNode, useId, useState } from "react";
import { CartesianGrid, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { useCan } from "@/components/identity/viewer-context";
import {
  type ActualsPosted,
  invalidatePerformance,
  monitorPerformanceQuery,
  PERFORMANCE_RANGE_DAYS,
  type Performance,
  type PerformanceBucket,
  postActualsCsv,
} from "@/components/monitor/queries";
import { Button } from "@/components/ui/button";
import { ErrorNotice } from "@/components/ui/error-notice";
import { formatCount, formatDay, formatStat, plural } from "@/components/ui/format";
import { Notice } from "@/components/ui/notice";
import { inputClass } from "@/components/ui/styles";
import { METRICS } from "@/lib/define/tasks";

export interface MonitorPerformanceProps {
  name: string;
}

const CHART_HEIGHT_PX = 220;
const AXIS_TICK = { fontSize: 11, fill: "#64748b" };
/** Unmatched rows listed at most; the rest are counted. */
const MAX_REASONS = 20;

/** A metric's display name ("R²", "WAPE"), or its raw name. */
export function metricName(name: string): string {
  for (const list of Object.values(METRICS)) {
    const found = list.find((m) => m.name === name);
    if (found) return found.label;
  }
  return name;
}

/** "WAPE 0.41 on 120 matched rows — above the 0.4 threshold". */
export function performanceSentence(p: Pick<Performance, "metric" | "threshold" | "higherIsBetter" | "overall" | "meetsThreshold">): string {
  const value = p.overall[p.metric];
  const head = `${metricName(p.metric)} ${formatStat(value ?? null)} on ${plural(p.overall.rows, "matched row")}`;
  if (p.threshold === null) return `${head} — the project sets no threshold for it`;
  if (p.meetsThreshold === null) return head;
  const side = p.meetsThreshold ? (p.higherIsBetter ? "at or above" : "at or below") : p.higherIsBetter ? "below" : "above";
  return `${head} — ${side} the ${formatStat(p.threshold)} threshold`;
}

function PerformanceChart({ performance, bucket }: { performance: Performance; bucket: PerformanceBucket }) {
  const data = performance.series.map((s) => ({
    t: Date.parse(s.start),
    value: typeof s[performance.metric] === "number" ? (s[performance.metric] as number) : null,
    rows: s.rows,
  }));
  const label = metricName(performance.metric);
  const tickLabel = (t: number) => formatDay(new Date(t).toISOString()).slice(5);
  return (
    <figure aria-label={`${label} over time`} className="m-0">
      <div style={{ height: CHART_HEIGHT_PX }}>
        <ResponsiveContainer width="100%" height="100%">
          <LineChart data={data} margin={{ top: 8, right: 16, bottom: 4, left: 0 }}>
            <CartesianGrid stroke="#e2e8f0" vertical={false} />
            <XAxis
              dataKey="t"
              type="number"
              scale="time"
              domain={["dataMin", "dataMax"]}
              padding={{ left: 16, right: 16 }}
              tickFormatter={tickLabel}
              tick={AXIS_TICK}
              tickLine={false}
              axisLine={{ stroke: "#cbd5e1" }}
            />
            <YAxis width={48} tickFormatter={(v: number) => formatStat(v)} tick={AXIS_TICK} tickLine={false} axisLine={false} domain={["auto", "auto"]} />
            <Tooltip
              contentStyle={{ fontSize: 12, borderRadius: 6 }}
              labelFormatter={(t) => `${bucket === "week" ? "Week of " : ""}${formatDay(new Date(Number(t)).toISOString())}`}
              formatter={(v, _n, item) => [`${formatStat(Number(v))} (${plural(Number((item?.payload as { rows?: number })?.rows ?? 0), "row")})`, label]}
            />
            {performance.threshold !== null && (
              <ReferenceLine
                y={performance.threshold}
                stroke="#ef4444"
                strokeDasharray="4 4"
                ifOverflow="extendDomain"
                label={{ value: `threshold ${formatStat(performance.threshold)}`, position: "insideTopRight", fontSize: 11, fill: "#b91c1c" }}
              />
            )}
            <Line dataKey="value" name={label} stroke="#6366f1" strokeWidth={2} dot={{ r: 3 }} connectNulls isAnimationActive={false} />
          </LineChart>
        </ResponsiveContainer>
      </div>
      <figcaption className="mt-1 text-xs text-slate-500">
        {label} of the predictions made each {bucket} (UTC) whose actual values have arrived
        {performance.threshold !== null ? "; the dashed line is the project's threshold" : ""}.
      </figcaption>
    </figure>
  );
}

/** Sends a chosen CSV file of actuals as `text/csv` and shows how many were matched, and why the others were not. */
function UploadActualsForm({ name }: { name: string }) {
  const id = useId();
  const qc = useQueryClient();
  const [file, setFile] = useState<File | null>(null);
  const upload = useMutation({
    mutationFn: async (f: File) => postActualsCsv(name, await f.text()),
    onSuccess: () => invalidatePerformance(qc, name),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (file) upload.mutate(file);
  };
  return (
    <form onSubmit={submit} aria-label="Upload actuals" className="space-y-3 rounded-lg border border-slate-200 p-4">
      <div className="space-y-1.5">
        <label htmlFor={`${id}-file`} className="block text-sm font-medium text-slate-700">
          Actuals CSV
        </label>
        <input
          id={`${id}-file`}
          type="file"
          accept=".csv,text/csv,text/plain"
          aria-describedby={`${id}-hint`}
          className={`${inputClass} file:mr-3 file:rounded file:border-0 file:bg-slate-100 file:px-2 file:py-1 file:text-sm`}
          onChange={(e) => {
            setFile(e.target.files?.[0] ?? null);
            upload.reset();
          }}
        />
        <p id={`${id}-hint`} className="text-xs text-slate-500">
          Columns <span className="font-mono">requestId,row,actual</span> for real-time predictions (the request id each score answer carries, the row within
          it), or the batch input&apos;s key columns plus <span className="font-mono">actual</span> for the newest batch job&apos;s output.
        </p>
      </div>
      <Button type="submit" disabled={!file || upload.isPending}>
        {upload.isPending ? "Uploading…" : "Upload actuals"}
      </Button>
      <ErrorNotice error={upload.error} />
      {upload.data && <UploadResult result={upload.data} />}
    </form>
  );
}

function UploadResult({ result }: { result: ActualsPosted }) {
  const { matched, unmatched } = result;
  return (
    <Notice
      tone={unmatched.length === 0 ? "success" : matched === 0 ? "error" : "warning"}
      title={`Matched ${plural(matched, "row")}, ${formatCount(unmatched.length)} unmatched`}
    >
      {unmatched.length > 0 && (
        <ul aria-label="Unmatched actuals" className="list-disc space-y-0.5 pl-5">
          {unmatched.slice(0, MAX_REASONS).map((u) => (
            // Data rows of the file are numbered from 1, after the header.
            <li key={u.index}>
              Row {formatCount(u.index + 1)}: {u.reason}
            </li>
          ))}
          {unmatched.length > MAX_REASONS && <li>…and {plural(unmatched.length - MAX_REASONS, "more row")}</li>}
        </ul>
      )}
    </Notice>
  );
}

/** The project's success metric on the predictions whose actual values have arrived, over time and against its threshold; actuals are uploaded here. */
export function MonitorPerformance({ name }: MonitorPerformanceProps) {
  const [bucket, setBucket] = useState<PerformanceBucket>("day");
  const canEdit = useCan("editor");
  const { data: performance, error } = useQuery(monitorPerformanceQuery(name, bucket));
  let body: ReactNode;
  if (error) body = <ErrorNotice error={error} />;
  else if (!performance) body = <p className="text-sm text-slate-500">Loading the performance…</p>;
  else if (performance.overall.rows === 0)
    body = (
      <div className="rounded-lg border border-dashed border-slate-300 px-4 py-5 text-sm text-slate-600">
        <p className="font-medium text-slate-800">No actuals yet</p>
        <p className="mt-1">
          Performance needs the true values of what was predicted. They arrive when you post them to{" "}
          <span className="font-mono text-xs">POST /api/endpoints/{name}/actuals</span> — by the <span className="font-mono text-xs">requestId</span> each score
          answer carries (and the row), or by the key columns of a batch job&apos;s output — or upload them as a CSV below. Each actual is joined to its
          prediction, and the project&apos;s success metric is measured on the pairs.
        </p>
      </div>
    );
  else {
    const metricFigures = Object.entries(performance.overall).filter(([k]) => k !== "rows");
    body = (
      <div className="space-y-4">
        <p
          aria-label="Performance summary"
          className={`text-sm font-medium ${performance.meetsThreshold === false ? "text-red-700" : performance.meetsThreshold ? "text-emerald-700" : "text-slate-800"}`}
        >
          {performanceSentence(performance)}
        </p>
        <dl aria-label="Performance figures" className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-6">
          {[["Matched rows", formatCount(performance.overall.rows)] as const, ...metricFigures.map(([k, v]) => [metricName(k), formatStat(v)] as const)].map(
            ([label, value]) => (
              <div
                key={label}
                className={`rounded-lg border px-3 py-2 ${label === metricName(performance.metric) ? "border-indigo-300 bg-indigo-50" : "border-slate-200"}`}
              >
                <dt className="text-xs text-slate-500">{label}</dt>
                <dd className="text-lg font-semibold tabular-nums">{value}</dd>
              </div>
            ),
          )}
        </dl>
        <PerformanceChart performance={performance} bucket={bucket} />
      </div>
    );
  }
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center gap-3">
        <div role="group" aria-label="Performance per" className="inline-flex overflow-hidden rounded-md border border-slate-300 text-sm">
          {(["day", "week"] as const).map((b) => (
            <button
              key={b}
              type="button"
              aria-pressed={b === bucket}
              onClick={() => setBucket(b)}
              className={`px-3 py-1.5 ${b === bucket ? "bg-indigo-600 text-white" : "bg-white text-slate-700 hover:bg-slate-50"}`}
            >
              Per {b}
            </button>
          ))}
        </div>
        <p className="text-xs text-slate-500">Predictions of the last {PERFORMANCE_RANGE_DAYS[bucket]} days with their actuals.</p>
      </div>
      {body}
      {canEdit && <UploadActualsForm name={name} />}
    </div>
  );
}
