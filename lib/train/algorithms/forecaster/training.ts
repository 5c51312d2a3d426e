import type { Row } from "@/lib/data/types";
import { cellText, cellToNumber, toTimestamp } from "@/lib/shared/cells";
import { validation } from "@/lib/shared/errors";
import { upperMedian } from "@/lib/shared/stats";
import type { EpochLog, TrainCallbacks } from "../../types";
import { runBacktest } from "./backtest";
import { addExamples, ExampleBuilder, fitScaling, MIN_HISTORY_OBSERVATIONS, standardise, windowRows } from "./examples";
import { featureNamesFor, LEVEL_WINDOW_PERIODS, originOf, ROLLING_WINDOWS_PERIODS, siblingIndexOf } from "./features";
import { type Forecaster, makeForecaster } from "./model";
import { buildNetwork, fitNetwork } from "./network";
import { type ForecasterInputParams, type ForecasterParams, resolveForecasterParams } from "./params";
import {
  buildSeries,
  DAYS_PER_YEAR,
  type FeatureState,
  fitExogenous,
  type ForecasterState,
  inferPeriodMs,
  inferSeasonLength,
  lastObservedAtOrBefore,
  meanStd,
  MS_PER_DAY,
  type RawPoint,
  type SeriesData,
  seriesKey,
  type TailPoint,
  transformExogenous,
  untransformExogenous,
} from "./series";

/** Training a forecaster: series, examples and a fitted network from rows, then its backtest. */

/** Week-of-year (day-of-year) features only once the data spans this many years; with less they just name weeks. */
const CALENDAR_MIN_SPAN_YEARS = 3;

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
    if (!rows.some((r) => Object.hasOwn(r, c))) throw validation("params", `column "${c}" is not in the data`);
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
    if (!group) groups.set(key, (group = { values: params.seriesColumns.map((c) => cellText(row[c])), points: [] }));
    group.points.push({ ms, y, exog: params.exogenous.map((c) => cellToNumber(row[c])) });
  }
  if (groups.size === 0) throw validation("rows", `no rows with both a time in "${params.timeColumn}" and a number in "${params.target}"`);

  const timesBySeries = [...groups.values()].map((g) => g.points.map((p) => p.ms).sort((a, b) => a - b));
  const periodMs = inferPeriodMs(timesBySeries);
  const originMs = Math.min(...timesBySeries.map((t) => t[0]));
  const lastMs = Math.max(...timesBySeries.map((t) => t[t.length - 1]));
  const lastIndex = Math.round((lastMs - originMs) / periodMs);
  const cutoff = lastIndex - params.horizon;
  const validationCutoff = cutoff - params.horizon;
  if (validationCutoff < MIN_HISTORY_OBSERVATIONS) {
    throw validation(
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
    exogenousMeans[key] = exogenous.map(
      (t, e) => meanStd(g.points.filter((p) => p.ms <= cutoffMs && p.exog[e] !== null).map((p) => transformExogenous(p.exog[e], t)))[0],
    );
    const ids = g.values.map((v, c) => vocabIndex[c].get(v)!);
    series.push(buildSeries(key, g.values, ids, g.points, { periodMs, originMs, exogenous }, exogenousMeans[key]));
  }
  const levels = series.map((s) => lastObservedAtOrBefore(s, cutoff)).flatMap((o, i) => (o === undefined ? [] : [originOf(series[i], o, params).level]));
  const fallbackLevel = levels.length ? upperMedian(levels) : 0;

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
  if (trainSet.n === 0) throw validation("rows", "too few rows per series to build training examples");
  const validationSet = examples(validationCutoff + 1, cutoff);
  const scaling = fitScaling(trainSet, featureCount);
  standardise(trainSet, scaling.mean, scaling.std);
  standardise(validationSet, scaling.mean, scaling.std);

  const history: EpochLog[] = [];
  let network = buildNetwork(params, featureCount, vocabularies);
  try {
    const bestEpoch = await fitNetwork(network, trainSet, params, featureCount, depths, {
      epochs: params.epochs,
      validation: validationSet,
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
