/**
 * Per-feature drift and data quality of a window of inputs against a reference sample. Pure and
 * browser-safe. Metric choice follows Evidently's defaults: a small reference is tested (KS,
 * chi-squared p-values), a large one measured (Wasserstein, Jensen–Shannon distances), because a
 * test on many rows flags differences too small to matter.
 */
import { coerceCell, isMissing } from "@/lib/data/infer";
import type { Cell, ColumnType, Row } from "@/lib/data/types";
import { ownCell } from "@/lib/shared/cells";
import { sortNumbers, std } from "@/lib/shared/stats";
import { chiSquaredTest, type CategoryCounts, jensenShannonDistance, ksTwoSampleSorted, psiCategorical, psiSorted, rankOf, wassersteinSorted } from "./stats";

export interface DriftThresholds {
  /** KS p-value below which a numeric feature drifts (reference ≤ smallReferenceRows rows). */
  ksPValue: number;
  /** Wasserstein distance / reference std at or above which a numeric feature drifts. */
  wasserstein: number;
  /** Chi-squared p-value below which a categorical feature drifts (reference ≤ smallReferenceRows rows). */
  chiSquaredPValue: number;
  /** Jensen–Shannon distance (base 2) at or above which a categorical feature drifts. */
  jensenShannon: number;
  /** References with at most this many rows are tested (p-values); larger ones are measured (distances). */
  smallReferenceRows: number;
  /** The dataset drifts when at least this share of its features drift. */
  driftedShare: number;
}

export const DEFAULT_DRIFT_THRESHOLDS: DriftThresholds = {
  ksPValue: 0.05,
  wasserstein: 0.1,
  chiSquaredPValue: 0.05,
  jensenShannon: 0.1,
  smallReferenceRows: 1000,
  driftedShare: 0.5,
};

export type DriftKind = "numeric" | "categorical";
export type DriftMetric = "ks" | "wasserstein" | "chi2" | "jensenShannon";

/** One bar pair of the overlaid histograms: each side's share of its non-null values. */
export interface HistogramBin {
  label: string;
  reference: number;
  current: number;
  /** Numeric bins only: the bin's edges (left-closed; the last bin also includes its end). */
  start?: number;
  end?: number;
}

export interface FeatureDrift {
  name: string;
  kind: DriftKind;
  metric: DriftMetric;
  /** What is compared with the threshold: a p-value (ks, chi2) or a distance; NaN when a side has no values. */
  value: number;
  threshold: number;
  drifted: boolean;
  /** ks, chi2: the same p-value as `value`. */
  pValue?: number;
  /** ks: the largest ECDF gap D; chi2: χ²; wasserstein: the distance before normalising. */
  statistic?: number;
  psi: number;
  /** Rows in each window, nulls included (the metric choice goes by referenceRows). */
  referenceRows: number;
  currentRows: number;
  histogram: { bins: HistogramBin[] };
}

export interface DriftReport {
  /** Drifted features first, then by name. */
  features: FeatureDrift[];
  prediction: FeatureDrift | null;
  driftedFeatures: number;
  datasetDrifted: boolean;
}

export interface FeatureQuality {
  name: string;
  type: ColumnType;
  /** Rows in the window; each rate is a share of them. */
  rows: number;
  /** Missing cells: null, undefined, blank text and the spellings the importer reads as missing ("NA", …). */
  nullRate: number;
  /** Present cells that do not convert to the column's type. */
  typeErrorRate: number;
  /** Numbers outside the reference's [min, max]; category values the reference never had. */
  outOfRangeRate: number;
}

export const NUMERIC_HISTOGRAM_BINS = 20;
export const TOP_CATEGORY_BINS = 20;
export const OTHER_BIN_LABEL = "(other)";
/** Evidently's floor for the reference std, so a constant reference does not divide by 0. */
const MIN_NORMALISING_STD = 0.001;
const EDGE_SIGNIFICANT_DIGITS = 4;

// ---------------------------------------------------------------------------------------------
// Cells

