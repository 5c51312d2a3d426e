import * as tf from "@tensorflow/tfjs";
import type { Cell, Row } from "@/lib/data/types";
import { mulberry32, toTimestamp } from "@/lib/prepare/split";
import { AppError } from "@/lib/shared/errors";
import { cellToNumber } from "./matrix";
import { type ForecastMetrics, forecastMetrics } from "./metrics";
import { FORECASTER_PARAM_BOUNDS, paramsSchema } from "./param-bounds";
import type { EpochLog, TrainCallbacks } from "./types";

/**
 * `forecaster`: one global model over many series, direct multi-horizon. Browser-safe and pure.
 *
 * An example is (series s, origin o, target period j = o + h): what is known at the origin
 * (lags of log1p(target) by time, rolling statistics, the series' level) plus what is known in
 * advance of period j (the exogenous columns of the series and of its sibling series, the step h,
 * calendar) predicts log1p(y(j)) − level(o). Sales are spiky, so the model is fitted in log space
 * with an absolute loss: its forecast is the median, which is what WAPE rewards.
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

/** The level a series is measured against: the mean log value over this many periods up to the origin. */
const LEVEL_WINDOW_PERIODS = 26;
/** Rolling mean and standard deviation of the log values over these windows (periods up to the origin). */
const ROLLING_WINDOWS_PERIODS = [4, 13];
/** An origin needs this many observations of its series up to it to make a training example. */
const MIN_HISTORY_OBSERVATIONS = 4;
/** Learned embedding size of a series column's values: min(cap, 1 + ceil(sqrt(distinct values))). */
const EMBEDDING_DIM_CAP = 10;
/**
 * Gaussian noise (in standard deviations) added to the numeric inputs while training. Prices are
 * set chain-wide, so exact price patterns identify a week; the noise keeps the network from
 * memorising each week's shock through them.
 */
const INPUT_NOISE_STD = 0.3;
/** Examples weigh exp(level): the log-space loss then weighs series by volume, as WAPE does. */
const LEVEL_WEIGHT_POWER = 1;
/** Week-of-year (day-of-year) features only once the data spans this many years; with less they just name weeks. */
const CALENDAR_MIN_SPAN_YEARS = 3;
/** Rows per predict call: one batched forward pass (tfjs's default batch of 32 rows is about 50× slower). */
const PREDICT_CHUNK_ROWS = 8192;
const MS_PER_DAY = 86_400_000;
const DAYS_PER_YEAR = 365.25;

export interface TailPoint {
  time: string;
  value: number;
  /** The exogenous values of that period, in `params.exogenous` order (null when missing). */
  exogenous?: (number | null)[];
}

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

/** How an exogenous column becomes a feature: log when every training value is positive, then standardised. */
interface ExogenousTransform {
  name: string;
  log: boolean;
  mean: number;
  std: number;
}

/** Everything besides the weights that turns a request into the model's inputs (JSON). */
interface ForecasterState {
  periodMs: number;
  /** Time index 0 is this timestamp; index = round((t − originMs) / periodMs). */
  originMs: number;
  seasonLength: number;
  calendar: boolean;
  /** Whether the features include the sibling series' exogenous values of the same period. */
  siblings: boolean;
  /** The largest step the model was trained on; further steps are clamped to it. */
  maxStep: number;
  /** Per series column, its values in one-hot order; index 0 is "unseen". */
  vocabularies: string[][];
  exogenous: ExogenousTransform[];
  /** Per series key: the mean of each exogenous column's standardised value over the training rows. */
  exogenousMeans: Record<string, number[]>;
  /** Level used for a series never seen (median of the series' levels). */
  fallbackLevel: number;
  featureMean: number[];
  featureStd: number[];
  featureNames: string[];
}

type FeatureState = Pick<ForecasterState, "seasonLength" | "calendar" | "maxStep" | "fallbackLevel" | "siblings">;

export interface Forecaster {
  params: ForecasterParams;
  history: EpochLog[];
  backtest: ForecastBacktest;
  /** Every row of the backtest window with its forecast (only on a freshly trained forecaster, not a loaded one). */
  backtestForecasts?: BacktestForecast[];
  /** Per series key (see `seriesKey`), the last periods of history the features need, oldest first. */
  seriesTails: Record<string, TailPoint[]>;
  featureNames: string[];
  /**
   * One forecast per request row. A row names a series (series columns), a period after the
   * series' tail (time column) and the exogenous values of that period; the sibling series'
   * exogenous values come from the other rows of the same batch with the same period (so a batch
   * of all series of a week forecasts best). Unseen series get the median level of the known ones.
   */
  predict(requests: readonly Row[]): number[];
  /** The next `horizon` periods (default params.horizon) of every series in `rows`, from their history in the rows and the stored tails. */
  forecastAhead(rows: readonly Row[], horizon?: number): Row[];
  serialize(): Promise<SerializedForecaster>;
  dispose(): void;
}

/**
 * A forecaster as data: the tfjs artifacts (`modelTopology`, `weightSpecs`, `weightData`, what
 * `model.json` and its binary weights hold) plus the JSON state the features need.
 */
export interface SerializedForecaster {
  format: "workbench-forecaster";
  formatVersion: 1;
  params: ForecasterParams;
  state: ForecasterState;
  seriesTails: Record<string, TailPoint[]>;
  backtest: ForecastBacktest;
  history: EpochLog[];
  modelTopology: object;
  weightSpecs: tf.io.WeightsManifestEntry[];
  weightData: ArrayBuffer;
}

export type ForecasterInputParams = Partial<ForecasterParams> & Pick<ForecasterParams, "timeColumn" | "target">;

const invalid = (field: string, message: string) => new AppError("VALIDATION", message, [{ field, message }]);

function cellToString(cell: Cell | undefined): string {
  return cell === null || cell === undefined ? "" : String(cell);
}

/** The key of a series: its series-column values as a JSON array of strings, e.g. `["2","dominicks"]`. */
export function seriesKey(row: Row, seriesColumns: readonly string[]): string {
  return JSON.stringify(seriesColumns.map((c) => cellToString(row[c])));
}

