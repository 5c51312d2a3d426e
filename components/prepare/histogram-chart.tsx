"use client";

import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { formatCount, formatDay, formatStat } from "@/components/ui/format";

export interface HistogramChartProps {
  bins: { start: number; end: number; count: number }[];
  /** Bin edges are epoch milliseconds: label them as dates. */
  dates?: boolean;
  label: string;
}

const CHART_HEIGHT_PX = 140;

/** The distribution of a numeric (or datetime) column as bars of equal width. */
export function HistogramChart({ bins, dates, label }: HistogramChartProps) {
  const edge = (v: number) => (dates ? formatDay(new Date(v).toISOString()) : formatStat(v));
  const data = bins.map((b) => ({ ...b, range: `${edge(b.start)} – ${edge(b.end)}`, tick: edge(b.start) }));
  return (
    <figure aria-label={label} className="m-0">
      <div style={{ height: CHART_HEIGHT_PX }}>
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={data} margin={{ top: 4, right: 4, bottom: 0, left: 0 }} barCategoryGap={1}>
            <CartesianGrid vertical={false} stroke="#e2e8f0" />
            <XAxis
              dataKey="tick"
              tick={{ fontSize: 10, fill: "#64748b" }}
              interval="preserveStartEnd"
              minTickGap={24}
              tickLine={false}
              axisLine={{ stroke: "#cbd5e1" }}
            />
            <YAxis
              width={40}
              tick={{ fontSize: 10, fill: "#64748b" }}
              tickFormatter={(v: number) => formatStat(v)}
              tickLine={false}
              axisLine={false}
              allowDecimals={false}
            />
            <Tooltip
              cursor={{ fill: "rgba(99,102,241,0.08)" }}
              labelFormatter={(_, payload) => String(payload?.[0]?.payload?.range ?? "")}
              formatter={(value) => [formatCount(Number(value)), "rows"]}
              contentStyle={{ fontSize: 12, borderRadius: 6 }}
            />
            <Bar dataKey="count" fill="#6366f1" radius={[2, 2, 0, 0]} isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      </div>
      <figcaption className="sr-only">{label}</figcaption>
    </figure>
  );
}