/** A finite number from a number or numeric text (as the importer reads it); anything else is null. */
export function numberOf(cell: unknown): number | null {
  if (typeof cell === "number") return Number.isFinite(cell) ? cell : null;
  if (typeof cell === "string") return coerceCell(cell, "number") as number | null;
  return null;
}

export function categoryOf(cell: unknown): string | null {
  if (typeof cell === "string") return isMissing(cell) ? null : cell;
  if (typeof cell === "number") return Number.isNaN(cell) ? null : String(cell);
  if (typeof cell === "boolean") return String(cell);
  return null;
}

/** Collects one column's values as its cells are read: numbers into a typed array, categories into counts. */
type Sink = NumberSink | CategorySink;

class NumberSink {
  private readonly values: Float64Array;
  private count = 0;

  constructor(capacity: number) {
    this.values = new Float64Array(capacity);
  }

  add(cell: unknown): void {
    const value = numberOf(cell);
    if (value !== null) this.values[this.count++] = value;
  }

  sorted(): Float64Array {
    return sortNumbers(this.values.subarray(0, this.count));
  }
}

class CategorySink {
  readonly counts = new Map<string, number>();

  add(cell: unknown): void {
    const category = categoryOf(cell);
    if (category !== null) this.counts.set(category, (this.counts.get(category) ?? 0) + 1);
  }
}

const sinkOf = (kind: DriftKind, capacity: number): Sink => (kind === "numeric" ? new NumberSink(capacity) : new CategorySink());

function sinkOfCells(kind: DriftKind, cells: readonly unknown[], read: (cell: unknown) => unknown = (cell) => cell): Sink {
  const sink = sinkOf(kind, cells.length);
  for (let i = 0; i < cells.length; i++) sink.add(read(cells[i]));
  return sink;
}

/**
 * Reads the rows once, in memory order, feeding every column's sink: one sweep over a million
 * rows instead of one per column. A name that only the prototype has ("constructor") reads a
 * function, which the sinks ignore like a null.
 */
function fillSinks(rows: readonly Row[], names: readonly string[], sinks: readonly Sink[]): void {
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    for (let k = 0; k < names.length; k++) sinks[k].add(row[names[k]]);
  }
}

// ---------------------------------------------------------------------------------------------
// One feature

interface Window<T> {
  rows: number;
  values: T;
}

/** The drift of one feature between a reference sample and a current window of cells. */
export function featureDrift(
  name: string,
  kind: DriftKind,
  reference: readonly unknown[],
  current: readonly unknown[],
  t: DriftThresholds = DEFAULT_DRIFT_THRESHOLDS,
): FeatureDrift {
  return driftOfSinks(name, { rows: reference.length, values: sinkOfCells(kind, reference) }, { rows: current.length, values: sinkOfCells(kind, current) }, t);
}

function driftOfSinks(name: string, reference: Window<Sink>, current: Window<Sink>, t: DriftThresholds): FeatureDrift {
  return driftOfValues(name, valuesOfSink(reference.rows, reference.values), valuesOfSink(current.rows, current.values), t);
}

/**
 * One side of a feature as the metrics take it: its rows (nulls included) and its non-null
 * values, sorted numbers or category counts (in first-seen order: the tests sum over categories
 * in that order). What a Row[] is read into, and what a columnar window (lib/monitor/server/
 * window-read.ts) builds straight from its typed arrays.
 */
export type FeatureValues = { kind: "numeric"; rows: number; sorted: Float64Array } | { kind: "categorical"; rows: number; counts: Map<string, number> };

function valuesOfSink(rows: number, sink: Sink): FeatureValues {
  return sink instanceof NumberSink ? { kind: "numeric", rows, sorted: sink.sorted() } : { kind: "categorical", rows, counts: sink.counts };
}

/** A feature's (or the predictions') values from its cells, as driftReport reads them. */
export function featureValues(kind: DriftKind, cells: readonly unknown[], read?: (cell: unknown) => unknown): FeatureValues {
  return valuesOfSink(cells.length, sinkOfCells(kind, cells, read));
}