/** The defaults filled in and every param checked; throws a VALIDATION error naming the param. */
export function resolveForecasterParams(input: ForecasterInputParams): ForecasterParams {
  const p: ForecasterParams = { ...FORECASTER_DEFAULTS, seriesColumns: [], ...input };
  const positiveInt = (name: keyof ForecasterParams) => {
    const value = p[name];
    if (!Number.isInteger(value) || (value as number) < 1) throw invalid(`params.${name}`, `${name} must be a positive integer, got ${String(value)}`);
  };
  for (const name of ["horizon", "epochs", "batchSize", "ensembleSize"] as const) positiveInt(name);
  if (!p.timeColumn) throw invalid("params.timeColumn", "timeColumn is required");
  if (!p.target) throw invalid("params.target", "target is required");
  if (!(p.learningRate > 0)) throw invalid("params.learningRate", "learningRate must be positive");
  if (!(p.dropout >= 0 && p.dropout < 1)) throw invalid("params.dropout", "dropout must be in [0, 1)");
  if (!(p.l2 >= 0)) throw invalid("params.l2", "l2 must be 0 or more");
  if (!Number.isInteger(p.seed)) throw invalid("params.seed", "seed must be an integer");
  if (!Number.isInteger(p.seasonLength) || p.seasonLength < -1) throw invalid("params.seasonLength", "seasonLength must be an integer ≥ 0 (or -1 to infer it)");
  if (!Number.isInteger(p.earlyStoppingPatience) || p.earlyStoppingPatience < 0) {
    throw invalid("params.earlyStoppingPatience", "earlyStoppingPatience must be an integer ≥ 0");
  }
  if (p.lags.length === 0 || p.lags.some((k) => !Number.isInteger(k) || k < 1)) throw invalid("params.lags", "lags must be a non-empty list of positive integers");
  if (p.hiddenUnits.some((u) => !Number.isInteger(u) || u < 1)) throw invalid("params.hiddenUnits", "hiddenUnits must be positive integers");
  return { ...p, lags: [...new Set(p.lags)].sort((a, b) => a - b) };
}

// ---------------------------------------------------------------------------------------------
// Series: dense arrays over time indices, gaps as NaN.

interface SeriesData {
  key: string;
  /** One-hot index (1-based; 0 = unseen) of each series column's value. */
  ids: number[];
  /** The sibling group: the series-column values but the last (one store's brands). */
  group: string;
  /** Time index of the arrays' first cell. */
  start: number;
  /** log1p(target) by time index − start; NaN in gaps. */
  logY: Float64Array;
  /** The target by time index − start; NaN in gaps. */
  rawY: Float64Array;
  /** Per exogenous column, the standardised transformed value by time index − start; NaN when missing. */
  exog: Float64Array[];
  /** Per exogenous column, the series' mean standardised value (what "usual" means for it). */
  exogMeans: number[];
  /** Observed time indices, ascending. */
  observed: number[];
  /** Timestamp (ms) of each observed index. */
  timeMs: Map<number, number>;
}

interface RawPoint {
  ms: number;
  y: number;
  exog: (number | null)[];
}

const valueAt = (arr: Float64Array, start: number, index: number) => (index < start || index >= start + arr.length ? Number.NaN : arr[index - start]);

function groupKeyOf(values: readonly string[]): string {
  return JSON.stringify(values.slice(0, -1));
}

/** The median positive difference between consecutive timestamps of the same series. */
function inferPeriodMs(timesBySeries: number[][]): number {
  const steps: number[] = [];
  for (const times of timesBySeries) for (let i = 1; i < times.length; i++) if (times[i] > times[i - 1]) steps.push(times[i] - times[i - 1]);
  if (steps.length === 0) throw invalid("rows", "a forecaster needs at least two periods of one series");
  steps.sort((a, b) => a - b);
  return steps[Math.floor(steps.length / 2)];
}

/** 52 for weekly data, 12 monthly, 4 quarterly, 7 daily, 24 hourly; 0 when no natural season is known. */
function inferSeasonLength(periodMs: number): number {
  const days = periodMs / MS_PER_DAY;
  const near = (target: number) => Math.abs(days - target) / target < 0.15;
  if (near(7)) return 52;
  if (near(30.44)) return 12;
  if (near(91.3)) return 4;
  if (near(1)) return 7;
  if (near(1 / 24)) return 24;
  return 0;
}

function fitExogenous(name: string, values: number[]): ExogenousTransform {
  // Flags (0/1) stay linear; positive amounts such as prices are logged (elasticities).
  const log = values.length > 0 && values.every((v) => v > 0) && new Set(values).size > 2;
  const xs = log ? values.map(Math.log) : values;
  const [mean, std] = meanStd(xs);
  return { name, log, mean, std: std || 1 };
}

function transformExogenous(value: number | null, t: ExogenousTransform): number {
  if (value === null) return Number.NaN;
  const v = t.log ? Math.log(Math.max(value, 1e-9)) : value;
  return (v - t.mean) / t.std;
}

function untransformExogenous(z: number, t: ExogenousTransform): number | null {
  if (Number.isNaN(z)) return null;
  const v = z * t.std + t.mean;
  return t.log ? Math.exp(v) : v;
}

function buildSeries(
  key: string,
  values: string[],
  ids: number[],
  points: RawPoint[],
  state: Pick<ForecasterState, "periodMs" | "originMs" | "exogenous">,
  exogMeans: number[],
): SeriesData {
  points.sort((a, b) => a.ms - b.ms);
  const indices = points.map((p) => Math.round((p.ms - state.originMs) / state.periodMs));
  const start = indices[0];
  const length = indices[indices.length - 1] - start + 1;
  const logY = new Float64Array(length).fill(Number.NaN);
  const rawY = new Float64Array(length).fill(Number.NaN);
  const exog = state.exogenous.map(() => new Float64Array(length).fill(Number.NaN));
  const timeMs = new Map<number, number>();
  for (let i = 0; i < points.length; i++) {
    const at = indices[i] - start;
    // Two rows in one period (an irregular time step): the later one wins.
    rawY[at] = points[i].y;
    logY[at] = Math.log1p(Math.max(points[i].y, 0));
    for (let e = 0; e < exog.length; e++) exog[e][at] = transformExogenous(points[i].exog[e], state.exogenous[e]);
    timeMs.set(indices[i], points[i].ms);
  }
  return { key, ids, group: groupKeyOf(values), start, logY, rawY, exog, exogMeans, observed: [...new Set(indices)], timeMs };
}

/** The last observed index ≤ limit, or undefined. */
function lastObservedAtOrBefore(s: SeriesData, limit: number): number | undefined {
  let found: number | undefined;
  for (const i of s.observed) {
    if (i > limit) break;
    found = i;
  }
  return found;
}

// ---------------------------------------------------------------------------------------------
// Sibling series: competitors' exogenous values of the same period.

/** The exogenous values of a series at one period: standardised (`value`) and minus the series' mean (`relative`). */
interface ExogenousPoint {
  value: number[];
  relative: number[];
}

/**
 * Sums of the exogenous values of every series of a sibling group at each period, so an example
 * sees its siblings' prices and adverts of the same period (a competitor's promotion takes sales
 * away). They are known in advance, like the series' own.
 */
