import { validation } from "@/lib/shared/errors";
import {
  BATCH_SIZE,
  column,
  columnList,
  DROPOUT,
  EARLY_STOPPING_PATIENCE,
  flag,
  HIDDEN_UNITS,
  int,
  intList,
  L2,
  LEARNING_RATE,
  paramsSchema,
  SEED,
} from "../../param-bounds";
import { parseParams } from "../../params";
import { checkColumn, NUMERIC_TYPES, type RunContext } from "../../run-context";

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

export type ForecasterParams = {
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
};

export const FORECASTER_PARAM_BOUNDS = {
  /** Up to a year of daily periods (52 weeks, 12 months); the data must span 2 × horizon + 4 periods. */
  horizon: int(1, 366),
  timeColumn: column,
  seriesColumns: columnList(5),
  exogenous: columnList(50),
  /** Up to 16 lags, each at most 10 years of weeks back (as the recipe's lag step). */
  lags: intList(1, 16, 1, 520),
  /** 0 switches the seasonal lag off; -1 infers it from the period. */
  seasonLength: int(-1, 520),
  /** Fewer than the tabular models: every epoch passes each period once per step of the horizon. */
  epochs: int(1, 500),
  batchSize: BATCH_SIZE,
  learningRate: LEARNING_RATE,
  hiddenUnits: HIDDEN_UNITS,
  dropout: DROPOUT,
  l2: L2,
  seed: SEED,
  earlyStoppingPatience: EARLY_STOPPING_PATIENCE,
  /** Networks trained side by side: each multiplies the work. */
  ensembleSize: int(1, 10),
  refit: flag,
};

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
 * project's, not a param. Column names are checked against the data by `resolveForecasterRunParams`.
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
  if (!Number.isInteger(p.seasonLength) || p.seasonLength < -1)
    throw validation("params.seasonLength", "seasonLength must be an integer ≥ 0 (or -1 to infer it)");
  if (!Number.isInteger(p.earlyStoppingPatience) || p.earlyStoppingPatience < 0) {
    throw validation("params.earlyStoppingPatience", "earlyStoppingPatience must be an integer ≥ 0");
  }
  if (p.lags.length === 0 || p.lags.some((k) => !Number.isInteger(k) || k < 1))
    throw validation("params.lags", "lags must be a non-empty list of positive integers");
  if (p.hiddenUnits.some((u) => !Number.isInteger(u) || u < 1)) throw validation("params.hiddenUnits", "hiddenUnits must be positive integers");
  return { ...p, lags: [...new Set(p.lags)].sort((a, b) => a - b) };
}

/**
 * A run's params: a forecaster reads raw columns, the time column (the split's, else the first
 * datetime column), the series columns (every category or boolean column by default: store and
 * brand), and the exogenous columns known in advance (every other numeric column: price, advert).
 */
export function resolveForecasterRunParams(raw: unknown, ctx: RunContext): ForecasterParams {
  const p = parseParams(forecasterParamsSchema, raw);
  if (!NUMERIC_TYPES.includes(ctx.targetType)) {
    throw validation("target", `a forecast needs a numeric target; "${ctx.target}" is ${ctx.targetType}`);
  }
  const timeColumn =
    p.timeColumn ??
    (ctx.splitTimeColumn && ctx.columns.some((c) => c.name === ctx.splitTimeColumn) ? ctx.splitTimeColumn : undefined) ??
    ctx.columns.find((c) => c.type === "datetime")?.name;
  if (!timeColumn) throw validation("params.timeColumn", "timeColumn is required: the recipe has no datetime column to forecast along");
  const timeType = checkColumn(ctx, "params.timeColumn", timeColumn);
  if (timeType !== "datetime" && !NUMERIC_TYPES.includes(timeType)) {
    throw validation("params.timeColumn", `timeColumn must be a datetime or numeric column; "${timeColumn}" is ${timeType}`);
  }
  const others = ctx.columns.filter((c) => c.name !== timeColumn && c.name !== ctx.target);
  const seriesColumns = p.seriesColumns ?? others.filter((c) => c.type === "category" || c.type === "boolean").map((c) => c.name);
  for (const name of seriesColumns) checkColumn(ctx, "params.seriesColumns", name);
  const exogenous = p.exogenous ?? others.filter((c) => NUMERIC_TYPES.includes(c.type) && !seriesColumns.includes(c.name)).map((c) => c.name);
  for (const name of exogenous) {
    const type = checkColumn(ctx, "params.exogenous", name);
    if (!NUMERIC_TYPES.includes(type) && type !== "boolean")
      throw validation("params.exogenous", `exogenous columns must be numeric or boolean; "${name}" is ${type}`);
  }
  return resolveForecasterParams({ ...p, timeColumn, seriesColumns, exogenous, target: ctx.target });
}

/** A run's stored params read back: the schema's params and the target the run resolved. */
export function readForecasterParams(stored: Readonly<Record<string, unknown>>): ForecasterParams {
  const { target, ...rest } = stored;
  const p = parseParams(forecasterParamsSchema, rest);
  // An empty time column or target is refused by resolveForecasterParams, naming the param.
  return resolveForecasterParams({ ...p, timeColumn: p.timeColumn ?? "", target: typeof target === "string" ? target : "" });
}