/** The drift of one feature from both sides' values. */
export function driftOfValues(name: string, reference: FeatureValues, current: FeatureValues, t: DriftThresholds): FeatureDrift {
  if (reference.kind === "numeric" && current.kind === "numeric") {
    return numericDrift(name, { rows: reference.rows, values: reference.sorted }, { rows: current.rows, values: current.sorted }, t);
  }
  if (reference.kind === "categorical" && current.kind === "categorical") {
    return categoricalDrift(name, { rows: reference.rows, values: reference.counts }, { rows: current.rows, values: current.counts }, t);
  }
  throw new Error(`feature ${name}: the reference and current windows were collected as different kinds`);
}

function numericDrift(name: string, reference: Window<Float64Array>, current: Window<Float64Array>, t: DriftThresholds): FeatureDrift {
  const a = reference.values;
  const b = current.values;
  const base = { name, kind: "numeric" as const, referenceRows: reference.rows, currentRows: current.rows };
  const histogram = { bins: numericHistogram(a, b) };
  const psi = psiSorted(a, b);
  if (reference.rows <= t.smallReferenceRows) {
    const { statistic, pValue } = ksTwoSampleSorted(a, b);
    return { ...base, metric: "ks", value: pValue, threshold: t.ksPValue, drifted: pValue < t.ksPValue, pValue, statistic, psi, histogram };
  }
  const distance = wassersteinSorted(a, b);
  const value = distance / Math.max(std(a), MIN_NORMALISING_STD);
  return { ...base, metric: "wasserstein", value, threshold: t.wasserstein, drifted: value >= t.wasserstein, statistic: distance, psi, histogram };
}

function categoricalDrift(name: string, reference: Window<Map<string, number>>, current: Window<Map<string, number>>, t: DriftThresholds): FeatureDrift {
  const referenceCounts: CategoryCounts = Object.fromEntries(reference.values);
  const currentCounts: CategoryCounts = Object.fromEntries(current.values);
  const base = { name, kind: "categorical" as const, referenceRows: reference.rows, currentRows: current.rows };
  const histogram = { bins: categoryHistogram(reference.values, current.values) };
  const psi = psiCategorical(referenceCounts, currentCounts);
  if (reference.rows <= t.smallReferenceRows) {
    const { statistic, pValue } = chiSquaredTest(referenceCounts, currentCounts);
    return { ...base, metric: "chi2", value: pValue, threshold: t.chiSquaredPValue, drifted: pValue < t.chiSquaredPValue, pValue, statistic, psi, histogram };
  }
  const value = jensenShannonDistance(referenceCounts, currentCounts);
  return { ...base, metric: "jensenShannon", value, threshold: t.jensenShannon, drifted: value >= t.jensenShannon, psi, histogram };
}

// ---------------------------------------------------------------------------------------------
// Histograms

/** Equal-width bins over the range of both samples (sorted ascending), as shares of each side. */
function numericHistogram(a: Float64Array, b: Float64Array): HistogramBin[] {
  if (a.length === 0 && b.length === 0) return [];
  const min = Math.min(a.length ? a[0] : Infinity, b.length ? b[0] : Infinity);
  const max = Math.max(a.length ? a[a.length - 1] : -Infinity, b.length ? b[b.length - 1] : -Infinity);
  if (min === max) return [{ label: formatEdge(min), reference: a.length ? 1 : 0, current: b.length ? 1 : 0, start: min, end: max }];
  const width = (max - min) / NUMERIC_HISTOGRAM_BINS;
  const edges = Array.from({ length: NUMERIC_HISTOGRAM_BINS + 1 }, (_, i) => (i === NUMERIC_HISTOGRAM_BINS ? max : min + i * width));
  const referenceShares = sharesInBins(a, edges);
  const currentShares = sharesInBins(b, edges);
  return referenceShares.map((share, i) => ({
    label: `${formatEdge(edges[i])} – ${formatEdge(edges[i + 1])}`,
    reference: share,
    current: currentShares[i],
    start: edges[i],
    end: edges[i + 1],
  }));
}

