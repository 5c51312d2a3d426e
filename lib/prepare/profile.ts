/**
 * Streaming profile of a dataset: per-column statistics and pairwise correlations of the
 * numeric columns. Browser-safe and pure. Rows arrive one at a time as typed cells; the hot
 * path allocates nothing per cell (typed arrays and counters only). The server computes the same
 * profile in SQL (lib/prepare/server/profile-sql.ts) with the definitions exported here.
 */
import type { Cell, ColumnType } from "@/lib/data/types";
import { mulberry32 as createRandom } from "@/lib/shared/random";
import { quantileOfSorted, sortNumbers } from "@/lib/shared/stats";

export interface NumericStats {
  min: number;
  max: number;
  mean: number;
  std: number;
  quantiles: { p01: number; p05: number; p25: number; p50: number; p75: number; p95: number; p99: number };
  histogram: { start: number; end: number; count: number }[];
}

export interface ColumnProfile {
  name: string;
  type: ColumnType;
  /** Non-missing values. */
  count: number;
  nullCount: number;
  distinctCount: number;
  /** True when distinctCount is a lower bound (the tracking stopped at DISTINCT_LIMIT). */
  distinctCapped: boolean;
  /** Numbers; for datetimes, epoch milliseconds. */
  min?: number;
  max?: number;
  mean?: number;
  std?: number;
  quantiles?: NumericStats["quantiles"];
  /** Numbers; for datetimes, over epoch milliseconds. */
  histogram?: NumericStats["histogram"];
  topValues?: { value: string; count: number }[];
  dateRange?: { min: string; max: string };
}

export interface DatasetProfile {
  rowCount: number;
  columns: ColumnProfile[];
  correlations: { columns: string[]; matrix: (number | null)[][] };
}

const HISTOGRAM_BINS = 20;
/** Numeric values kept exactly for quantiles and histograms (16 MB of float64 per column). */
const EXACT_VALUES_LIMIT = 2_000_000;
/** Beyond EXACT_VALUES_LIMIT, a uniform reservoir sample of this many values stands in. */
const RESERVOIR_SIZE = 1_000_000;
/** A fixed seed, so the same data always gives the same profile. */
const RESERVOIR_SEED = 0x5eed_1234;
const INITIAL_VALUES_CAPACITY = 1024;
/** Distinct values counted exactly per column; more only sets distinctCapped. */
const DISTINCT_LIMIT = 100_000;
export const TOP_VALUES = 10;
/**
 * A pair's centred sum of squares this small relative to its raw sum of squares is rounding
 * noise, not variance: the column is constant over the pair's rows and has no correlation.
 */
const RELATIVE_VARIANCE_FLOOR = 1e-12;
/** Sums kept per pair of numeric columns: n, Σx, Σy, Σx², Σy², Σxy. */
const PAIR_SUMS = 6;

export const QUANTILES = { p01: 0.01, p05: 0.05, p25: 0.25, p50: 0.5, p75: 0.75, p95: 0.95, p99: 0.99 } as const;

interface ColumnAccumulator {
  add(cell: Cell): void;
  profile(name: string, type: ColumnType): ColumnProfile;
}

/** Creates a profiler for rows of typed cells in the given column order. */
export function createProfiler(columns: { name: string; type: ColumnType }[]): {
  add(row: Cell[]): void;
  finish(): DatasetProfile;
} {
  const accumulators = columns.map((column) => createAccumulator(column.type));
  const numericPositions = columns.flatMap((column, i) => (isNumericType(column.type) ? [i] : []));
  const correlations = new CorrelationAccumulator(numericPositions);
  let rowCount = 0;

  function add(row: Cell[]): void {
    rowCount++;
    for (let i = 0; i < accumulators.length; i++) accumulators[i].add(row[i] ?? null);
    correlations.add(row);
  }

  function finish(): DatasetProfile {
    return {
      rowCount,
      columns: columns.map((column, i) => accumulators[i].profile(column.name, column.type)),
      correlations: {
        columns: numericPositions.map((i) => columns[i].name),
        matrix: correlations.matrix(),
      },
    };
  }

  return { add, finish };
}

/** The columns that take part in correlations. */
export function isNumericType(type: ColumnType): boolean {
  return type === "number" || type === "integer";
}