class SiblingIndex {
  private sums = new Map<string, { count: number; value: number[]; relative: number[] }>();

  add(group: string, j: number, point: ExogenousPoint): void {
    const key = `${j}|${group}`;
    let entry = this.sums.get(key);
    if (!entry) this.sums.set(key, (entry = { count: 0, value: point.value.map(() => 0), relative: point.relative.map(() => 0) }));
    entry.count++;
    for (let e = 0; e < point.value.length; e++) {
      entry.value[e] += point.value[e];
      entry.relative[e] += point.relative[e];
    }
  }

  /** The mean over the group's other series at period j (`own` is taken out when given); null when there are none. */
  context(group: string, j: number, own: ExogenousPoint | null): ExogenousPoint | null {
    const entry = this.sums.get(`${j}|${group}`);
    const count = entry ? entry.count - (own ? 1 : 0) : 0;
    if (!entry || count <= 0) return null;
    return {
      value: entry.value.map((v, e) => (v - (own ? own.value[e] : 0)) / count),
      relative: entry.relative.map((v, e) => (v - (own ? own.relative[e] : 0)) / count),
    };
  }
}

function exogenousPointOf(value: number[], means: number[]): ExogenousPoint | null {
  if (value.some(Number.isNaN)) return null;
  return { value, relative: value.map((v, e) => v - (means[e] ?? 0)) };
}

/** A series' exogenous point at period j, or null when a value is missing. */
function exogenousPointAt(s: SeriesData, j: number): ExogenousPoint | null {
  return exogenousPointOf(s.exog.map((e) => valueAt(e, s.start, j)), s.exogMeans);
}

function siblingIndexOf(series: readonly SeriesData[]): SiblingIndex {
  const index = new SiblingIndex();
  for (const s of series) {
    for (const j of s.observed) {
      const point = exogenousPointAt(s, j);
      if (point) index.add(s.group, j, point);
    }
  }
  return index;
}

// ---------------------------------------------------------------------------------------------
// Features.

function featureNamesFor(params: ForecasterParams, state: FeatureState): string[] {
  const names: string[] = [];
  for (const k of params.lags) names.push(`lag${k}`, `lag${k}_missing`);
  for (const w of ROLLING_WINDOWS_PERIODS) names.push(`rollingMean${w}`, `rollingStd${w}`);
  if (state.seasonLength > 0) names.push(`season${state.seasonLength}`, `season${state.seasonLength}_missing`);
  names.push("level", "step");
  if (state.calendar) names.push("yearSin", "yearCos");
  for (const e of params.exogenous) names.push(e, `${e}_vsSeriesMean`, `${e}_atOrigin_vsSeriesMean`);
  if (state.siblings) {
    for (const e of params.exogenous) names.push(`${e}_siblings`, `${e}_siblings_vsSeriesMean`);
    names.push("siblings_missing");
  }
  return names;
}

interface Origin {
  /** Mean log value over the level window: what the target and the lags are measured against. */
  level: number;
  /** The lag and rolling features, which depend only on the origin. */
  features: number[];
}

function meanStd(values: readonly number[]): [number, number] {
  if (values.length === 0) return [0, 0];
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length;
  return [mean, Math.sqrt(variance)];
}

/** The observed log values of a series in (o − window, o]. */
function windowValues(s: SeriesData, o: number, window: number): number[] {
  const out: number[] = [];
  for (let i = o - window + 1; i <= o; i++) {
    const v = valueAt(s.logY, s.start, i);
    if (!Number.isNaN(v)) out.push(v);
  }
  return out;
}

function originOf(s: SeriesData, o: number, params: ForecasterParams): Origin {
  const recent = windowValues(s, o, LEVEL_WINDOW_PERIODS);
  const level = recent.length ? meanStd(recent)[0] : valueAt(s.logY, s.start, o);
  const features: number[] = [];
  for (const k of params.lags) {
    // Lags go by time, not by row: a gap is the series' recent mean (0 once the level is subtracted), flagged.
    const v = valueAt(s.logY, s.start, o - k + 1);
    if (Number.isNaN(v)) features.push(0, 1);
    else features.push(v - level, 0);
  }
  for (const w of ROLLING_WINDOWS_PERIODS) {
    const values = windowValues(s, o, w);
    const [mean, std] = meanStd(values);
    features.push(values.length ? mean - level : 0, std);
  }
  return { level, features };
}

/** An unseen series (or a request before its tail): the median level, every lag missing. */
function emptyOrigin(params: ForecasterParams, state: FeatureState): Origin {
  return { level: state.fallbackLevel, features: [...params.lags.flatMap(() => [0, 1]), ...ROLLING_WINDOWS_PERIODS.flatMap(() => [0, 0])] };
}

function calendarFeatures(ms: number): [number, number] {
  const startOfYear = Date.UTC(new Date(ms).getUTCFullYear(), 0, 1);
  const angle = (2 * Math.PI * ((ms - startOfYear) / MS_PER_DAY)) / DAYS_PER_YEAR;
  return [Math.sin(angle), Math.cos(angle)];
}

/** What an example knows of its target period j: its time, the series' own exogenous values, the siblings'. */
interface TargetInfo {
  j: number;
  ms: number;
  /** Standardised exogenous values of period j; NaN when missing. */
  exog: number[];
  siblings: ExogenousPoint | null;
}

/** The numeric features of one example (before standardisation), in `featureNamesFor` order. */
function exampleFeatures(s: SeriesData | undefined, o: number, origin: Origin, target: TargetInfo, params: ForecasterParams, state: FeatureState): number[] {
  const out = [...origin.features];
  if (state.seasonLength > 0) {
    const back = target.j - state.seasonLength;
    const v = s && back <= o ? valueAt(s.logY, s.start, back) : Number.NaN;
    if (Number.isNaN(v)) out.push(0, 1);
    else out.push(v - origin.level, 0);
  }
  out.push(origin.level - state.fallbackLevel, Math.min(target.j - o, state.maxStep) / params.horizon);
  if (state.calendar) out.push(...calendarFeatures(target.ms));
  for (let e = 0; e < params.exogenous.length; e++) {
    const mean = s?.exogMeans[e] ?? 0;
    // A missing exogenous value is taken as the series' usual one.
    const atTarget = Number.isNaN(target.exog[e]) ? mean : target.exog[e];
    const atOrigin = s ? valueAt(s.exog[e], s.start, o) : Number.NaN;
    out.push(atTarget, atTarget - mean, Number.isNaN(atOrigin) ? 0 : atOrigin - mean);
  }
  if (state.siblings) {
    const sib = target.siblings;
    for (let e = 0; e < params.exogenous.length; e++) out.push(sib ? sib.value[e] : 0, sib ? sib.relative[e] : 0);
    out.push(sib ? 0 : 1);
  }
  return out;
}