/** Shares of sorted values in the bins [e₀, e₁), …, [e₋₂, e₋₁], found by binary search at each edge. */
function sharesInBins(sorted: Float64Array, edges: readonly number[]): number[] {
  const last = edges.length - 1;
  const starts = edges.map((edge, k) => (k === last ? sorted.length : rankOf(sorted, edge, false)));
  return starts.slice(1).map((end, k) => (sorted.length > 0 ? (end - starts[k]) / sorted.length : 0));
}

function formatEdge(x: number): string {
  return String(Number(x.toPrecision(EDGE_SIGNIFICANT_DIGITS)));
}

/** The reference's most frequent categories, then one bin for every other value of either side. */
function categoryHistogram(reference: Map<string, number>, current: Map<string, number>): HistogramBin[] {
  const referenceTotal = sumOf(reference.values());
  const currentTotal = sumOf(current.values());
  const share = (count: number, whole: number) => (whole > 0 ? count / whole : 0);
  const top = [...reference.entries()]
    .sort(([x, m], [y, n]) => n - m || (x < y ? -1 : x > y ? 1 : 0))
    .slice(0, TOP_CATEGORY_BINS)
    .map(([label, count]) => ({ label, referenceCount: count, currentCount: current.get(label) ?? 0 }));
  const bins: HistogramBin[] = top.map((c) => ({
    label: c.label,
    reference: share(c.referenceCount, referenceTotal),
    current: share(c.currentCount, currentTotal),
  }));
  // Counts are integers, so the remainders are exact: no 1e-16 "other" from summing shares.
  const referenceOther = referenceTotal - sumOf(top.map((c) => c.referenceCount));
  const currentOther = currentTotal - sumOf(top.map((c) => c.currentCount));
  if (referenceOther > 0 || currentOther > 0) {
    bins.push({ label: OTHER_BIN_LABEL, reference: share(referenceOther, referenceTotal), current: share(currentOther, currentTotal) });
  }
  return bins;
}

function sumOf(values: Iterable<number>): number {
  let sum = 0;
  for (const v of values) sum += v;
  return sum;
}

// ---------------------------------------------------------------------------------------------
// Report

export const driftKindOf = (type: ColumnType): DriftKind | null =>
  type === "number" || type === "integer" ? "numeric" : type === "datetime" ? null : "categorical";

/** Drift of every non-datetime column and of the predictions, and whether the input as a whole drifted. */
export function driftReport(
  columns: readonly { name: string; type: ColumnType }[],
  referenceRows: readonly Row[],
  currentRows: readonly Row[],
  opts: { thresholds?: Partial<DriftThresholds>; predictions?: { reference: readonly unknown[]; current: readonly unknown[] } } = {},
): DriftReport {
  const t = { ...DEFAULT_DRIFT_THRESHOLDS, ...opts.thresholds };
  const drifting = columns.flatMap(({ name, type }) => {
    const kind = driftKindOf(type);
    return kind === null ? [] : [{ name, kind }];
  });
  const names = drifting.map((c) => c.name);
  const referenceSinks = drifting.map((c) => sinkOf(c.kind, referenceRows.length));
  const currentSinks = drifting.map((c) => sinkOf(c.kind, currentRows.length));
  fillSinks(referenceRows, names, referenceSinks);
  fillSinks(currentRows, names, currentSinks);
  const features = names.map((name, k) =>
    driftOfSinks(name, { rows: referenceRows.length, values: referenceSinks[k] }, { rows: currentRows.length, values: currentSinks[k] }, t),
  );
  return driftReportOf(features, opts.predictions ? predictionDrift(opts.predictions, t) : null, t);
}

