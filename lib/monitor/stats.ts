/**
 * The statistics of drift monitoring: two-sample tests and distances between a reference sample
 * and a current window. Pure and browser-safe; the special functions (Kolmogorov distribution,
 * regularized incomplete gamma) follow Numerical Recipes, so no statistics package is needed.
 * Numeric inputs are finite numbers; a statistic that cannot be defined (an empty side) is NaN.
 */
import { quantileOfSorted, sortedCopy, type SortedNumbers } from "@/lib/shared/stats";

/** Counts (or weights) per category. */
export type CategoryCounts = Record<string, number>;

export interface TestResult {
  statistic: number;
  pValue: number;
}

export interface ChiSquaredResult extends TestResult {
  dof: number;
}

/** A share of 0 in PSI stands for this, so the logarithm stays finite (the usual convention). */
export const PSI_EMPTY_SHARE = 1e-4;
export const PSI_DEFAULT_BINS = 10;

// ---------------------------------------------------------------------------------------------
// Kolmogorov–Smirnov

/** Two-sample Kolmogorov–Smirnov test (two-sided, asymptotic p-value with Stephens' correction). */
export function ksTwoSample(a: ArrayLike<number>, b: ArrayLike<number>): TestResult {
  return ksTwoSampleSorted(sortedCopy(a), sortedCopy(b));
}

/** ksTwoSample on samples already sorted ascending. */
export function ksTwoSampleSorted(a: SortedNumbers, b: SortedNumbers): TestResult {
  const n = a.length;
  const m = b.length;
  if (n === 0 || m === 0) return { statistic: NaN, pValue: NaN };
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < n && j < m) {
    // Step both ECDFs past every copy of the next value, so ties never open a false gap.
    const x = Math.min(a[i], b[j]);
    while (i < n && a[i] === x) i++;
    while (j < m && b[j] === x) j++;
    const gap = Math.abs(i / n - j / m);
    if (gap > d) d = gap;
  }
  const effective = Math.sqrt((n * m) / (n + m));
  return { statistic: d, pValue: kolmogorovSurvival((effective + 0.12 + 0.11 / effective) * d) };
}

/** Below this λ the alternating series converges slowly; its Jacobi-theta twin is used instead. */
const KS_SERIES_MIN_LAMBDA = 1.18;
const KS_MAX_TERMS = 100;
const KS_TERM_EPS = 1e-16;

/**
 * Q_KS(λ) = 2 Σ_{k≥1} (−1)^{k−1} e^{−2k²λ²}, the Kolmogorov distribution's survival function.
 * For small λ, 1 − (√(2π)/λ) Σ_{k≥1} e^{−(2k−1)²π²/(8λ²)} is the same value to full precision.
 */
export function kolmogorovSurvival(lambda: number): number {
  if (!(lambda > 0)) return 1;
  if (lambda < KS_SERIES_MIN_LAMBDA) {
    const y = Math.exp(-(Math.PI * Math.PI) / (8 * lambda * lambda));
    const cdf = (Math.sqrt(2 * Math.PI) / lambda) * (y + y ** 9 + y ** 25 + y ** 49);
    return clamp01(1 - cdf);
  }
  let sum = 0;
  let sign = 1;
  for (let k = 1; k <= KS_MAX_TERMS; k++) {
    const term = sign * Math.exp(-2 * k * k * lambda * lambda);
    sum += term;
    if (Math.abs(term) <= KS_TERM_EPS * Math.abs(sum)) break;
    sign = -sign;
  }
  return clamp01(2 * sum);
}

// ---------------------------------------------------------------------------------------------
// Wasserstein

/** The 1-D earth mover's distance between two empirical distributions (scipy.stats.wasserstein_distance). */
export function wassersteinDistance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  return wassersteinSorted(sortedCopy(a), sortedCopy(b));
}

/** ∫ |F_a − F_b| dx over the merged sorted samples; inputs sorted ascending. */
export function wassersteinSorted(a: SortedNumbers, b: SortedNumbers): number {
  const n = a.length;
  const m = b.length;
  if (n === 0 || m === 0) return NaN;
  const stepA = 1 / n;
  const stepB = 1 / m;
  let i = 0;
  let j = 0;
  let previous = Math.min(a[0], b[0]);
  let area = 0;
  while (i < n && j < m) {
    const x = Math.min(a[i], b[j]);
    area += Math.abs(i * stepA - j * stepB) * (x - previous);
    while (i < n && a[i] === x) i++;
    while (j < m && b[j] === x) j++;
    previous = x;
  }
  // One side is used up (its ECDF is 1); the other's gap shrinks with every value it has left.
  const [rest, from, step] = i < n ? [a, i, stepA] : [b, j, stepB];
  for (let k = from; k < rest.length; k++) {
    area += (1 - k * step) * (rest[k] - previous);
    previous = rest[k];
  }
  return area;
}