function seriesTarget(s: SeriesData, j: number, siblings: SiblingIndex): TargetInfo {
  return { j, ms: s.timeMs.get(j)!, exog: s.exog.map((e) => valueAt(e, s.start, j)), siblings: siblings.context(s.group, j, exogenousPointAt(s, j)) };
}

// ---------------------------------------------------------------------------------------------
// Examples.

interface ExampleSet {
  /** Shape: [n, features]. */
  x: Float32Array;
  /** Shape: [n, series columns]; one-hot indices. */
  ids: Int32Array;
  /** log1p(y) − level. Shape: [n]. */
  y: Float32Array;
  /** The origin's level. Shape: [n]. */
  level: Float32Array;
  n: number;
}

class ExampleBuilder {
  private x: number[] = [];
  private ids: number[] = [];
  private y: number[] = [];
  private level: number[] = [];
  n = 0;

  push(features: number[], ids: number[], target: number, level: number): void {
    for (const f of features) this.x.push(f);
    for (const id of ids) this.ids.push(id);
    this.y.push(target);
    this.level.push(level);
    this.n++;
  }

  build(): ExampleSet {
    return { x: Float32Array.from(this.x), ids: Int32Array.from(this.ids), y: Float32Array.from(this.y), level: Float32Array.from(this.level), n: this.n };
  }
}

/** Every (origin, target) pair of a series with step ≤ horizon and firstTarget ≤ target ≤ lastTarget (rolling origins). */
function addExamples(s: SeriesData, firstTarget: number, lastTarget: number, params: ForecasterParams, state: FeatureState, siblings: SiblingIndex, out: ExampleBuilder): void {
  const obs = s.observed;
  for (let p = MIN_HISTORY_OBSERVATIONS - 1; p < obs.length - 1; p++) {
    const o = obs[p];
    if (o >= lastTarget) break;
    if (o + params.horizon < firstTarget) continue;
    const origin = originOf(s, o, params);
    for (let q = p + 1; q < obs.length; q++) {
      const j = obs[q];
      if (j - o > params.horizon || j > lastTarget) break;
      if (j < firstTarget) continue;
      const features = exampleFeatures(s, o, origin, seriesTarget(s, j, siblings), params, state);
      out.push(features, s.ids, s.logY[j - s.start] - origin.level, origin.level);
    }
  }
}

interface WindowRow {
  series: SeriesData;
  origin: number;
  target: number;
  /** target − cutoff: 1 … horizon. */
  step: number;
  actual: number;
}

/** The rows of every series in (cutoff, cutoff + horizon], each forecast from the series' last period ≤ cutoff. */
function windowRows(series: readonly SeriesData[], cutoff: number, horizon: number): WindowRow[] {
  const rows: WindowRow[] = [];
  for (const s of series) {
    const origin = lastObservedAtOrBefore(s, cutoff);
    if (origin === undefined) continue;
    for (const j of s.observed) {
      if (j <= cutoff || j > cutoff + horizon) continue;
      rows.push({ series: s, origin, target: j, step: j - cutoff, actual: s.rawY[j - s.start] });
    }
  }
  return rows;
}

function windowExamples(rows: readonly WindowRow[], params: ForecasterParams, state: FeatureState, siblings: SiblingIndex): ExampleSet {
  const builder = new ExampleBuilder();
  const origins = new Map<SeriesData, Origin>();
  for (const r of rows) {
    const s = r.series;
    let origin = origins.get(s);
    if (!origin) origins.set(s, (origin = originOf(s, r.origin, params)));
    const features = exampleFeatures(s, r.origin, origin, seriesTarget(s, r.target, siblings), params, state);
    builder.push(features, s.ids, s.logY[r.target - s.start] - origin.level, origin.level);
  }
  return builder.build();
}

function fitScaling(set: ExampleSet, f: number): { mean: number[]; std: number[] } {
  const sum = new Array<number>(f).fill(0);
  const sumSq = new Array<number>(f).fill(0);
  for (let i = 0; i < set.n; i++) {
    for (let c = 0; c < f; c++) {
      const v = set.x[i * f + c];
      sum[c] += v;
      sumSq[c] += v * v;
    }
  }
  const n = Math.max(set.n, 1);
  const mean = sum.map((s) => s / n);
  return { mean, std: mean.map((m, c) => Math.sqrt(Math.max(sumSq[c] / n - m * m, 0)) || 1) };
}

function standardise(set: ExampleSet, mean: readonly number[], std: readonly number[]): void {
  const f = mean.length;
  for (let i = 0; i < set.n; i++) for (let c = 0; c < f; c++) set.x[i * f + c] = (set.x[i * f + c] - mean[c]) / std[c];
}

/** Example weights exp(level)^LEVEL_WEIGHT_POWER, scaled to mean 1. Shape: [n]. */
function exampleWeights(set: ExampleSet): Float32Array {
  const w = new Float32Array(set.n);
  let sum = 0;
  for (let i = 0; i < set.n; i++) sum += w[i] = Math.exp(LEVEL_WEIGHT_POWER * set.level[i]);
  for (let i = 0; i < set.n; i++) w[i] *= set.n / sum;
  return w;
}

function weightedAbsoluteError(a: ArrayLike<number>, b: ArrayLike<number>, w: ArrayLike<number>): number {
  let sum = 0;
  let total = 0;
  for (let i = 0; i < a.length; i++) {
    sum += w[i] * Math.abs(a[i] - b[i]);
    total += w[i];
  }
  return total > 0 ? sum / total : Number.NaN;
}

// ---------------------------------------------------------------------------------------------
// Model.

interface Network {
  /** Serving model: the members' mean. Inputs `numeric` Shape: [batch, features] and `series_<c>` Shape: [batch, vocabulary + 1]; output Shape: [batch, 1]. */
  model: tf.LayersModel;
  /** The same layers with one output per member (what training fits). Output Shape: ensembleSize × [batch, 1]. */
  members: tf.LayersModel;
}

/**
 * Per member: the numeric features and, per series column, its one-hot value through a bias-free
 * dense layer (an embedding), concatenated, through dense ReLU layers to one output
 * (log1p(y) − level). The one-hot is built outside the model: the Embedding layer's gradient
 * needs a kernel (UnsortedSegmentSum) the wasm backend lacks.
 */
