/**
 * Statistics every step uses: a fast numeric sort, quantiles, mean, median. Pure and
 * browser-safe. Numeric inputs are finite numbers unless a function says otherwise.
 */

/** Numbers sorted ascending (what the *Sorted functions take, to share one sort between statistics). */
export type SortedNumbers = Float64Array | number[];

// ---------------------------------------------------------------------------------------------
// Sorting

/** Below this length the built-in sort is as fast and allocates less. */
const RADIX_SORT_MIN_LENGTH = 4096;
const RADIX_DIGIT_BITS = 16;
const RADIX_BUCKETS = 1 << RADIX_DIGIT_BITS;
const RADIX_DIGIT_MASK = RADIX_BUCKETS - 1;
const SIGN_BIT = 0x8000_0000;
const IS_LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * Sorts finite numbers ascending, in place, and returns them. For large arrays an LSD radix
 * sort over the IEEE-754 bits (four 16-bit digits) runs several times faster than the
 * built-in typed-array sort, which matters with a million values in each of 20 columns.
 * The bits are made order-preserving as unsigned integers first: negative numbers have all
 * bits flipped, positive ones only the sign bit.
 */
export function sortNumbers(values: Float64Array): Float64Array {
  const n = values.length;
  if (n < RADIX_SORT_MIN_LENGTH) return values.sort();
  const words = new Uint32Array(values.buffer, values.byteOffset, n * 2);
  const highAt = IS_LITTLE_ENDIAN ? 1 : 0;
  const lowAt = 1 - highAt;
  let high = new Uint32Array(n);
  let low = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const h = words[2 * i + highAt];
    const l = words[2 * i + lowAt];
    const negative = (h & SIGN_BIT) !== 0;
    high[i] = negative ? ~h >>> 0 : (h | SIGN_BIT) >>> 0;
    low[i] = negative ? ~l >>> 0 : l;
  }
  let nextHigh = new Uint32Array(n);
  let nextLow = new Uint32Array(n);
  const offsets = new Uint32Array(RADIX_BUCKETS);
  for (let pass = 0; pass < 4; pass++) {
    const shift = (pass % 2) * RADIX_DIGIT_BITS;
    const keys = pass < 2 ? low : high;
    if (!countDigits(keys, shift, offsets)) continue;
    for (let i = 0; i < n; i++) {
      const to = offsets[(keys[i] >>> shift) & RADIX_DIGIT_MASK]++;
      nextHigh[to] = high[i];
      nextLow[to] = low[i];
    }
    [high, nextHigh] = [nextHigh, high];
    [low, nextLow] = [nextLow, low];
  }
  for (let i = 0; i < n; i++) {
    const h = high[i];
    const wasNegative = (h & SIGN_BIT) === 0;
    words[2 * i + highAt] = wasNegative ? ~h >>> 0 : h & ~SIGN_BIT;
    words[2 * i + lowAt] = wasNegative ? ~low[i] >>> 0 : low[i];
  }
  return values;
}

/**
 * Turns `offsets` into each digit's first position in the output. Returns false when every key
 * has the same digit, so the pass can be skipped.
 */
function countDigits(keys: Uint32Array, shift: number, offsets: Uint32Array): boolean {
  offsets.fill(0);
  for (let i = 0; i < keys.length; i++) offsets[(keys[i] >>> shift) & RADIX_DIGIT_MASK]++;
  let position = 0;
  for (let digit = 0; digit < RADIX_BUCKETS; digit++) {
    const count = offsets[digit];
    if (count === keys.length) return false;
    offsets[digit] = position;
    position += count;
  }
  return true;
}

/** The finite values, copied and sorted ascending. */
export function sortedCopy(values: ArrayLike<number>): Float64Array {
  const out = new Float64Array(values.length);
  let n = 0;
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i])) out[n++] = values[i];
  return sortNumbers(out.subarray(0, n));
}

// ---------------------------------------------------------------------------------------------
// Quantiles

/**
 * The two ranks (0-based, in ascending order) that quantile q of `length` values lies between, and
 * how far it lies towards the upper one: for a caller that fetches just those values (SQL).
 */
export function quantilePosition(length: number, q: number): { below: number; above: number; t: number } {
  const position = q * (length - 1);
  const below = Math.floor(position);
  return { below, above: Math.min(below + 1, length - 1), t: position - below };
}

/** numpy.quantile(method="linear"): interpolation between the two nearest ranks. */
export function quantileOfSorted(sorted: Float64Array | number[], q: number): number {
  const { below, above, t } = quantilePosition(sorted.length, q);
  return lerp(sorted[below], sorted[above], t);
}

/** numpy's _lerp: interpolating from the nearer end keeps the result monotonic in t. */
export function lerp(a: number, b: number, t: number): number {
  const difference = b - a;
  return t >= 0.5 ? b - difference * (1 - t) : a + difference * t;
}
/** numpy.quantile(method="linear") of unsorted values; NaN for none. */
export function quantile(values: ArrayLike<number>, q: number): number {
  if (values.length === 0) return NaN;
  return quantileOfSorted(sortedCopy(values), q);
}

/**
 * The nearest-rank percentile (p from 0 to 100) of sorted values: always one of the values, as
 * a latency percentile is a latency some request had; null for none. Not quantileOfSorted, which
 * interpolates between values.
 */
export function nearestRankPercentile(sorted: ArrayLike<number>, p: number): number | null {
  if (sorted.length === 0) return null;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

// ---------------------------------------------------------------------------------------------
// Moments

/** The arithmetic mean, summed in order; NaN for none. */
export function mean(values: ArrayLike<number>): number {
  if (values.length === 0) return NaN;
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
  return sum / values.length;
}

/** The sample standard deviation (n − 1); 0 for a single value, NaN for none. */
export function std(values: ArrayLike<number>): number {
  if (values.length === 0) return NaN;
  if (values.length === 1) return 0;
  const m = mean(values);
  let squares = 0;
  for (let i = 0; i < values.length; i++) squares += (values[i] - m) ** 2;
  return Math.sqrt(squares / (values.length - 1));
}

/**
 * The median of unsorted values: the middle one, or the mean of the two middle ones. Fitted
 * recipes store it, so it stays (a + b) / 2 rather than quantile(values, 0.5), whose
 * interpolation can differ in the last bit. NaN for none.
 */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * The middle of unsorted values, the upper of the two middle ones for an even count: always one
 * of the values (a period some series had, a level some series had), never a mean of two. NaN
 * for none. Does not sort its input.
 */
export function upperMedian(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}
