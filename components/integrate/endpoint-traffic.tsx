"use client";

import { useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import { Bar, CartesianGrid, ComposedChart, Legend, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { EndpointTraffic } from "@/components/api/types";
import { ErrorNotice } from "@/components/ui/error-notice";
import { formatCount, formatStat } from "@/components/ui/format";
import { endpointTrafficQuery, TRAFFIC_REFRESH_MS } from "./queries";

export interface EndpointTrafficPanelProps {
  name: string;
}

const CHART_HEIGHT_PX = 240;
const MINUTE_MS = 60_000;

/** Latency in milliseconds, or a dash when there were no successful requests. */
export const ms = (v: number | null) => (v === null ? "–" : `${formatStat(Math.round(v * 10) / 10)} ms`);

/** Hour and minute in UTC, like the rest of the app's times. */
const minuteLabel = (t: number) => new Date(t).toISOString().slice(11, 16);

/** One point per minute of the window, empty minutes included, so gaps read as no traffic. */
function perMinute(traffic: EndpointTraffic) {
  const byStart = new Map(traffic.series.map((p) => [Date.parse(p.start), p]));
  const first = Math.floor(Date.parse(traffic.since) / MINUTE_MS) * MINUTE_MS;
  const last = Math.floor(Date.parse(traffic.until) / MINUTE_MS) * MINUTE_MS;
  const points = [];
  for (let t = first; t <= last; t += MINUTE_MS) {
    const p = byStart.get(t);
    points.push({ t, requests: p?.requests ?? 0, errors: p?.errors ?? 0, p95: p?.p95 ?? null });
  }
  return points;
}

/** Requests, errors, rows and latency percentiles of a window, as a row of figures (the endpoint page and the monitor share it). */
export function TrafficFigures({ traffic }: { traffic: EndpointTraffic }) {
  const figures: [string, string][] = [
    ["Requests", formatCount(traffic.requests)],
    ["Errors", formatCount(traffic.errors)],
    ["Rows scored", formatCount(traffic.rows)],
    ["p50 latency", ms(traffic.latencyMs.p50)],
    ["p95 latency", ms(traffic.latencyMs.p95)],
    ["p99 latency", ms(traffic.latencyMs.p99)],
  ];
  return (
    <dl aria-label="Traffic figures" className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-6">
      {figures.map(([label, value]) => (
        <div key={label} className="rounded-lg border border-slate-200 px-3 py-2">
          <dt className="text-xs text-slate-500">{label}</dt>
          <dd className="text-lg font-semibold tabular-nums">{value}</dd>
        </div>
      ))}
    </dl>
  );
}

/** The last hour: requests, errors and latency percentiles, and requests and p95 per minute; read again every few seconds. */
export function EndpointTrafficPanel({ name }: EndpointTrafficPanelProps) {
  const { data: traffic, error } = useQuery(endpointTrafficQuery(name));
  const points = useMemo(() => (traffic ? perMinute(traffic) : []), [traffic]);
  if (error) return <ErrorNotice error={error} />;
  if (!traffic) return <p className="text-sm text-slate-500">Loading the traffic…</p>;
  return (
    <div className="space-y-4">
      <p className="text-xs text-slate-500">
        The last hour, refreshed every {TRAFFIC_REFRESH_MS / 1000} s. Latency is measured on the server, for answered requests.
      </p>
      <TrafficFigures traffic={traffic} />
      {traffic.byVersion.length > 0 && (
        <p className="text-xs text-slate-600">
          Answered by{" "}
          {traffic.byVersion.map((v, i) => (
            <span key={`${v.modelId}@${v.version}`}>
              {i > 0 && ", "}v{v.version ?? "?"}: {formatCount(v.requests)}
            </span>
          ))}
        </p>
      )}
      <figure aria-label="Requests and p95 latency per minute" className="m-0">
        <div style={{ height: CHART_HEIGHT_PX }}>
          <ResponsiveContainer width="100%" height="100%">
            <ComposedChart data={points} margin={{ top: 8, right: 8, bottom: 4, left: 0 }}>
              <CartesianGrid stroke="#e2e8f0" vertical={false} />
              <XAxis
                dataKey="t"
                type="number"
                scale="time"
                domain={["dataMin", "dataMax"]}
                tickFormatter={minuteLabel}
                tick={{ fontSize: 11, fill: "#64748b" }}
                tickLine={false}
                axisLine={{ stroke: "#cbd5e1" }}
              />
              <YAxis yAxisId="requests" width={40} allowDecimals={false} tick={{ fontSize: 11, fill: "#64748b" }} tickLine={false} axisLine={false} />
              <YAxis
                yAxisId="latency"
                orientation="right"
                width={52}
                tickFormatter={(v: number) => `${formatStat(v)} ms`}
                tick={{ fontSize: 11, fill: "#64748b" }}
                tickLine={false}
                axisLine={false}
              />
              <Tooltip
                contentStyle={{ fontSize: 12, borderRadius: 6 }}
                labelFormatter={(t) => `${minuteLabel(Number(t))} UTC`}
                formatter={(value, key) => (key === "p95 latency" ? ms(Number(value)) : formatCount(Number(value)))}
              />
              <Legend wrapperStyle={{ fontSize: 12 }} />
              <Bar yAxisId="requests" dataKey="requests" name="Requests" fill="#6366f1" isAnimationActive={false} />
              <Bar yAxisId="requests" dataKey="errors" name="Errors" fill="#ef4444" isAnimationActive={false} />
              <Line
                yAxisId="latency"
                dataKey="p95"
                name="p95 latency"
                stroke="#f59e0b"
                strokeWidth={2}
                dot={{ r: 2 }}
                connectNulls={false}
                isAnimationActive={false}
              />
            </ComposedChart>
          </ResponsiveContainer>
        </div>
        <figcaption className="mt-1 text-xs text-slate-500">
          Bars: requests and errors per minute (left axis) · line: p95 server latency (right axis). Times in UTC.
        </figcaption>
      </figure>
    </div>
  );
}
