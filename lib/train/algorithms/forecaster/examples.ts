import { exampleFeatures, type Origin, originOf, seriesTarget, type SiblingIndex } from "./features";
import type { ForecasterParams } from "./params";
import { type FeatureState, lastObservedAtOrBefore, type SeriesData } from "./series";

/** A forecaster's examples: (origin, target period) pairs of every series as feature rows, and their scaling and weights. */

/** An origin needs this many observations of its series up to it to make a training example. */
export const MIN_HISTORY_OBSERVATIONS = 4;
/** Examples weigh exp(level): the log-space loss then weighs series by volume, as WAPE does. */
const LEVEL_WEIGHT_POWER = 1;

export interface ExampleSet {
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

export class ExampleBuilder {
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
export function addExamples(
  s: SeriesData,
  firstTarget: number,
  lastTarget: number,
  params: ForecasterParams,
  state: FeatureState,
  siblings: SiblingIndex,
  out: ExampleBuilder,
): void {
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

export interface WindowRow {
  series: SeriesData;
  origin: number;
  target: number;
  /** target − cutoff: 1 … horizon. */
  step: number;
  actual: number;
}

/** The rows of every series in (cutoff, cutoff + horizon], each forecast from the series' last period ≤ cutoff. */
export function windowRows(series: readonly SeriesData[], cutoff: number, horizon: number): WindowRow[] {
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

export function windowExamples(rows: readonly WindowRow[], params: ForecasterParams, state: FeatureState, siblings: SiblingIndex): ExampleSet {
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

export function fitScaling(set: ExampleSet, f: number): { mean: number[]; std: number[] } {
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

export function standardise(set: ExampleSet, mean: readonly number[], std: readonly number[]): void {
  const f = mean.length;
  for (let i = 0; i < set.n; i++) for (let c = 0; c < f; c++) set.x[i * f + c] = (set.x[i * f + c] - mean[c]) / std[c];
}

/** Example weights exp(level)^LEVEL_WEIGHT_POWER, scaled to mean 1. Shape: [n]. */
export function exampleWeights(set: ExampleSet): Float32Array {
  const w = new Float32Array(set.n);
  let sum = 0;
  for (let i = 0; i < set.n; i++) sum += w[i] = Math.exp(LEVEL_WEIGHT_POWER * set.level[i]);
  for (let i = 0; i < set.n; i++) w[i] *= set.n / sum;
  return w;
}

export function weightedAbsoluteError(a: ArrayLike<number>, b: ArrayLike<number>, w: ArrayLike<number>): number {
  let sum = 0;
  let total = 0;
  for (let i = 0; i < a.length; i++) {
    sum += w[i] * Math.abs(a[i] - b[i]);
    total += w[i];
  }
  return total > 0 ? sum / total : Number.NaN;
}
