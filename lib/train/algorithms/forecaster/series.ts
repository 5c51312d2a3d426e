import type { Row } from "@/lib/data/types";
import { cellText } from "@/lib/shared/cells";
import { validation } from "@/lib/shared/errors";
import { upperMedian } from "@/lib/shared/stats";

/** A forecaster's series: the rows of each, as dense arrays over time indices with gaps as NaN. */

export const MS_PER_DAY = 86_400_000;
export const DAYS_PER_YEAR = 365.25;

export interface TailPoint {
  time: string;
  value: number;
  /** The exogenous values of that period, in `params.exogenous` order (null when missing). */
  exogenous?: (number | null)[];
}

/** How an exogenous column becomes a feature: log when every training value is positive, then standardised. */
interface ExogenousTransform {
  name: string;
  log: boolean;
  mean: number;
  std: number;
}

/** Everything besides the weights that turns a request into the model's inputs (JSON). */
export interface ForecasterState {
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
  /** Level used for a series never seen: the upper median of the series' levels. */
  fallbackLevel: number;
  featureMean: number[];
  featureStd: number[];
  featureNames: string[];
}

export type FeatureState = Pick<ForecasterState, "seasonLength" | "calendar" | "maxStep" | "fallbackLevel" | "siblings">;

/** The key of a series: its series-column values as a JSON array of strings, e.g. `["2","dominicks"]`. */
export function seriesKey(row: Row, seriesColumns: readonly string[]): string {
  return JSON.stringify(seriesColumns.map((c) => cellText(row[c])));
}

export interface SeriesData {
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

export interface RawPoint {
  ms: number;
  y: number;
  exog: (number | null)[];
}

export const valueAt = (arr: Float64Array, start: number, index: number) => (index < start || index >= start + arr.length ? Number.NaN : arr[index - start]);

export function groupKeyOf(values: readonly string[]): string {
  return JSON.stringify(values.slice(0, -1));
}

/** The (upper) median positive difference between consecutive timestamps of the same series. */
export function inferPeriodMs(timesBySeries: number[][]): number {
  const steps: number[] = [];
  for (const times of timesBySeries) for (let i = 1; i < times.length; i++) if (times[i] > times[i - 1]) steps.push(times[i] - times[i - 1]);
  if (steps.length === 0) throw validation("rows", "a forecaster needs at least two periods of one series");
  return upperMedian(steps);
}

/** 52 for weekly data, 12 monthly, 4 quarterly, 7 daily, 24 hourly; 0 when no natural season is known. */
export function inferSeasonLength(periodMs: number): number {
  const days = periodMs / MS_PER_DAY;
  const near = (target: number) => Math.abs(days - target) / target < 0.15;
  if (near(7)) return 52;
  if (near(30.44)) return 12;
  if (near(91.3)) return 4;
  if (near(1)) return 7;
  if (near(1 / 24)) return 24;
  return 0;
}

export function fitExogenous(name: string, values: number[]): ExogenousTransform {
  // Flags (0/1) stay linear; positive amounts such as prices are logged (elasticities).
  const log = values.length > 0 && values.every((v) => v > 0) && new Set(values).size > 2;
  const xs = log ? values.map(Math.log) : values;
  const [mean, std] = meanStd(xs);
  return { name, log, mean, std: std || 1 };
}

export function transformExogenous(value: number | null, t: ExogenousTransform): number {
  if (value === null) return Number.NaN;
  const v = t.log ? Math.log(Math.max(value, 1e-9)) : value;
  return (v - t.mean) / t.std;
}

export function untransformExogenous(z: number, t: ExogenousTransform): number | null {
  if (Number.isNaN(z)) return null;
  const v = z * t.std + t.mean;
  return t.log ? Math.exp(v) : v;
}

export function buildSeries(
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
export function lastObservedAtOrBefore(s: SeriesData, limit: number): number | undefined {
  let found: number | undefined;
  for (const i of s.observed) {
    if (i > limit) break;
    found = i;
  }
  return found;
}

export function meanStd(values: readonly number[]): [number, number] {
  if (values.length === 0) return [0, 0];
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length;
  return [mean, Math.sqrt(variance)];
}