/** The report from every feature's drift (in column order) and the predictions'. */
export function driftReportOf(features: FeatureDrift[], prediction: FeatureDrift | null, t: DriftThresholds): DriftReport {
  features.sort((x, y) => Number(y.drifted) - Number(x.drifted) || (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
  const driftedFeatures = features.filter((f) => f.drifted).length;
  const datasetDrifted = features.length > 0 && driftedFeatures / features.length >= t.driftedShare;
  return { features, prediction, driftedFeatures, datasetDrifted };
}

/**
 * Numbers drift as numbers; labels, {label} objects and recommendation lists (by their first
 * item) as categories.
 */
function predictionDrift(predictions: { reference: readonly unknown[]; current: readonly unknown[] }, t: DriftThresholds): FeatureDrift {
  const present = (p: unknown) => p !== null && p !== undefined;
  const first = predictions.reference.find(present) ?? predictions.current.find(present);
  if (typeof first === "number") return featureDrift("prediction", "numeric", predictions.reference, predictions.current, t);
  const { reference, current } = predictions;
  const window = (cells: readonly unknown[]) => ({ rows: cells.length, values: sinkOfCells("categorical", cells, predictionLabel) });
  return driftOfSinks("prediction", window(reference), window(current), t);
}

export function predictionLabel(prediction: unknown): unknown {
  const item = Array.isArray(prediction) ? prediction[0] : prediction;
  if (item === null || typeof item !== "object") return item;
  const fields = item as { label?: unknown; itemId?: unknown };
  return fields.itemId ?? fields.label ?? null;
}

// ---------------------------------------------------------------------------------------------
// Data quality

/** What "in range" means for a column, learned from the training rows. */
type RangeCheck = (value: Cell) => boolean;

export function rangeCheckOf(type: ColumnType, trainingRows: readonly Row[], name: string): RangeCheck {
  if (type === "number" || type === "integer") {
    let min = Infinity;
    let max = -Infinity;
    for (const row of trainingRows) {
      const value = coerceCell(ownCell(row, name) ?? null, type);
      if (typeof value !== "number") continue;
      if (value < min) min = value;
      if (value > max) max = value;
    }
    return min > max ? () => true : (value) => (value as number) >= min && (value as number) <= max;
  }
  if (type === "category") {
    const seen = new Set<string>();
    for (const row of trainingRows) {
      const value = coerceCell(ownCell(row, name) ?? null, type);
      if (value !== null) seen.add(String(value));
    }
    return seen.size === 0 ? () => true : (value) => seen.has(String(value));
  }
  return () => true;
}

/** Null, type-error and out-of-range rates per column of the current rows, ranges from the training rows. */
export function qualityReport(
  columns: readonly { name: string; type: ColumnType }[],
  trainingRows: readonly Row[],
  currentRows: readonly Row[],
): FeatureQuality[] {
  return columns.map(({ name, type }) => {
    const inRange = rangeCheckOf(type, trainingRows, name);
    const counts = { rows: currentRows.length, nulls: 0, typeErrors: 0, outOfRange: 0 };
    for (const row of currentRows) {
      const cell = qualityCell(ownCell(row, name), type);
      if (cell === MISSING) counts.nulls++;
      else if (cell === TYPE_ERROR) counts.typeErrors++;
      else if (!inRange(cell)) counts.outOfRange++;
    }
    return featureQuality(name, type, counts);
  });
}

export const MISSING = Symbol("missing");
export const TYPE_ERROR = Symbol("type error");

/** What data quality makes of one cell: missing, not of the column's type, or its value. */
export function qualityCell(cell: Cell | undefined, type: ColumnType): Cell | typeof MISSING | typeof TYPE_ERROR {
  if (isMissing(cell)) return MISSING;
  const value = coerceCell(cell ?? null, type);
  return value === null ? TYPE_ERROR : value;
}

/** A column's quality from its counts over the window's rows. */
export function featureQuality(name: string, type: ColumnType, c: { rows: number; nulls: number; typeErrors: number; outOfRange: number }): FeatureQuality {
  const rate = (count: number) => (c.rows > 0 ? count / c.rows : 0);
  return { name, type, rows: c.rows, nullRate: rate(c.nulls), typeErrorRate: rate(c.typeErrors), outOfRangeRate: rate(c.outOfRange) };
}
