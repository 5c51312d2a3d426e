"use client";

import { useMemo } from "react";
import { CartesianGrid, Legend, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { formatStat } from "@/components/ui/format";
import { chartRows, type ReportPoint } from "@/lib/integrate/report-data";
import { reportTimeLabel } from "./report-table";

export interface ReportChartProps {
  /** The selected series' history and forecast (or their totals), in time order. */
  history: ReportPoint[];
  forecast: ReportPoint[];
  /** Actual values that arrived for forecast times (drawn as points), if any. */
  actual?: ReportPoint[];
  /** What the value is ("Quantity"), for the axis and the tooltip. */
  valueLabel: string;
  /** The series shown, for the chart's accessible name. */
  seriesLabel: string;
}

const CHART_HEIGHT_PX = 340;
const HISTORY_COLOUR = "#4f46e5";
const FORECAST_COLOUR = "#d97706";
const ACTUAL_COLOUR = "#059669";

/** History (solid) and forecast (dashed) of one series in one line chart, the boundary between them marked. */
export function ReportChart({ history, forecast, actual = [], valueLabel, seriesLabel }: ReportChartProps) {
  const rows = useMemo(() => chartRows(history, forecast, actual), [history, forecast, actual]);
  const boundary = history.length ? history[history.length - 1].time : null;
  if (rows.length === 0) return <p className="py-16 text-center text-sm text-slate-500">Nothing to draw for this series.</p>;
  return (
    <figure aria-label={`History and forecast of ${seriesLabel}`} data-testid="report-chart" className="m-0">
      <div style={{ height: CHART_HEIGHT_PX }}>
        <ResponsiveContainer width="100%" height="100%">
          <LineChart data={rows} margin={{ top: 16, right: 16, bottom: 4, left: 8 }}>
            <CartesianGrid stroke="#e2e8f0" vertical={false} />
            <XAxis
              dataKey="time"
              tickFormatter={reportTimeLabel}
              minTickGap={32}
              tick={{ fontSize: 11, fill: "#64748b" }}
              tickLine={false}
              axisLine={{ stroke: "#cbd5e1" }}
            />
            <YAxis width={64} tickFormatter={(v: number) => formatStat(v)} tick={{ fontSize: 11, fill: "#64748b" }} tickLine={false} axisLine={false} />
            <Tooltip
              contentStyle={{ fontSize: 12, borderRadius: 6 }}
              labelFormatter={(t) => reportTimeLabel(String(t))}
              formatter={(value, name) => [formatStat(Number(value)), name]}
            />
            <Legend wrapperStyle={{ fontSize: 12 }} iconType="plainline" />
            {boundary && (
              <ReferenceLine
                x={boundary}
                stroke="#94a3b8"
                strokeDasharray="2 3"
                label={{ value: "forecast →", position: "insideTopRight", fontSize: 11, fill: "#64748b" }}
                data-testid="report-boundary"
              />
            )}
            <Line
              dataKey="history"
              name={`${valueLabel} (history)`}
              className="report-history-line"
              stroke={HISTORY_COLOUR}
              strokeWidth={1.75}
              dot={false}
              isAnimationActive={false}
              connectNulls
            />
            <Line
              dataKey="forecast"
              name={`${valueLabel} (forecast)`}
              className="report-forecast-line"
              stroke={FORECAST_COLOUR}
              strokeWidth={2}
              strokeDasharray="6 4"
              dot={{ r: 2 }}
              isAnimationActive={false}
              connectNulls
            />
            {actual.length > 0 && (
              <Line
                dataKey="actual"
                name={`${valueLabel} (actual, arrived after the forecast)`}
                className="report-actual-line"
                stroke={ACTUAL_COLOUR}
                strokeWidth={2}
                dot={{ r: 3.5, fill: ACTUAL_COLOUR }}
                isAnimationActive={false}
                connectNulls
              />
            )}
          </LineChart>
        </ResponsiveContainer>
      </div>
      <figcaption className="mt-2 text-xs text-slate-500">
        Solid: {valueLabel} as recorded · dashed: the forecast{actual.length ? " · green points: actuals posted for forecast times" : ""}; the dotted line marks
        the last recorded time{boundary ? `, ${reportTimeLabel(boundary)}` : ""}.
      </figcaption>
    </figure>
  );
}
