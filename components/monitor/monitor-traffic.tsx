"use client";

import { useQuery } from "@tanstack/react-query";
import { type ReactElement, useMemo } from "react";
import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { EndpointTraffic } from "@/components/api/types";
import { ms, TrafficFigures } from "@/components/integrate/endpoint-traffic";
import { ErrorNotice } from "@/components/ui/error-notice";
import { formatCount, formatStat } from "@/components/ui/format";
import { type MonitorWindowName, monitorTrafficQuery } from "./queries";

export interface MonitorTrafficProps {
  name: string;
  window: MonitorWindowName;
}

const CHART_HEIGHT_PX = 200;
/** On a time axis a lone bucket would be drawn a pixel wide: bars keep a readable width. */
const BAR_WIDTH_PX = 6;
const CHART_MARGIN = { top: 8, right: 8, bottom: 4, left: 0 };
const AXIS_TICK = { fontSize: 11, fill: "#64748b" };

/** A bucket's start in UTC: the time within a day, the date and hour beyond. */
const bucketLabel = (t: number, window: MonitorWindowName) => {
  const iso = new Date(t).toISOString();
  return window === "hour" ? iso.slice(11, 16) : `${iso.slice(5, 10)} ${iso.slice(11, 16)}`;
};

/** The API's buckets (only those with traffic), as chart points on a time axis. */
function points(traffic: EndpointTraffic) {
  return traffic.series.map((p) => ({ t: Date.parse(p.start), requests: p.requests, errors: p.errors, p50: p.p50, p95: p.p95 }));
}

/** A labelled chart of fixed height that fills its column. */
function ChartFrame({ label, caption, children }: { label: string; caption: string; children: ReactElement }) {
  return (
    <figure aria-label={label} className="m-0">
      <div style={{ height: CHART_HEIGHT_PX }}>
        <ResponsiveContainer width="100%" height="100%">
          {children}
        </ResponsiveContainer>
      </div>
      <figcaption className="mt-1 text-xs text-slate-500">{caption}</figcaption>
    </figure>
  );
}

/** Requests, errors and latency of the window as figures and two charts per bucket: volume, and p50/p95 latency. */
export function MonitorTraffic({ name, window }: MonitorTrafficProps) {
  const { data: traffic, error } = useQuery(monitorTrafficQuery(name, window));
  const data = useMemo(() => (traffic ? points(traffic) : []), [traffic]);
  if (error) return <ErrorNotice error={error} />;
  if (!traffic) return <p className="text-sm text-slate-500">Loading the traffic…</p>;
  const domain: [number, number] = [Date.parse(traffic.since), Date.parse(traffic.until)];
  const xAxis = (
    <XAxis
      dataKey="t"
      type="number"
      scale="time"
      domain={domain}
      tickFormatter={(t: number) => bucketLabel(t, window)}
      tick={AXIS_TICK}
      tickLine={false}
      axisLine={{ stroke: "#cbd5e1" }}
    />
  );
  const tooltipLabel = (t: unknown) => `${bucketLabel(Number(t), window)} UTC`;
  return (
    <div className="space-y-4">
      <TrafficFigures traffic={traffic} />
      {traffic.requests === 0 ? (
        <p className="text-sm text-slate-500">No requests in this window.</p>
      ) : (
        <div className="grid gap-4 lg:grid-cols-2">
          <ChartFrame label="Requests and errors per bucket" caption="Requests and errors per bucket (UTC).">
            <BarChart data={data} margin={CHART_MARGIN}>
              <CartesianGrid stroke="#e2e8f0" vertical={false} />
              {xAxis}
              <YAxis width={40} allowDecimals={false} tick={AXIS_TICK} tickLine={false} axisLine={false} />
              <Tooltip contentStyle={{ fontSize: 12, borderRadius: 6 }} labelFormatter={tooltipLabel} formatter={(v) => formatCount(Number(v))} />
              <Legend wrapperStyle={{ fontSize: 12 }} />
              <Bar dataKey="requests" name="Requests" fill="#6366f1" barSize={BAR_WIDTH_PX} minPointSize={1} isAnimationActive={false} />
              <Bar dataKey="errors" name="Errors" fill="#ef4444" barSize={BAR_WIDTH_PX} isAnimationActive={false} />
            </BarChart>
          </ChartFrame>
          <ChartFrame label="Latency per bucket" caption="Server latency of answered requests per bucket: p50 and p95.">
            <LineChart data={data} margin={CHART_MARGIN}>
              <CartesianGrid stroke="#e2e8f0" vertical={false} />
              {xAxis}
              <YAxis width={56} tickFormatter={(v: number) => `${formatStat(v)} ms`} tick={AXIS_TICK} tickLine={false} axisLine={false} />
              <Tooltip contentStyle={{ fontSize: 12, borderRadius: 6 }} labelFormatter={tooltipLabel} formatter={(v) => ms(Number(v))} />
              <Legend wrapperStyle={{ fontSize: 12 }} />
              <Line dataKey="p50" name="p50" stroke="#10b981" strokeWidth={2} dot={{ r: 2 }} isAnimationActive={false} />
              <Line dataKey="p95" name="p95" stroke="#f59e0b" strokeWidth={2} dot={{ r: 2 }} isAnimationActive={false} />
            </LineChart>
          </ChartFrame>
        </div>
      )}
    </div>
  );
}