function createAccumulator(type: ColumnType): ColumnAccumulator {
  switch (type) {
    case "number":
    case "integer":
      return new NumericAccumulator();
    case "boolean":
      return new BooleanAccumulator();
    case "datetime":
      return new DatetimeAccumulator();
    case "category":
    case "text":
      return new CountingAccumulator();
  }
}

// ---------------------------------------------------------------------------------------------
// Numbers

/** Welford's running mean and variance, min/max, and the values themselves for quantiles. */
class NumericValues {
  count = 0;
  mean = 0;
  m2 = 0;
  min = Infinity;
  max = -Infinity;
  /** Exact up to EXACT_VALUES_LIMIT values; after that a reservoir sample of RESERVOIR_SIZE. */
  private values = new Float64Array(INITIAL_VALUES_CAPACITY);
  private stored = 0;
  private sampled = false;
  private random: (() => number) | undefined;

  add(value: number): void {
    this.count++;
    const delta = value - this.mean;
    this.mean += delta / this.count;
    this.m2 += delta * (value - this.mean);
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
    this.store(value);
  }

  private store(value: number): void {
    if (this.sampled) {
      this.replaceAtRandom(value);
      return;
    }
    if (this.stored === this.values.length) {
      if (this.stored === EXACT_VALUES_LIMIT) {
        this.startSampling(value);
        return;
      }
      this.grow();
    }
    this.values[this.stored++] = value;
  }

  private grow(): void {
    const larger = new Float64Array(Math.min(this.values.length * 2, EXACT_VALUES_LIMIT));
    larger.set(this.values);
    this.values = larger;
  }

  /**
   * Switches to reservoir sampling (Algorithm R). A partial Fisher–Yates shuffle picks a
   * uniform subset of the values stored so far, which is exactly the state Algorithm R would
   * have reached, so every value of the column keeps the same chance of being in the sample.
   */
  private startSampling(value: number): void {
    this.random = createRandom(RESERVOIR_SEED);
    const values = this.values;
    for (let i = 0; i < RESERVOIR_SIZE; i++) {
      const j = i + Math.floor(this.random() * (this.stored - i));
      const kept = values[j];
      values[j] = values[i];
      values[i] = kept;
    }
    this.values = values.slice(0, RESERVOIR_SIZE);
    this.stored = RESERVOIR_SIZE;
    this.sampled = true;
    this.replaceAtRandom(value);
  }

  private replaceAtRandom(value: number): void {
    const slot = Math.floor(this.random!() * this.count);
    if (slot < RESERVOIR_SIZE) this.values[slot] = value;
  }

  /** The stored values in ascending order (sorted in place; call once, at the end). */
  sorted(): Float64Array {
    return sortNumbers(this.values.subarray(0, this.stored));
  }

  /** Whether the stored values are a sample rather than all of them. */
  get isSample(): boolean {
    return this.sampled;
  }
}

class NumericAccumulator implements ColumnAccumulator {
  private readonly values = new NumericValues();
  private nullCount = 0;

  add(cell: Cell): void {
    if (typeof cell === "number" && Number.isFinite(cell)) this.values.add(cell);
    else this.nullCount++;
  }

  profile(name: string, type: ColumnType): ColumnProfile {
    const { values } = this;
    const base = { name, type, count: values.count, nullCount: this.nullCount };
    if (values.count === 0) return { ...base, distinctCount: 0, distinctCapped: false };
    const sorted = values.sorted();
    const integerBins = usesIntegerBins(type, values.min, values.max);
    return {
      ...base,
      ...distinctOfSorted(sorted, values.isSample),
      min: values.min,
      max: values.max,
      mean: values.mean,
      // The sample standard deviation of a single value is undefined; 0 keeps the JSON numeric.
      std: values.count > 1 ? Math.sqrt(values.m2 / (values.count - 1)) : 0,
      quantiles: quantilesOfSorted(sorted),
      histogram: histogramOfSorted(sorted, values.min, values.max, values.count, integerBins),
    };
  }
}