function buildNetwork(params: ForecasterParams, featureCount: number, vocabularies: string[][]): Network {
  const numeric = tf.input({ shape: [featureCount], name: "numeric" });
  const idInputs = vocabularies.map((vocab, c) => tf.input({ shape: [vocab.length + 1], name: `series_${c}` }));
  const outputs: tf.SymbolicTensor[] = [];
  for (let m = 0; m < params.ensembleSize; m++) {
    const seed = params.seed + 1000 * m;
    const parts: tf.SymbolicTensor[] = [numeric];
    vocabularies.forEach((vocab, c) => {
      const units = Math.min(EMBEDDING_DIM_CAP, 1 + Math.ceil(Math.sqrt(vocab.length)));
      const init = tf.initializers.randomUniform({ minval: -0.05, maxval: 0.05, seed: seed + 101 + c });
      parts.push(tf.layers.dense({ units, useBias: false, kernelInitializer: init, name: `m${m}_embedding_${c}` }).apply(idInputs[c]) as tf.SymbolicTensor);
    });
    let h = parts.length > 1 ? (tf.layers.concatenate({ name: `m${m}_features` }).apply(parts) as tf.SymbolicTensor) : numeric;
    params.hiddenUnits.forEach((units, i) => {
      const init = tf.initializers.heNormal({ seed: seed + i });
      h = tf.layers.dense({ units, activation: "relu", kernelInitializer: init, name: `m${m}_hidden_${i}` }).apply(h) as tf.SymbolicTensor;
      if (params.dropout > 0) h = tf.layers.dropout({ rate: params.dropout, seed: seed + 50 + i, name: `m${m}_dropout_${i}` }).apply(h) as tf.SymbolicTensor;
    });
    const init = tf.initializers.glorotUniform({ seed: seed + 99 });
    outputs.push(tf.layers.dense({ units: 1, kernelInitializer: init, name: `m${m}_output` }).apply(h) as tf.SymbolicTensor);
  }
  const inputs = [numeric, ...idInputs];
  const mean = outputs.length > 1 ? (tf.layers.average({ name: "ensemble" }).apply(outputs) as tf.SymbolicTensor) : outputs[0];
  return { model: tf.model({ inputs, outputs: mean, name: "forecaster" }), members: tf.model({ inputs, outputs }) };
}

/** Resident tensors of a set: numeric Shape: [n, features]; one int32 Shape: [n] per series column; y Shape: [n, 1]. */
interface SetTensors {
  numeric: tf.Tensor2D;
  ids: tf.Tensor1D[];
  y: tf.Tensor2D;
}

function setTensors(set: ExampleSet, featureCount: number, idCount: number, from = 0, to = set.n): SetTensors {
  const n = to - from;
  const ids: tf.Tensor1D[] = [];
  for (let c = 0; c < idCount; c++) {
    const column = new Int32Array(n);
    for (let i = 0; i < n; i++) column[i] = set.ids[(from + i) * idCount + c];
    ids.push(tf.tensor1d(column, "int32"));
  }
  return {
    numeric: tf.tensor2d(set.x.subarray(from * featureCount, to * featureCount), [n, featureCount]),
    ids,
    y: tf.tensor2d(set.y.subarray(from, to), [n, 1]),
  };
}

const disposeSet = (t: SetTensors) => tf.dispose([t.numeric, t.y, ...t.ids]);

/** The model's inputs for some rows of resident tensors (all rows when `rows` is absent). */
function modelInputs(t: SetTensors, depths: readonly number[], rows?: tf.Tensor1D): tf.Tensor[] {
  return tf.tidy(() => [
    rows ? tf.gather(t.numeric, rows) : t.numeric.clone(),
    ...t.ids.map((ids, c) => tf.oneHot(rows ? tf.gather(ids, rows) : ids, depths[c]).toFloat()),
  ]);
}

/** The model's outputs for a set, in chunks of one batched forward pass each. Shape: [n]. */
async function predictSet(model: tf.LayersModel, set: ExampleSet, featureCount: number, depths: readonly number[]): Promise<Float32Array> {
  const out = new Float32Array(set.n);
  for (let from = 0; from < set.n; from += PREDICT_CHUNK_ROWS) {
    const to = Math.min(set.n, from + PREDICT_CHUNK_ROWS);
    const t = setTensors(set, featureCount, depths.length, from, to);
    const y = tf.tidy(() => model.predict(modelInputs(t, depths), { batchSize: to - from }) as tf.Tensor);
    out.set(await y.data(), from);
    tf.dispose(y);
    disposeSet(t);
  }
  return out;
}

/** The same as predictSet, synchronously: `Forecaster.predict` answers without a promise. */
function predictSetSync(model: tf.LayersModel, set: ExampleSet, featureCount: number, depths: readonly number[]): Float32Array {
  const out = new Float32Array(set.n);
  for (let from = 0; from < set.n; from += PREDICT_CHUNK_ROWS) {
    const to = Math.min(set.n, from + PREDICT_CHUNK_ROWS);
    const t = setTensors(set, featureCount, depths.length, from, to);
    out.set(tf.tidy(() => (model.predict(modelInputs(t, depths), { batchSize: to - from }) as tf.Tensor).dataSync()), from);
    disposeSet(t);
  }
  return out;
}

interface FitOptions {
  epochs: number;
  validation?: ExampleSet;
  callbacks?: TrainCallbacks;
  /** Epoch numbers in the history continue from here. */
  epochOffset: number;
  totalEpochs: number;
  history: EpochLog[];
}

/** A seeded Fisher–Yates shuffle of 0 … n − 1 in place (tfjs's own shuffle uses Math.random). */
function shuffleInPlace(order: Int32Array, random: () => number): void {
  for (let i = 0; i < order.length; i++) order[i] = i;
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
}

/**
 * Trains the members on a seeded shuffle with Adam, a volume-weighted absolute loss, L2 on the
 * kernels and seeded input noise; keeps the weights of the best validation epoch and stops after
 * `earlyStoppingPatience` epochs without improvement. Returns the best epoch (1-based; the last
 * one without validation).
 */
