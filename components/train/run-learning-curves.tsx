"use client";

import { useId, useMemo, useState } from "react";
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { Run } from "@/components/api/types";
import { formatStat } from "@/components/ui/format";
import { checkboxClass } from "@/components/ui/styles";
import { runLabel } from "./run-metrics";

export interface RunLearningCurvesProps {
  /** The runs to overlay, in the order their colours are given. */
  runs: Run[];
  /** The regression losses are MSE on the standardised target: say so under the chart. */
  task: string;
}

const CHART_HEIGHT_PX = 280;
/** What each task's loss is, in a sentence under the chart. */
const LOSS_CAPTIONS: Record<string, string> = {
  regression: " Mean squared error on the standardised target (1.0 is the mean predictor).",
  classification: " Cross-entropy.",
  forecasting: " Volume-weighted absolute error of log(1 + sales) against the series' level; validation is the window before the backtest.",
  recommendation: " Skip-gram negative-sampling loss; early stopping watches the validation hit rate.",
};
/** One colour per run; its training loss is solid, its validation loss dashed. */
const RUN_COLOURS = ["#6366f1", "#0ea5e9", "#f59e0b", "#10b981", "#ef4444", "#8b5cf6", "#14b8a6", "#ec4899"];

/** Loss and validation loss per epoch of the chosen runs, one colour per run; redrawn as a run trains. */
export function RunLearningCurves({ runs, task }: RunLearningCurvesProps) {
  const [logScale, setLogScale] = useState(false);
  const logId = useId();

  const data = useMemo(() => {
    const byEpoch = new Map<number, Record<string, number>>();
    for (const run of runs) {
      for (const h of run.history) {
        const point = byEpoch.get(h.epoch) ?? { epoch: h.epoch };
        if (Number.isFinite(h.loss)) point[`${run.id}:loss`] = h.loss;
        if (h.valLoss !== undefined && Number.isFinite(h.valLoss)) point[`${run.id}:valLoss`] = h.valLoss;
        byEpoch.set(h.epoch, point);
      }
    }
    return [...byEpoch.values()].sort((a, b) => a.epoch - b.epoch);
  }, [runs]);

  if (runs.length === 0) {
    return <p className="py-10 text-center text-sm text-slate-500">Tick a run in the table to draw its learning curve.</p>;
  }
  if (data.length === 0) {
    return <p className="py-10 text-center text-sm text-slate-500">No epoch finished yet: the curve appears as soon as the first one does.</p>;
  }
  // A log axis cannot show zero or negative losses.
  const canLog = data.every((p) => Object.entries(p).every(([k, v]) => k === "epoch" || v > 0));

  return (
    <figure aria-label="Learning curves chart" className="m-0">
      <div style={{ height: CHART_HEIGHT_PX }}>
        <ResponsiveContainer width="100%" height="100%">
          <LineChart data={data} margin={{ top: 8, right: 16, bottom: 4, left: 0 }}>
            <CartesianGrid stroke="#e2e8f0" vertical={false} />
            <XAxis
              dataKey="epoch"
              type="number"
              domain={[1, "dataMax"]}
              allowDecimals={false}
              tick={{ fontSize: 11, fill: "#64748b" }}
              tickLine={false}
              axisLine={{ stroke: "#cbd5e1" }}
              label={{ value: "epoch", position: "insideBottomRight", offset: -2, fontSize: 11, fill: "#64748b" }}
            />
            <YAxis
              width={52}
              scale={logScale && canLog ? "log" : "auto"}
              domain={logScale && canLog ? ["auto", "auto"] : [0, "auto"]}
              allowDataOverflow={false}
              tick={{ fontSize: 11, fill: "#64748b" }}
              tickFormatter={(v: number) => formatStat(v)}
              tickLine={false}
              axisLine={false}
            />
            <Tooltip
              contentStyle={{ fontSize: 12, borderRadius: 6 }}
              labelFormatter={(epoch) => `Epoch ${String(epoch)}`}
              formatter={(value) => formatStat(Number(value))}
            />
            <Legend wrapperStyle={{ fontSize: 12 }} iconType="plainline" />
            {runs.flatMap((run, i) => {
              const colour = RUN_COLOURS[i % RUN_COLOURS.length];
              const name = runLabel(run);
              return [
                <Line
                  key={`${run.id}:loss`}
                  dataKey={`${run.id}:loss`}
                  name={`${name} loss`}
                  stroke={colour}
                  strokeWidth={2}
                  dot={false}
                  isAnimationActive={false}
                  connectNulls
                />,
                <Line
                  key={`${run.id}:valLoss`}
                  dataKey={`${run.id}:valLoss`}
                  name={`${name} val loss`}
                  stroke={colour}
                  strokeWidth={2}
                  strokeDasharray="5 4"
                  dot={false}
                  isAnimationActive={false}
                  connectNulls
                />,
              ];
            })}
          </LineChart>
        </ResponsiveContainer>
      </div>
      <figcaption className="mt-2 flex flex-wrap items-center justify-between gap-3 text-xs text-slate-500">
        <span>
          Solid: training loss · dashed: validation loss.
          {LOSS_CAPTIONS[task] ?? ""}
        </span>
        <label htmlFor={logId} className="inline-flex items-center gap-1.5 text-slate-600">
          <input id={logId} type="checkbox" className={checkboxClass} checked={logScale} onChange={(e) => setLogScale(e.target.checked)} disabled={!canLog} />
          Log scale
        </label>
      </figcaption>
    </figure>
  );
}