function distinctOfSorted(sorted: Float64Array, isSample: boolean): { distinctCount: number; distinctCapped: boolean } {
  let distinct = sorted.length > 0 ? 1 : 0;
  for (let i = 1; i < sorted.length; i++) if (sorted[i] !== sorted[i - 1]) distinct++;
  return cappedDistinct(distinct, isSample);
}

/** A count of distinct values as reported: at most DISTINCT_LIMIT; from a sample, only a lower bound. */
export function cappedDistinct(distinct: number, isSample: boolean): { distinctCount: number; distinctCapped: boolean } {
  return { distinctCount: Math.min(distinct, DISTINCT_LIMIT), distinctCapped: isSample || distinct > DISTINCT_LIMIT };
}

function quantilesOfSorted(sorted: Float64Array): NumericStats["quantiles"] {
  return {
    p01: quantileOfSorted(sorted, QUANTILES.p01),
    p05: quantileOfSorted(sorted, QUANTILES.p05),
    p25: quantileOfSorted(sorted, QUANTILES.p25),
    p50: quantileOfSorted(sorted, QUANTILES.p50),
    p75: quantileOfSorted(sorted, QUANTILES.p75),
    p95: quantileOfSorted(sorted, QUANTILES.p95),
    p99: quantileOfSorted(sorted, QUANTILES.p99),
  };
}

/**
 * Equal-width bins from min to max, each closed on the left, the last also on the right (as
 * numpy.histogram). Integer columns spanning fewer than HISTOGRAM_BINS values get one bin per
 * integer, centred on it (k − 0.5 to k + 0.5), so no bin straddles two integers. Counts from a
 * reservoir sample are scaled up to the column's count.
 */
function histogramOfSorted(sorted: Float64Array, min: number, max: number, count: number, integerBins: boolean): NumericStats["histogram"] {
  if (min === max) return [{ start: min, end: max, count }];
  const edges = histogramEdges(min, max, integerBins);
  const counts = countIntoBins(sorted, edges);
  const scale = count / sorted.length;
  return Array.from(counts, (binCount, i) => ({
    start: edges[i],
    end: edges[i + 1],
    count: scale === 1 ? binCount : Math.round(binCount * scale),
  }));
}

/** Whether a column's histogram has one bin per integer rather than HISTOGRAM_BINS equal widths. */
export function usesIntegerBins(type: ColumnType, min: number, max: number): boolean {
  return type === "integer" && max - min < HISTOGRAM_BINS;
}

/**
 * The grid of a histogram from min to max (min < max): edge i is origin + i · step, but for the
 * last edge of equal widths, which is max itself (numpy.linspace). Integer bins are centred on the
 * integers (origin min − 0.5, step 1). SQL computes the edges it compares with from this rule.
 */
export function histogramGrid(min: number, max: number, integerBins: boolean): { origin: number; step: number; bins: number } {
  return integerBins ? { origin: min - 0.5, step: 1, bins: max - min + 1 } : { origin: min, step: (max - min) / HISTOGRAM_BINS, bins: HISTOGRAM_BINS };
}

/** A value v falls in bin b, the last b with b = 0 or v >= edges[b] (countIntoBins), so the last bin is also closed on the right. */
export function histogramEdges(min: number, max: number, integerBins: boolean): number[] {
  const { origin, step, bins } = histogramGrid(min, max, integerBins);
  return Array.from({ length: bins + 1 }, (_, i) => (i === bins && !integerBins ? max : origin + i * step));
}

/** One pass over the sorted values, moving to the next bin as the values cross its edge. */
function countIntoBins(sorted: Float64Array, edges: number[]): Uint32Array {
  const bins = edges.length - 1;
  const counts = new Uint32Array(bins);
  let bin = 0;
  for (let i = 0; i < sorted.length; i++) {
    const value = sorted[i];
    while (bin < bins - 1 && value >= edges[bin + 1]) bin++;
    counts[bin]++;
  }
  return counts;
}

// ---------------------------------------------------------------------------------------------
// Datetimes, booleans, categories and text

/** Datetime cells are ISO-8601 strings; their epoch milliseconds give range and histogram. */
class DatetimeAccumulator implements ColumnAccumulator {
  private readonly values = new NumericValues();
  private nullCount = 0;

  add(cell: Cell): void {
    const ms = typeof cell === "string" ? Date.parse(cell) : NaN;
    if (Number.isFinite(ms)) this.values.add(ms);
    else this.nullCount++;
  }