async function fitNetwork(network: Network, train: ExampleSet, params: ForecasterParams, featureCount: number, depths: readonly number[], options: FitOptions): Promise<number> {
  const { model, members } = network;
  const random = mulberry32(params.seed);
  const all = setTensors(train, featureCount, depths.length);
  const weights = tf.tensor2d(exampleWeights(train), [train.n, 1]);
  const validationWeights = options.validation ? exampleWeights(options.validation) : undefined;
  const optimizer = tf.train.adam(params.learningRate);
  const variables = members.trainableWeights.map((w) => w.read() as tf.Variable);
  const kernels = members.trainableWeights.filter((w) => w.name.includes("kernel")).map((w) => w.read());
  let best = Number.POSITIVE_INFINITY;
  let bestEpoch = 0;
  let bestWeights: tf.Tensor[] | undefined;
  let stopped = false;
  let batchNumber = 0;
  const order = new Int32Array(train.n);
  try {
    for (let epoch = 1; epoch <= options.epochs && !stopped; epoch++) {
      shuffleInPlace(order, random);
      let lossSum = 0;
      for (let from = 0; from < train.n && !stopped; from += params.batchSize) {
        const to = Math.min(train.n, from + params.batchSize);
        const rows = tf.tensor1d(order.subarray(from, to), "int32");
        const inputs = modelInputs(all, depths, rows);
        const y = tf.gather(all.y, rows);
        const w = tf.gather(weights, rows);
        const noiseSeed = params.seed * 7919 + ++batchNumber;
        try {
          const cost = optimizer.minimize(
            () => {
              const noise = tf.randomNormal(inputs[0].shape, 0, INPUT_NOISE_STD, "float32", noiseSeed);
              const outputs = members.apply([tf.add(inputs[0], noise), ...inputs.slice(1)], { training: true }) as tf.Tensor | tf.Tensor[];
              // Each member is fitted to the target on its own (not their mean), so they stay diverse.
              const predicted = Array.isArray(outputs) ? tf.concat(outputs, 1) : outputs;
              const perMember = tf.div(tf.sum(tf.mul(w, tf.abs(tf.sub(predicted, y)))), tf.sum(w));
              const penalty = params.l2 > 0 && kernels.length ? tf.mul(params.l2, tf.addN(kernels.map((k) => tf.sum(tf.square(k))))) : tf.scalar(0);
              return tf.add(perMember, penalty) as tf.Scalar;
            },
            true,
            variables,
          )!;
          lossSum += ((await cost.data())[0] / params.ensembleSize) * (to - from);
          cost.dispose();
        } finally {
          tf.dispose([rows, y, w, ...inputs]);
        }
        if (options.callbacks?.shouldStop?.()) stopped = true;
      }
      const loss = lossSum / train.n;
      if (!Number.isFinite(loss)) {
        const message = `training diverged (loss ${loss}): lower learningRate`;
        throw new AppError("VALIDATION", message, [{ field: "params.learningRate", message }]);
      }
      const log: EpochLog = { epoch: options.epochOffset + epoch, loss };
      if (options.validation && validationWeights && options.validation.n > 0) {
        const predictions = await predictSet(model, options.validation, featureCount, depths);
        log.valLoss = weightedAbsoluteError(predictions, options.validation.y, validationWeights);
        if (log.valLoss < best - 1e-6) {
          best = log.valLoss;
          bestEpoch = epoch;
          tf.dispose(bestWeights);
          bestWeights = model.getWeights().map((t) => t.clone());
        } else if (params.earlyStoppingPatience > 0 && epoch - bestEpoch >= params.earlyStoppingPatience) {
          stopped = true;
        }
      } else {
        bestEpoch = epoch;
      }
      options.history.push(log);
      await options.callbacks?.onEpoch?.(log, options.totalEpochs);
      if (options.callbacks?.shouldStop?.()) stopped = true;
    }
    if (bestWeights) model.setWeights(bestWeights);
  } finally {
    disposeSet(all);
    tf.dispose([weights, ...(bestWeights ?? [])]);
    optimizer.dispose();
  }
  return Math.max(bestEpoch, 1);
}

// ---------------------------------------------------------------------------------------------
// Training.

/**
 * Trains a global forecaster and backtests it on the last `horizon` periods of the data: the
 * rows of every series after the cutoff (the latest period minus `horizon`), each forecast from
 * its series' last period before the cutoff with the exogenous values of its period known.
 * Early stopping watches the `horizon` periods before the cutoff (rolling origins); training uses
 * the periods before those (and, with `refit`, everything up to the cutoff afterwards).
 */
