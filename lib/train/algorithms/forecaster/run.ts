import { prepareRawRows, sampleEvenly } from "../../features";
import type { EpochLog } from "../../types";
import type { RunDetailsBase, TrainedRun, TrainInput } from "../algorithm";
import type { BacktestForecast, HorizonError } from "./backtest";
import type { Forecaster } from "./model";
import type { ForecasterParams } from "./params";
import { trainForecaster } from "./training";

/** Series whose backtest forecasts a run keeps for its chart (the first ones by key). */
const BACKTEST_CHART_SERIES = 12;

/** What a forecaster's run records besides its metrics: the backtest, per horizon step and for the chart. */
export type ForecasterDetails = RunDetailsBase & {
  evaluation: string;
  features: string[];
  /** The series trained on. */
  series: number;
  rows: { train: number; backtest: number };
  perHorizon: HorizonError[];
  /** The backtest rows of the first series, with their forecasts. */
  backtestForecasts: BacktestForecast[];
};

/** The epoch whose validation loss was lowest (the weights kept), or the last one. */
function bestEpochOf(history: EpochLog[]): number {
  let best = history.at(-1)?.epoch ?? 0;
  let lowest = Number.POSITIVE_INFINITY;
  for (const h of history) if (h.valLoss !== undefined && h.valLoss < lowest) [lowest, best] = [h.valLoss, h.epoch];
  return best;
}

/** Forecasts are judged by a backtest: the last `horizon` periods of every series, against last value and seasonal naive. */
export async function trainForecasterRun({
  params: p,
  spec,
  data,
  callbacks,
}: TrainInput<ForecasterParams>): Promise<TrainedRun<Forecaster, ForecasterDetails>> {
  const { fitted, rows, skippedSteps } = prepareRawRows(spec, data.rows, data.columns);
  const model = await trainForecaster({ rows, params: p, callbacks });
  const { backtest } = model;
  const forecasts = model.backtestForecasts ?? [];
  const chartSeries = new Set([...new Set(forecasts.map((f) => f.series))].sort().slice(0, BACKTEST_CHART_SERIES));
  return {
    model,
    fitted,
    history: model.history,
    metrics: { validation: backtest.metrics },
    baseline: {
      name: "last value",
      validation: backtest.baselines.lastValue,
      others: [{ name: "seasonal naive", validation: backtest.baselines.seasonalNaive }],
    },
    details: {
      evaluation: `Backtest: the last ${p.horizon} periods of every series, held out; each forecast from the series' history before them, with ${p.exogenous.length ? p.exogenous.join(", ") : "no exogenous columns"} of the forecast period known.`,
      bestEpoch: bestEpochOf(model.history),
      stoppedEarly: model.history.length < p.epochs,
      features: model.featureNames,
      series: Object.keys(model.seriesTails).length,
      rows: { train: rows.length, backtest: backtest.rows },
      perHorizon: backtest.perHorizon,
      backtestForecasts: forecasts.filter((f) => chartSeries.has(f.series)),
      ...(skippedSteps.length ? { skippedSteps } : {}),
    },
    reference: { inputs: sampleEvenly(rows), predictions: sampleEvenly(forecasts.map((f) => f.forecast)) },
  };
}