  profile(name: string, type: ColumnType): ColumnProfile {
    const { values } = this;
    const base = { name, type, count: values.count, nullCount: this.nullCount };
    if (values.count === 0) return { ...base, distinctCount: 0, distinctCapped: false };
    const sorted = values.sorted();
    return {
      ...base,
      ...distinctOfSorted(sorted, values.isSample),
      min: values.min,
      max: values.max,
      histogram: histogramOfSorted(sorted, values.min, values.max, values.count, false),
      dateRange: { min: new Date(values.min).toISOString(), max: new Date(values.max).toISOString() },
    };
  }
}

class BooleanAccumulator implements ColumnAccumulator {
  private trueCount = 0;
  private falseCount = 0;
  private nullCount = 0;

  add(cell: Cell): void {
    if (cell === true) this.trueCount++;
    else if (cell === false) this.falseCount++;
    else this.nullCount++;
  }

  profile(name: string, type: ColumnType): ColumnProfile {
    const counts = new Map<string, number>();
    if (this.trueCount > 0) counts.set("true", this.trueCount);
    if (this.falseCount > 0) counts.set("false", this.falseCount);
    return {
      name,
      type,
      count: this.trueCount + this.falseCount,
      nullCount: this.nullCount,
      distinctCount: counts.size,
      distinctCapped: false,
      topValues: topValuesOf(counts),
    };
  }
}

/**
 * Counts per value for categories and text. Once DISTINCT_LIMIT values are known, values seen
 * for the first time are no longer counted: the top values then come from the values known by
 * then, which for a skewed column are the frequent ones anyway.
 */
class CountingAccumulator implements ColumnAccumulator {
  private readonly counts = new Map<string, number>();
  private count = 0;
  private nullCount = 0;
  private capped = false;

  add(cell: Cell): void {
    if (cell === null) {
      this.nullCount++;
      return;
    }
    this.count++;
    const value = typeof cell === "string" ? cell : String(cell);
    const known = this.counts.get(value);
    if (known !== undefined) this.counts.set(value, known + 1);
    else if (this.counts.size < DISTINCT_LIMIT) this.counts.set(value, 1);
    else this.capped = true;
  }

  profile(name: string, type: ColumnType): ColumnProfile {
    return {
      name,
      type,
      count: this.count,
      nullCount: this.nullCount,
      distinctCount: this.counts.size,
      distinctCapped: this.capped,
      topValues: topValuesOf(this.counts),
    };
  }
}

/** The TOP_VALUES most frequent values; ties go to the smaller value, for a stable answer. */
export function topValuesOf(counts: Map<string, number>): { value: string; count: number }[] {
  return Array.from(counts, ([value, count]) => ({ value, count }))
    .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0))
    .slice(0, TOP_VALUES);
}

// ---------------------------------------------------------------------------------------------
// Correlations

/**
 * Pearson correlations of every pair of numeric columns over the rows where both have a value
 * (pairwise-complete), from streaming sums. Each column is shifted by its first value before
 * summing, which removes the catastrophic cancellation of Σx² − (Σx)²/n for data far from zero
 * at no cost per cell.
 *
 * Rows with every numeric value present (the usual case) take a fast path: their Σx and Σx² are
 * the same for every pair a column is in, so they are summed once per column, leaving one
 * multiply-add per pair. Other rows add all six sums (n, Σx, Σy, Σx², Σy², Σxy) of each pair
 * with both values present, at (i·k + j)·PAIR_SUMS for i < j.
 */
class CorrelationAccumulator {
  private readonly size: number;
  private readonly shifts: Float64Array;
  private readonly shifted: Uint8Array;
  /** Per-row scratch: which numeric columns have a value, and their shifted values. */
  private readonly presentColumns: Int32Array;
  private readonly presentValues: Float64Array;
  private completeRows = 0;
  private readonly completeSums: Float64Array;
  private readonly completeSquares: Float64Array;
  /** Σxy of complete rows for pair (i, j), i < j, at i·k + j. */
  private readonly completeProducts: Float64Array;
  private readonly partialSums: Float64Array;