export async function trainForecaster(input: { rows: readonly Row[]; params: ForecasterInputParams; callbacks?: TrainCallbacks }): Promise<Forecaster> {
  const params = resolveForecasterParams(input.params);
  const { rows } = input;
  for (const c of [params.timeColumn, params.target, ...params.seriesColumns, ...params.exogenous]) {
    if (!rows.some((r) => Object.hasOwn(r, c))) throw invalid("params", `column "${c}" is not in the data`);
  }

  // Group the rows by series; rows without a time or a numeric target cannot be used.
  const groups = new Map<string, { values: string[]; points: RawPoint[] }>();
  let timesAreDates = false;
  for (const row of rows) {
    const ms = toTimestamp(row[params.timeColumn]);
    const y = cellToNumber(row[params.target]);
    if (ms === null || y === null) continue;
    timesAreDates ||= typeof row[params.timeColumn] === "string";
    const key = seriesKey(row, params.seriesColumns);
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { values: params.seriesColumns.map((c) => cellToString(row[c])), points: [] }));
    group.points.push({ ms, y, exog: params.exogenous.map((c) => cellToNumber(row[c])) });
  }
  if (groups.size === 0) throw invalid("rows", `no rows with both a time in "${params.timeColumn}" and a number in "${params.target}"`);

  const timesBySeries = [...groups.values()].map((g) => g.points.map((p) => p.ms).sort((a, b) => a - b));
  const periodMs = inferPeriodMs(timesBySeries);
  const originMs = Math.min(...timesBySeries.map((t) => t[0]));
  const lastMs = Math.max(...timesBySeries.map((t) => t[t.length - 1]));
  const lastIndex = Math.round((lastMs - originMs) / periodMs);
  const cutoff = lastIndex - params.horizon;
  const validationCutoff = cutoff - params.horizon;
  if (validationCutoff < MIN_HISTORY_OBSERVATIONS) {
    throw invalid(
      "params.horizon",
      `the data spans ${lastIndex + 1} periods: too few for a horizon of ${params.horizon} (needs more than ${2 * params.horizon + MIN_HISTORY_OBSERVATIONS}: a backtest and a validation window of ${params.horizon} each, and history before them)`,
    );
  }
  const seasonLength = params.seasonLength >= 0 ? params.seasonLength : inferSeasonLength(periodMs);
  const calendar = timesAreDates && (lastMs - originMs) / MS_PER_DAY / DAYS_PER_YEAR >= CALENDAR_MIN_SPAN_YEARS;

  // Exogenous transforms and per-series means come from the rows up to the cutoff.
  const cutoffMs = originMs + cutoff * periodMs + periodMs / 2;
  const exogenous = params.exogenous.map((name, e) => {
    const values: number[] = [];
    for (const g of groups.values()) for (const p of g.points) if (p.ms <= cutoffMs && p.exog[e] !== null) values.push(p.exog[e]!);
    return fitExogenous(name, values);
  });
  const vocabularies = params.seriesColumns.map((_, c) => [...new Set([...groups.values()].map((g) => g.values[c]))].sort());
  const vocabIndex = vocabularies.map((vocab) => new Map(vocab.map((v, i) => [v, i + 1])));
  const series: SeriesData[] = [];
  const exogenousMeans: Record<string, number[]> = {};
  for (const [key, g] of groups) {
    exogenousMeans[key] = exogenous.map((t, e) => meanStd(g.points.filter((p) => p.ms <= cutoffMs && p.exog[e] !== null).map((p) => transformExogenous(p.exog[e], t)))[0]);
    const ids = g.values.map((v, c) => vocabIndex[c].get(v)!);
    series.push(buildSeries(key, g.values, ids, g.points, { periodMs, originMs, exogenous }, exogenousMeans[key]));
  }
  const levels = series
    .map((s) => lastObservedAtOrBefore(s, cutoff))
    .flatMap((o, i) => (o === undefined ? [] : [originOf(series[i], o, params).level]))
    .sort((a, b) => a - b);
  const fallbackLevel = levels.length ? levels[Math.floor(levels.length / 2)] : 0;

  const featureState: FeatureState = {
    seasonLength,
    calendar,
    maxStep: params.horizon,
    fallbackLevel,
    siblings: params.exogenous.length > 0 && series.length > 1,
  };
  const featureNames = featureNamesFor(params, featureState);
  const featureCount = featureNames.length;
  const depths = vocabularies.map((v) => v.length + 1);
  const siblings = siblingIndexOf(series);

  const examples = (first: number, last: number) => {
    const builder = new ExampleBuilder();
    for (const s of series) addExamples(s, first, last, params, featureState, siblings, builder);
    return builder.build();
  };
  const trainSet = examples(Number.NEGATIVE_INFINITY, validationCutoff);
  if (trainSet.n === 0) throw invalid("rows", "too few rows per series to build training examples");
  const validation = examples(validationCutoff + 1, cutoff);
  const scaling = fitScaling(trainSet, featureCount);
  standardise(trainSet, scaling.mean, scaling.std);
  standardise(validation, scaling.mean, scaling.std);

  const history: EpochLog[] = [];
  let network = buildNetwork(params, featureCount, vocabularies);
  try {
    const bestEpoch = await fitNetwork(network, trainSet, params, featureCount, depths, {
      epochs: params.epochs,
      validation,
      callbacks: input.callbacks,
      epochOffset: 0,
      totalEpochs: params.epochs,
      history,
    });
    if (params.refit && !input.callbacks?.shouldStop?.()) {
      const fullSet = examples(Number.NEGATIVE_INFINITY, cutoff);
      standardise(fullSet, scaling.mean, scaling.std);
      network.model.dispose();
      network = buildNetwork(params, featureCount, vocabularies);
      await fitNetwork(network, fullSet, params, featureCount, depths, {
        epochs: bestEpoch,
        callbacks: input.callbacks,
        epochOffset: history.length,
        totalEpochs: history.length + bestEpoch,
        history,
      });
    }
  } catch (e) {
    network.model.dispose();
    throw e;
  }

  const state: ForecasterState = {
    ...featureState,
    periodMs,
    originMs,
    vocabularies,
    exogenous,
    exogenousMeans,
    featureMean: scaling.mean,
    featureStd: scaling.std,
    featureNames,
  };
  const { backtest, forecasts } = await runBacktest(network.model, windowRows(series, cutoff, params.horizon), params, state, siblings);
  return { ...makeForecaster(network.model, params, state, buildTails(series, params, state), backtest, history), backtestForecasts: forecasts };
}