// ---------------------------------------------------------------------------------------------
// Categorical tests

/** The union of categories with a count on either side, as two aligned count vectors. */
function alignCounts(p: CategoryCounts, q: CategoryCounts): { left: number[]; right: number[] } {
  const left: number[] = [];
  const right: number[] = [];
  const keys = new Set([...Object.keys(p), ...Object.keys(q)]);
  for (const key of keys) {
    const x = Object.hasOwn(p, key) ? p[key] : 0;
    const y = Object.hasOwn(q, key) ? q[key] : 0;
    if (x > 0 || y > 0) {
      left.push(Math.max(x, 0));
      right.push(Math.max(y, 0));
    }
  }
  return { left, right };
}

const total = (values: readonly number[]) => values.reduce((s, v) => s + v, 0);

/**
 * Chi-squared test of homogeneity on the 2 × k table (reference, current) × categories, over
 * the categories seen on either side (scipy.stats.chi2_contingency without Yates' correction).
 */
export function chiSquaredTest(referenceCounts: CategoryCounts, currentCounts: CategoryCounts): ChiSquaredResult {
  const { left, right } = alignCounts(referenceCounts, currentCounts);
  const k = left.length;
  const leftTotal = total(left);
  const rightTotal = total(right);
  if (leftTotal === 0 || rightTotal === 0) return { statistic: NaN, dof: Math.max(k - 1, 0), pValue: NaN };
  if (k < 2) return { statistic: 0, dof: 0, pValue: 1 };
  const grand = leftTotal + rightTotal;
  let statistic = 0;
  for (let c = 0; c < k; c++) {
    const column = left[c] + right[c];
    const expectedLeft = (leftTotal * column) / grand;
    const expectedRight = (rightTotal * column) / grand;
    statistic += (left[c] - expectedLeft) ** 2 / expectedLeft + (right[c] - expectedRight) ** 2 / expectedRight;
  }
  return { statistic, dof: k - 1, pValue: chiSquaredSurvival(statistic, k - 1) };
}

/** P(χ²_dof > x) = Q(dof/2, x/2). */
export function chiSquaredSurvival(x: number, dof: number): number {
  if (!(x > 0)) return 1;
  return regularizedGammaQ(dof / 2, x / 2);
}

/** Jensen–Shannon distance in base 2 (in [0, 1]): √ of the divergence, as scipy's jensenshannon(base=2). */
export function jensenShannonDistance(p: CategoryCounts, q: CategoryCounts): number {
  const { left, right } = alignCounts(p, q);
  const leftTotal = total(left);
  const rightTotal = total(right);
  if (leftTotal === 0 || rightTotal === 0) return NaN;
  let divergence = 0;
  for (let c = 0; c < left.length; c++) {
    const x = left[c] / leftTotal;
    const y = right[c] / rightTotal;
    const middle = (x + y) / 2;
    if (x > 0) divergence += 0.5 * x * Math.log2(x / middle);
    if (y > 0) divergence += 0.5 * y * Math.log2(y / middle);
  }
  // Rounding can leave a hair below 0 for identical inputs, or above 1 for disjoint ones.
  return Math.sqrt(clamp01(divergence));
}

// ---------------------------------------------------------------------------------------------
// Population stability index

/** Σ (c − r) · ln(c / r) over aligned shares, an empty share counting as PSI_EMPTY_SHARE. */
function psiOfCounts(reference: ArrayLike<number>, current: ArrayLike<number>): number {
  let referenceTotal = 0;
  let currentTotal = 0;
  for (let i = 0; i < reference.length; i++) {
    referenceTotal += reference[i];
    currentTotal += current[i];
  }
  if (referenceTotal === 0 || currentTotal === 0) return NaN;
  let index = 0;
  for (let i = 0; i < reference.length; i++) {
    const r = Math.max(reference[i] / referenceTotal, PSI_EMPTY_SHARE);
    const c = Math.max(current[i] / currentTotal, PSI_EMPTY_SHARE);
    index += (c - r) * Math.log(c / r);
  }
  return index;
}

/** PSI of numbers over bins cut at the reference's quantiles (deciles by default). */
export function psi(reference: ArrayLike<number>, current: ArrayLike<number>, bins = PSI_DEFAULT_BINS): number {
  return psiSorted(sortedCopy(reference), sortedCopy(current), bins);
}

