import type * as tf from "@tensorflow/tfjs";
import type { Row } from "@/lib/data/types";
import { cellText, cellToNumber, toTimestamp } from "@/lib/shared/cells";
import { validation } from "@/lib/shared/errors";
import { type LayersModelParts, layersModelFiles, loadLayersModel, type ModelArtifacts, readWeights, saveLayersModel } from "../../model-files";
import type { EpochLog } from "../../types";
import type { BacktestForecast, ForecastBacktest } from "./backtest";
import { ExampleBuilder, standardise } from "./examples";
import { emptyOrigin, exampleFeatures, exogenousPointOf, originOf, SiblingIndex, type TargetInfo } from "./features";
import { predictSetSync } from "./network";
import type { ForecasterParams } from "./params";
import {
  buildSeries,
  type ForecasterState,
  groupKeyOf,
  lastObservedAtOrBefore,
  type RawPoint,
  type SeriesData,
  seriesKey,
  type TailPoint,
  transformExogenous,
} from "./series";

/** A trained forecaster: how it forecasts requests and the periods ahead, and how it is saved and loaded. */

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
export type SerializedForecaster = LayersModelParts & {
  format: "workbench-forecaster";
  formatVersion: 1;
  params: ForecasterParams;
  state: ForecasterState;
  seriesTails: Record<string, TailPoint[]>;
  backtest: ForecastBacktest;
  history: EpochLog[];
};

export function makeForecaster(
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
      const values = params.seriesColumns.map((c) => cellText(row[c]));
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
      const values = params.seriesColumns.map((c) => cellText(row[c]));
      const ms = toTimestamp(row[params.timeColumn]);
      if (ms === null) throw validation(`rows.${i}.${params.timeColumn}`, `a forecast request needs a time in "${params.timeColumn}"`);
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
      return { format: "workbench-forecaster", formatVersion: 1, params, state, seriesTails, backtest, history, ...(await saveLayersModel(model)) };
    },
    dispose() {
      model.dispose();
    },
  };
}

/** Loads a serialized forecaster; its predictions equal the original's on the same backend. */
export async function loadForecaster(serialized: SerializedForecaster): Promise<Forecaster> {
  if (serialized?.format !== "workbench-forecaster" || serialized.formatVersion !== 1) {
    throw validation("bundle", `not a forecaster of format version 1 (got ${String(serialized?.format)} v${String(serialized?.formatVersion)})`);
  }
  const model = await loadLayersModel(serialized);
  return makeForecaster(model, serialized.params, serialized.state, serialized.seriesTails, serialized.backtest, serialized.history);
}

/** The bundle's files of a forecaster: its network as a layers model, the rest in extras. */
export async function saveForecasterFiles(model: Forecaster): Promise<ModelArtifacts> {
  const { modelTopology, weightSpecs, weightData, ...extras } = await model.serialize();
  return layersModelFiles({ modelTopology, weightSpecs, weightData }, extras);
}

/** A forecaster back from the bundle's files (loadForecaster checks the extras' format). */
export function loadForecasterFiles(files: ModelArtifacts): Promise<Forecaster> {
  const modelTopology = files.modelJson.modelTopology;
  return loadForecaster({ ...files.extras, ...readWeights(files), modelTopology } as SerializedForecaster);
}
