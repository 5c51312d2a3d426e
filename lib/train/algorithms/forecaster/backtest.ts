import type * as tf from "@tensorflow/tfjs";
import { validation } from "@/lib/shared/errors";
import { type ForecastMetrics, forecastMetrics } from "../../metrics";
import { standardise, windowExamples, type WindowRow } from "./examples";
import type { SiblingIndex } from "./features";
import { predictSet } from "./network";
import type { ForecasterParams } from "./params";
import { type ForecasterState, valueAt } from "./series";

/** A forecaster's backtest: the last `horizon` periods of every series, against last value and seasonal naive. */

export interface HorizonError {
  /** Periods after the last period before the backtest window (1 … horizon). */
  step: number;
  mape: number;
  wape: number;
  rows: number;
}

/** One row of the backtest window: what happened and what the model forecast for it. */
export interface BacktestForecast {
  series: string;
  time: string;
  step: number;
  actual: number;
  forecast: number;
}

export interface ForecastBacktest {
  /** Rows in the backtest window: every series' rows in the last `horizon` periods of the data. */
  rows: number;
  metrics: ForecastMetrics;
  baselines: { lastValue: ForecastMetrics; seasonalNaive: ForecastMetrics };
  perHorizon: HorizonError[];
}

/** The model against last value and seasonal naive on exactly the same rows. */
export async function runBacktest(
  model: tf.LayersModel,
  rows: WindowRow[],
  params: ForecasterParams,
  state: ForecasterState,
  siblings: SiblingIndex,
): Promise<{ backtest: ForecastBacktest; forecasts: BacktestForecast[] }> {
  if (rows.length === 0) throw validation("rows", "no rows in the backtest window");
  const set = windowExamples(rows, params, state, siblings);
  standardise(set, state.featureMean, state.featureStd);
  const raw = await predictSet(
    model,
    set,
    state.featureNames.length,
    state.vocabularies.map((v) => v.length + 1),
  );
  const actual = rows.map((r) => r.actual);
  const predicted = rows.map((_, i) => Math.max(0, Math.expm1(raw[i] + set.level[i])));
  const lastValue = rows.map((r) => r.series.rawY[r.origin - r.series.start]);
  // Seasonal naive: the same period a season earlier when the history reaches it, else the last value.
  const seasonal = rows.map((r, i) => {
    const back = r.target - state.seasonLength;
    const v = state.seasonLength > 0 && back <= r.origin ? valueAt(r.series.rawY, r.series.start, back) : Number.NaN;
    return Number.isNaN(v) ? lastValue[i] : v;
  });
  const perHorizon: HorizonError[] = [];
  for (let step = 1; step <= params.horizon; step++) {
    const at = rows.flatMap((r, i) => (r.step === step ? [i] : []));
    if (at.length === 0) continue;
    const m = forecastMetrics(
      at.map((i) => actual[i]),
      at.map((i) => predicted[i]),
    );
    perHorizon.push({ step, mape: m.mape, wape: m.wape, rows: at.length });
  }
  const backtest: ForecastBacktest = {
    rows: rows.length,
    metrics: forecastMetrics(actual, predicted),
    baselines: { lastValue: forecastMetrics(actual, lastValue), seasonalNaive: forecastMetrics(actual, seasonal) },
    perHorizon,
  };
  const forecasts = rows.map((r, i) => ({
    series: r.series.key,
    time: new Date(r.series.timeMs.get(r.target) ?? state.originMs + r.target * state.periodMs).toISOString(),
    step: r.step,
    actual: actual[i],
    forecast: predicted[i],
  }));
  return { backtest, forecasts };
}