/** psi on samples already sorted ascending. Bins are right-closed; repeated cut points merge. */
export function psiSorted(reference: SortedNumbers, current: SortedNumbers, bins = PSI_DEFAULT_BINS): number {
  if (reference.length === 0 || current.length === 0) return NaN;
  const cuts: number[] = [];
  for (let k = 1; k < bins; k++) {
    const cut = quantileOfSorted(reference, k / bins);
    if (cuts.length === 0 || cut > cuts[cuts.length - 1]) cuts.push(cut);
  }
  return psiOfCounts(countBelowCuts(reference, cuts), countBelowCuts(current, cuts));
}

/** Counts of sorted values per bin (−∞, c₀], (c₀, c₁], …, (c_last, ∞). */
function countBelowCuts(sorted: SortedNumbers, cuts: readonly number[]): number[] {
  const ends = [...cuts.map((cut) => rankOf(sorted, cut, true)), sorted.length];
  return ends.map((end, k) => end - (k === 0 ? 0 : ends[k - 1]));
}

/** How many sorted values lie below x (or at most x when inclusive), by binary search. */
export function rankOf(sorted: SortedNumbers, x: number, inclusive: boolean): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle] < x || (inclusive && sorted[middle] === x)) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** PSI over the union of categories. */
export function psiCategorical(referenceCounts: CategoryCounts, currentCounts: CategoryCounts): number {
  const { left, right } = alignCounts(referenceCounts, currentCounts);
  return psiOfCounts(left, right);
}

// ---------------------------------------------------------------------------------------------
// Special functions (Numerical Recipes, 2nd ed., §6.1–6.2)

const GAMMA_EPS = 3e-16;
const GAMMA_FPMIN = 1e-300;
const GAMMA_MAX_ITERATIONS = 1000;
// biome-ignore lint/correctness/noPrecisionLoss: the published coefficients, as printed; the nearest double is what is meant.
const LANCZOS = [76.18009172947146, -86.50532032941677, 24.01409824083091, -1.231739572450155, 0.1208650973866179e-2, -0.5395239384953e-5];

/** ln Γ(x) for x > 0 (Lanczos, |error| < 2e-10). */
export function logGamma(x: number): number {
  let y = x;
  let tmp = x + 5.5;
  tmp -= (x + 0.5) * Math.log(tmp);
  let series = 1.000000000190015;
  for (const c of LANCZOS) series += c / ++y;
  // √(2π) as the double JavaScript prints for Math.sqrt(2 * Math.PI).
  // biome-ignore lint/correctness/noPrecisionLoss: the literal is that double's shortest round-trip form.
  return -tmp + Math.log((2.5066282746310005 * series) / x);
}

/** The regularized upper incomplete gamma Q(a, x) = Γ(a, x) / Γ(a): series below a + 1, continued fraction above. */
export function regularizedGammaQ(a: number, x: number): number {
  if (!(a > 0) || x < 0 || Number.isNaN(x)) return NaN;
  if (x === 0) return 1;
  if (x === Infinity) return 0;
  const prefactor = Math.exp(-x + a * Math.log(x) - logGamma(a));
  return x < a + 1 ? clamp01(1 - prefactor * gammaSeries(a, x)) : clamp01(prefactor * gammaContinuedFraction(a, x));
}

/** Σ xⁿ / (a (a+1) … (a+n)), so that P(a, x) = prefactor · series. */
function gammaSeries(a: number, x: number): number {
  let denominator = a;
  let term = 1 / a;
  let sum = term;
  for (let n = 0; n < GAMMA_MAX_ITERATIONS; n++) {
    denominator++;
    term *= x / denominator;
    sum += term;
    if (Math.abs(term) < Math.abs(sum) * GAMMA_EPS) break;
  }
  return sum;
}

/** The continued fraction for Q(a, x) / prefactor, by the modified Lentz method. */
function gammaContinuedFraction(a: number, x: number): number {
  let b = x + 1 - a;
  let c = 1 / GAMMA_FPMIN;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i <= GAMMA_MAX_ITERATIONS; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < GAMMA_FPMIN) d = GAMMA_FPMIN;
    c = b + an / c;
    if (Math.abs(c) < GAMMA_FPMIN) c = GAMMA_FPMIN;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < GAMMA_EPS) break;
  }
  return h;
}

function clamp01(x: number): number {
  return x < 0 ? 0 : Math.min(x, 1);
}