  constructor(private readonly positions: number[]) {
    const size = positions.length;
    this.size = size;
    this.shifts = new Float64Array(size);
    this.shifted = new Uint8Array(size);
    this.presentColumns = new Int32Array(size);
    this.presentValues = new Float64Array(size);
    this.completeSums = new Float64Array(size);
    this.completeSquares = new Float64Array(size);
    this.completeProducts = new Float64Array(size * size);
    this.partialSums = new Float64Array(size * size * PAIR_SUMS);
  }

  add(row: Cell[]): void {
    const present = this.collectPresent(row);
    if (present === this.size) this.addComplete();
    else this.addPartial(present);
  }

  /** Fills the scratch arrays with the row's numeric values; returns how many there are. */
  private collectPresent(row: Cell[]): number {
    let present = 0;
    for (let c = 0; c < this.size; c++) {
      const value = row[this.positions[c]];
      if (typeof value !== "number" || !Number.isFinite(value)) continue;
      if (this.shifted[c] === 0) {
        this.shifts[c] = value;
        this.shifted[c] = 1;
      }
      this.presentColumns[present] = c;
      this.presentValues[present] = value - this.shifts[c];
      present++;
    }
    return present;
  }

  /** Every value is present, so presentValues[c] belongs to column c. */
  private addComplete(): void {
    const { size, presentValues, completeSums, completeSquares, completeProducts } = this;
    this.completeRows++;
    for (let i = 0; i < size; i++) {
      const x = presentValues[i];
      completeSums[i] += x;
      completeSquares[i] += x * x;
      const rowBase = i * size;
      for (let j = i + 1; j < size; j++) completeProducts[rowBase + j] += x * presentValues[j];
    }
  }

  private addPartial(present: number): void {
    const { partialSums: sums, size, presentColumns, presentValues } = this;
    for (let a = 0; a < present; a++) {
      const rowBase = presentColumns[a] * size;
      const x = presentValues[a];
      for (let b = a + 1; b < present; b++) {
        const y = presentValues[b];
        const at = (rowBase + presentColumns[b]) * PAIR_SUMS;
        sums[at] += 1;
        sums[at + 1] += x;
        sums[at + 2] += y;
        sums[at + 3] += x * x;
        sums[at + 4] += y * y;
        sums[at + 5] += x * y;
      }
    }
  }

  matrix(): (number | null)[][] {
    const matrix: (number | null)[][] = Array.from({ length: this.size }, () => new Array<number | null>(this.size).fill(null));
    for (let i = 0; i < this.size; i++) {
      matrix[i][i] = 1;
      for (let j = i + 1; j < this.size; j++) {
        const r = this.correlation(i, j);
        matrix[i][j] = r;
        matrix[j][i] = r;
      }
    }
    return matrix;
  }

  private correlation(i: number, j: number): number | null {
    const at = (i * this.size + j) * PAIR_SUMS;
    const partial = this.partialSums;
    return correlationOfSums({
      n: this.completeRows + partial[at],
      sx: this.completeSums[i] + partial[at + 1],
      sy: this.completeSums[j] + partial[at + 2],
      sxx: this.completeSquares[i] + partial[at + 3],
      syy: this.completeSquares[j] + partial[at + 4],
      sxy: this.completeProducts[i * this.size + j] + partial[at + 5],
    });
  }
}

/** A pair's sums over the rows where both columns have a value, each column shifted by a constant. */
export interface PairSums {
  n: number;
  sx: number;
  sy: number;
  sxx: number;
  syy: number;
  sxy: number;
}

/** Pearson's r from a pair's sums; null for fewer than two rows or a column without variance over them. */
export function correlationOfSums({ n, sx, sy, sxx, syy, sxy }: PairSums): number | null {
  if (n < 2) return null;
  const centredXX = sxx - (sx * sx) / n;
  const centredYY = syy - (sy * sy) / n;
  if (centredXX <= RELATIVE_VARIANCE_FLOOR * sxx || centredYY <= RELATIVE_VARIANCE_FLOOR * syy) return null;
  if (centredXX <= 0 || centredYY <= 0) return null;
  const r = (sxy - (sx * sy) / n) / Math.sqrt(centredXX * centredYY);
  return Math.max(-1, Math.min(1, r));
}
