import type { ForecasterParams } from "./params";
import { DAYS_PER_YEAR, type FeatureState, meanStd, MS_PER_DAY, type SeriesData, valueAt } from "./series";

/** A forecaster's features: what is known at the origin, of the target period and of the sibling series then. */

/** The level a series is measured against: the mean log value over this many periods up to the origin. */
export const LEVEL_WINDOW_PERIODS = 26;
/** Rolling mean and standard deviation of the log values over these windows (periods up to the origin). */
export const ROLLING_WINDOWS_PERIODS = [4, 13];

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
export class SiblingIndex {
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

export function exogenousPointOf(value: number[], means: number[]): ExogenousPoint | null {
  if (value.some(Number.isNaN)) return null;
  return { value, relative: value.map((v, e) => v - (means[e] ?? 0)) };
}

/** A series' exogenous point at period j, or null when a value is missing. */
function exogenousPointAt(s: SeriesData, j: number): ExogenousPoint | null {
  return exogenousPointOf(
    s.exog.map((e) => valueAt(e, s.start, j)),
    s.exogMeans,
  );
}

export function siblingIndexOf(series: readonly SeriesData[]): SiblingIndex {
  const index = new SiblingIndex();
  for (const s of series) {
    for (const j of s.observed) {
      const point = exogenousPointAt(s, j);
      if (point) index.add(s.group, j, point);
    }
  }
  return index;
}

export function featureNamesFor(params: ForecasterParams, state: FeatureState): string[] {
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

export interface Origin {
  /** Mean log value over the level window: what the target and the lags are measured against. */
  level: number;
  /** The lag and rolling features, which depend only on the origin. */
  features: number[];
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

export function originOf(s: SeriesData, o: number, params: ForecasterParams): Origin {
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
export function emptyOrigin(params: ForecasterParams, state: FeatureState): Origin {
  return { level: state.fallbackLevel, features: [...params.lags.flatMap(() => [0, 1]), ...ROLLING_WINDOWS_PERIODS.flatMap(() => [0, 0])] };
}

function calendarFeatures(ms: number): [number, number] {
  const startOfYear = Date.UTC(new Date(ms).getUTCFullYear(), 0, 1);
  const angle = (2 * Math.PI * ((ms - startOfYear) / MS_PER_DAY)) / DAYS_PER_YEAR;
  return [Math.sin(angle), Math.cos(angle)];
}

/** What an example knows of its target period j: its time, the series' own exogenous values, the siblings'. */
export interface TargetInfo {
  j: number;
  ms: number;
  /** Standardised exogenous values of period j; NaN when missing. */
  exog: number[];
  siblings: ExogenousPoint | null;
}

/** The numeric features of one example (before standardisation), in `featureNamesFor` order. */
export function exampleFeatures(
  s: SeriesData | undefined,
  o: number,
  origin: Origin,
  target: TargetInfo,
  params: ForecasterParams,
  state: FeatureState,
): number[] {
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

export function seriesTarget(s: SeriesData, j: number, siblings: SiblingIndex): TargetInfo {
  return { j, ms: s.timeMs.get(j)!, exog: s.exog.map((e) => valueAt(e, s.start, j)), siblings: siblings.context(s.group, j, exogenousPointAt(s, j)) };
}
