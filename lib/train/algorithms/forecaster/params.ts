import { validation } from "@/lib/shared/errors";
import { FORECASTER_PARAM_BOUNDS, paramsSchema } from "../../param-bounds";

/**
 * `forecaster`: one global model over many series, direct multi-horizon. Browser-safe and pure.
 *
 * An example is (series s, origin o, target period j = o + h): what is known at the origin
 * (lags of log1p(target) by time, rolling statistics, the series' level) plus what is known in
 * advance of period j (the exogenous columns of the series and of its sibling series, the step h,
 * calendar) predicts log1p(y(j)) − level(o). Sales are spiky, so the model is fitted in log space
 * with an absolute loss: its forecast is the median, which is what WAPE rewards.
 *
 * This file: its params, defaults and their checks.
 */

export interface ForecasterParams {
  /** Periods forecast ahead; also the backtest window (the last `horizon` periods of the data). */
  horizon: number;
  timeColumn: string;
  /** Columns whose values name a series (store, brand); empty for a single series. */
  seriesColumns: string[];
  target: string;
  /** Numeric or boolean columns known in advance for the forecast periods (price, advert). */
  exogenous: string[];
  /** Lag k is the value k − 1 periods before the origin, by time: lag 1 is the last known value. */
  lags: number[];
  /** Periods in a season (52 for weekly data); 0 switches the seasonal lag off; -1 infers it from the period. */
  seasonLength: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  hiddenUnits: number[];
  /** Dropout after each hidden layer. tfjs draws a seeded dropout mask once, so seeded runs reuse one mask. */
  dropout: number;
  l2: number;
  seed: number;
  earlyStoppingPatience: number;
  /** Networks trained side by side from different seeds; the forecast is their mean in log space. */
  ensembleSize: number;
  /**
   * After early stopping picked the epoch count, train again from scratch on every period up to the
   * backtest window. Off by default: on the orange-juice data it made the backtest worse.
   */
  refit: boolean;
}

export const FORECASTER_DEFAULTS = {
  horizon: 12,
  exogenous: [] as string[],
  lags: [1, 2, 3, 4],
  seasonLength: -1,
  epochs: 30,
  batchSize: 512,
  learningRate: 0.002,
  hiddenUnits: [64, 32],
  dropout: 0,
  l2: 1e-5,
  seed: 42,
  earlyStoppingPatience: 3,
  ensembleSize: 5,
  refit: false,
} satisfies Partial<ForecasterParams>;

/**
 * A forecaster's params as a run takes them (partial, strict, with FORECASTER_PARAM_BOUNDS); the target is the
 * project's, not a param. Column names are checked against the data by `resolveRunParams`.
 */
export const forecasterParamsSchema = paramsSchema(FORECASTER_PARAM_BOUNDS);

export type ForecasterInputParams = Partial<ForecasterParams> & Pick<ForecasterParams, "timeColumn" | "target">;

/** The defaults filled in and every param checked; throws a VALIDATION error naming the param. */
export function resolveForecasterParams(input: ForecasterInputParams): ForecasterParams {
  const p: ForecasterParams = { ...FORECASTER_DEFAULTS, seriesColumns: [], ...input };
  const positiveInt = (name: keyof ForecasterParams) => {
    const value = p[name];
    if (!Number.isInteger(value) || (value as number) < 1) throw validation(`params.${name}`, `${name} must be a positive integer, got ${String(value)}`);
  };
  for (const name of ["horizon", "epochs", "batchSize", "ensembleSize"] as const) positiveInt(name);
  if (!p.timeColumn) throw validation("params.timeColumn", "timeColumn is required");
  if (!p.target) throw validation("params.target", "target is required");
  if (!(p.learningRate > 0)) throw validation("params.learningRate", "learningRate must be positive");
  if (!(p.dropout >= 0 && p.dropout < 1)) throw validation("params.dropout", "dropout must be in [0, 1)");
  if (!(p.l2 >= 0)) throw validation("params.l2", "l2 must be 0 or more");
  if (!Number.isInteger(p.seed)) throw validation("params.seed", "seed must be an integer");
  if (!Number.isInteger(p.seasonLength) || p.seasonLength < -1) throw validation("params.seasonLength", "seasonLength must be an integer ≥ 0 (or -1 to infer it)");
  if (!Number.isInteger(p.earlyStoppingPatience) || p.earlyStoppingPatience < 0) {
    throw validation("params.earlyStoppingPatience", "earlyStoppingPatience must be an integer ≥ 0");
  }
  if (p.lags.length === 0 || p.lags.some((k) => !Number.isInteger(k) || k < 1)) throw validation("params.lags", "lags must be a non-empty list of positive integers");
  if (p.hiddenUnits.some((u) => !Number.isInteger(u) || u < 1)) throw validation("params.hiddenUnits", "hiddenUnits must be positive integers");
  return { ...p, lags: [...new Set(p.lags)].sort((a, b) => a - b) };
}