/** The model against last value and seasonal naive on exactly the same rows. */
async function runBacktest(
  model: tf.LayersModel,
  rows: WindowRow[],
  params: ForecasterParams,
  state: ForecasterState,
  siblings: SiblingIndex,
): Promise<{ backtest: ForecastBacktest; forecasts: BacktestForecast[] }> {
  if (rows.length === 0) throw invalid("rows", "no rows in the backtest window");
  const set = windowExamples(rows, params, state, siblings);
  standardise(set, state.featureMean, state.featureStd);
  const raw = await predictSet(model, set, state.featureNames.length, state.vocabularies.map((v) => v.length + 1));
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

/** The periods the features need before a series' last period: lags, rolling and level windows, season. */
function tailPeriods(params: ForecasterParams, seasonLength: number): number {
  return Math.max(params.lags[params.lags.length - 1], LEVEL_WINDOW_PERIODS, ...ROLLING_WINDOWS_PERIODS, seasonLength);
}

/** Each series' last `tailPeriods` periods of history (by time), with their exogenous values. */
function buildTails(series: readonly SeriesData[], params: ForecasterParams, state: ForecasterState): Record<string, TailPoint[]> {
  const keep = tailPeriods(params, state.seasonLength);
  const tails: Record<string, TailPoint[]> = {};
  for (const s of series) {
    const last = s.observed[s.observed.length - 1];
    tails[s.key] = s.observed
      .filter((i) => i > last - keep)
      .map((i) => {
        const point: TailPoint = { time: new Date(s.timeMs.get(i)!).toISOString(), value: s.rawY[i - s.start] };
        if (params.exogenous.length) point.exogenous = s.exog.map((e, k) => untransformExogenous(e[i - s.start], state.exogenous[k]));
        return point;
      });
  }
  return tails;
}

// ---------------------------------------------------------------------------------------------
// The trained forecaster.

function makeForecaster(
  model: tf.LayersModel,
  params: ForecasterParams,
  state: ForecasterState,
  seriesTails: Record<string, TailPoint[]>,
  backtest: ForecastBacktest,
  history: EpochLog[],
): Forecaster {
  const depths = state.vocabularies.map((v) => v.length + 1);
  const vocabIndex = state.vocabularies.map((vocab) => new Map(vocab.map((v, i) => [v, i + 1])));
  const noMeans = params.exogenous.map(() => 0);
  // Series rebuilt from their tails once, on first use.
  const tailSeries = new Map<string, SeriesData | null>();
  const tailPoints = (key: string): RawPoint[] =>
    (seriesTails[key] ?? []).map((p) => ({ ms: Date.parse(p.time), y: p.value, exog: p.exogenous ?? params.exogenous.map(() => null) }));
  const seriesOf = (key: string, values: string[], points: RawPoint[]): SeriesData | null =>
    points.length
      ? buildSeries(
          key,
          values,
          values.map((v, c) => vocabIndex[c].get(v) ?? 0),
          points,
          state,
          state.exogenousMeans[key] ?? noMeans,
        )
      : null;
  const seriesFor = (key: string, values: string[], override?: Map<string, SeriesData | null>): SeriesData | null => {
    if (override?.has(key)) return override.get(key)!;
    let s = tailSeries.get(key);
    if (s !== undefined) return s;
    s = seriesOf(key, values, tailPoints(key));
    tailSeries.set(key, s);
    return s;
  };

  /**
   * The next `horizon` periods of every series in `rows`. Rows with a target value are history:
   * they extend the series' stored tail (newer history than the model saw). Rows without one are
   * periods to come whose known-ahead values (price, advert) the forecast uses; periods the rows do
   * not supply are forecast with those values unknown. One output row per series and period.
   */
  function forecastAhead(rows: readonly Row[], horizon = params.horizon): Row[] {
    const history = new Map<string, { values: string[]; points: RawPoint[] }>();
    const ahead = new Map<string, Map<number, Row>>();
    for (const row of rows) {
      const ms = toTimestamp(row[params.timeColumn]);
      if (ms === null) continue;
      const key = seriesKey(row, params.seriesColumns);
      const values = params.seriesColumns.map((c) => cellToString(row[c]));
      const entry = history.get(key) ?? { values, points: [] };
      history.set(key, entry);
      const y = cellToNumber(row[params.target]);
      if (y !== null) entry.points.push({ ms, y, exog: params.exogenous.map((c) => cellToNumber(row[c])) });
      else {
        const byPeriod = ahead.get(key) ?? new Map<number, Row>();
        byPeriod.set(Math.round((ms - state.originMs) / state.periodMs), row);
        ahead.set(key, byPeriod);
      }
    }
    const override = new Map<string, SeriesData | null>();
    const requests: Row[] = [];
    for (const [key, { values, points }] of history) {
      // History in the rows wins over the stored tail for the same period.
      const seen = new Set(points.map((p) => Math.round((p.ms - state.originMs) / state.periodMs)));
      const merged = [...tailPoints(key).filter((p) => !seen.has(Math.round((p.ms - state.originMs) / state.periodMs))), ...points];
      const s = seriesOf(key, values, merged);
      override.set(key, s);
      const last = s ? s.observed[s.observed.length - 1] : Math.max(...(ahead.get(key)?.keys() ?? [0])) - horizon;
      for (let h = 1; h <= horizon; h++) {
        const j = last + h;
        const known = ahead.get(key)?.get(j);
        const base: Row = Object.fromEntries(params.seriesColumns.map((c, i) => [c, values[i]]));
        base[params.timeColumn] = new Date(state.originMs + j * state.periodMs).toISOString();
        for (const c of params.exogenous) base[c] = known?.[c] ?? null;
        requests.push(base);
      }
    }
    const predictions = predictWith(requests, override);
    return requests.map((r, i) => ({ ...r, prediction: predictions[i] }));
  }

  function predict(requests: readonly Row[]): number[] {
    return predictWith(requests);
  }

  function predictWith(requests: readonly Row[], override?: Map<string, SeriesData | null>): number[] {
    // First pass: each request's series, period and exogenous values; the batch is also where the
    // sibling series' exogenous values of the same period come from.
    const parsed = requests.map((row, i) => {
      const key = seriesKey(row, params.seriesColumns);
      const values = params.seriesColumns.map((c) => cellToString(row[c]));
      const ms = toTimestamp(row[params.timeColumn]);
      if (ms === null) throw invalid(`rows.${i}.${params.timeColumn}`, `a forecast request needs a time in "${params.timeColumn}"`);
      const exog = params.exogenous.map((c, e) => transformExogenous(cellToNumber(row[c]), state.exogenous[e]));
      const own = exogenousPointOf(exog, state.exogenousMeans[key] ?? noMeans);
      return { key, values, group: groupKeyOf(values), ms, j: Math.round((ms - state.originMs) / state.periodMs), exog, own };
    });
    const siblings = new SiblingIndex();
    for (const r of parsed) if (r.own) siblings.add(r.group, r.j, r.own);

    const builder = new ExampleBuilder();
    for (const r of parsed) {
      const target: TargetInfo = { j: r.j, ms: r.ms, exog: r.exog, siblings: state.siblings ? siblings.context(r.group, r.j, r.own) : null };
      const s = seriesFor(r.key, r.values, override);
      const o = s ? lastObservedAtOrBefore(s, r.j - 1) : undefined;
      if (!s || o === undefined) {
        const origin = emptyOrigin(params, state);
        const ids = r.values.map((v, c) => vocabIndex[c].get(v) ?? 0);
        builder.push(exampleFeatures(undefined, r.j - 1, origin, target, params, state), ids, 0, origin.level);
        continue;
      }
      const origin = originOf(s, o, params);
      builder.push(exampleFeatures(s, o, origin, target, params, state), s.ids, 0, origin.level);
    }
    const set = builder.build();
    if (set.n === 0) return [];
    standardise(set, state.featureMean, state.featureStd);
    const raw = predictSetSync(model, set, state.featureNames.length, depths);
    return Array.from(raw, (v, i) => Math.max(0, Math.expm1(v + set.level[i])));
  }

  return {
    params,
    history,
    backtest,
    seriesTails,
    featureNames: state.featureNames,
    predict,
    forecastAhead,
    async serialize() {
      const artifacts = await saveArtifacts(model);
      return { format: "workbench-forecaster", formatVersion: 1, params, state, seriesTails, backtest, history, ...artifacts };
    },
    dispose() {
      model.dispose();
    },
  };
}

/** The model's `model.json` topology and weights, as `tf.io.withSaveHandler` hands them over. */
async function saveArtifacts(model: tf.LayersModel): Promise<{ modelTopology: object; weightSpecs: tf.io.WeightsManifestEntry[]; weightData: ArrayBuffer }> {
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } };
    }),
  );
  if (!saved?.modelTopology || !saved.weightSpecs || !saved.weightData) throw new Error("tfjs returned no model artifacts");
  const data = saved.weightData;
  return {
    modelTopology: saved.modelTopology as object,
    weightSpecs: saved.weightSpecs,
    weightData: Array.isArray(data) ? tf.io.CompositeArrayBuffer.join(data) : data,
  };
}

/** Loads a serialized forecaster; its predictions equal the original's on the same backend. */
export async function loadForecaster(serialized: SerializedForecaster): Promise<Forecaster> {
  if (serialized?.format !== "workbench-forecaster" || serialized.formatVersion !== 1) {
    throw invalid("bundle", `not a forecaster of format version 1 (got ${String(serialized?.format)} v${String(serialized?.formatVersion)})`);
  }
  const model = await tf.loadLayersModel(
    tf.io.fromMemory({ modelTopology: serialized.modelTopology, weightSpecs: serialized.weightSpecs, weightData: serialized.weightData }),
  );
  return makeForecaster(model, serialized.params, serialized.state, serialized.seriesTails, serialized.backtest, serialized.history);
}
