"use client";

import { Bar, BarChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { formatCount } from "@/components/ui/format";

export interface TopValuesChartProps {
  values: { value: string; count: number }[];
  label: string;
}

const ROW_HEIGHT_PX = 22;
const LABEL_MAX_CHARS = 18;

const shorten = (s: string) => (s.length > LABEL_MAX_CHARS ? s.slice(0, LABEL_MAX_CHARS - 1) + "…" : s);

/** The most frequent values of a category, boolean or text column, as horizontal bars. */
export function TopValuesChart({ values, label }: TopValuesChartProps) {
  const data = values.map((v) => ({ ...v, name: v.value === "" ? "(empty)" : v.value }));
  return (
    <figure aria-label={label} className="m-0">
      <div style={{ height: data.length * ROW_HEIGHT_PX + 12 }}>
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={data} layout="vertical" margin={{ top: 0, right: 36, bottom: 0, left: 0 }} barCategoryGap={3}>
            <XAxis type="number" hide />
            <YAxis
              type="category"
              dataKey="name"
              width={120}
              tick={{ fontSize: 11, fill: "#334155" }}
              tickFormatter={shorten}
              tickLine={false}
              axisLine={false}
              interval={0}
            />
            <Tooltip
              cursor={{ fill: "rgba(99,102,241,0.08)" }}
              formatter={(value) => [formatCount(Number(value)), "rows"]}
              contentStyle={{ fontSize: 12, borderRadius: 6 }}
            />
            <Bar dataKey="count" fill="#14b8a6" radius={[0, 2, 2, 0]} isAnimationActive={false} label={{ position: "right", fontSize: 10, fill: "#64748b" }} />
          </BarChart>
        </ResponsiveContainer>
      </div>
      <figcaption className="sr-only">{label}</figcaption>
    </figure>
  );
}
