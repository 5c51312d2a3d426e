import { describe, expect, it } from "vitest";
import {
  chiSquaredSurvival,
  chiSquaredTest,
  jensenShannonDistance,
  kolmogorovSurvival,
  ksTwoSample,
  logGamma,
  psi,
  psiCategorical,
  regularizedGammaQ,
  wassersteinDistance,
} from "./stats";

const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);

describe("kolmogorovSurvival", () => {
  it("gives the published critical values of the Kolmogorov distribution", () => {
    // K(λ) tables (Smirnov 1948): λ_0.10 = 1.2238, λ_0.05 = 1.3581, λ_0.01 = 1.6276
    expect(kolmogorovSurvival(1.2238)).toBeCloseTo(0.1, 4);
    expect(kolmogorovSurvival(1.3581)).toBeCloseTo(0.05, 4);
    expect(kolmogorovSurvival(1.6276)).toBeCloseTo(0.01, 5);
  });

  it("agrees with tabulated K(λ) on both sides of the series switch", () => {
    // K(0.5) = 0.036055, K(1.0) = 0.730000, K(2.0) = 0.999329 (tables of the Kolmogorov distribution)
    expect(kolmogorovSurvival(0.5)).toBeCloseTo(1 - 0.036055, 6);
    expect(kolmogorovSurvival(1.0)).toBeCloseTo(1 - 0.73, 6);
    expect(kolmogorovSurvival(2.0)).toBeCloseTo(0.000671, 6);
    expect(kolmogorovSurvival(0)).toBe(1);
    expect(kolmogorovSurvival(0.1)).toBe(1);
  });

  it("is continuous where the two formulas meet", () => {
    expect(Math.abs(kolmogorovSurvival(1.18 - 1e-9) - kolmogorovSurvival(1.18))).toBeLessThan(1e-9);
  });
});

describe("ksTwoSample", () => {
  it("finds the largest ECDF gap, stepping both sides past ties", () => {
    // After 1: 1/4 vs 0; after 2 (both sides): 3/4 vs 2/5; after 3: 1 vs 2/5 → D = 0.6
    expect(ksTwoSample([1, 2, 2, 3], [2, 2, 4, 5, 6]).statistic).toBeCloseTo(0.6, 12);
    // Identical samples with ties everywhere have no gap, and p = 1.
    expect(ksTwoSample([1, 1, 2, 2], [2, 1, 2, 1])).toEqual({ statistic: 0, pValue: 1 });
    // Disjoint samples: D = 1.
    expect(ksTwoSample([1, 2], [3, 4]).statistic).toBe(1);
  });

  it("puts p on the right side of 0.05 around the asymptotic critical value 1.36·√((n+m)/(nm))", () => {
    // n = m = 1000: critical D ≈ 1.36·√(2/1000) = 0.0608. Shifting 0…999 by k gives D = k / 1000.
    const a = range(0, 1000);
    const above = ksTwoSample(a, range(61, 1000));
    expect(above.statistic).toBeCloseTo(0.061, 12);
    expect(above.pValue).toBeLessThan(0.05);
    // scipy.stats.ks_2samp(a, a + 61, method="asymp").pvalue = 0.04642
    expect(above.pValue).toBeCloseTo(0.0464, 3);
    const below = ksTwoSample(a, range(60, 1000));
    expect(below.statistic).toBeCloseTo(0.06, 12);
    expect(below.pValue).toBeGreaterThan(0.05);
  });

  it("is NaN for an empty side", () => {
    expect(ksTwoSample([], [1]).pValue).toBeNaN();
  });
});

describe("wassersteinDistance", () => {
  it("is the distance between point masses", () => {
    expect(wassersteinDistance([2], [7])).toBe(5);
    expect(wassersteinDistance([2, 2, 2], [-1])).toBe(3);
  });

  it("matches hand-computed areas between the ECDFs", () => {
    // A shift moves every unit of mass by the shift (scipy's documented example: 5).
    expect(wassersteinDistance([0, 1, 3], [5, 6, 8])).toBeCloseTo(5, 12);
    // Segments: [1.4,3.4) gap ½ → 1.0; [3.4,3.9) ¼ → 0.125; [3.9,4.5) 0; [4.5,7.5) ½ → 1.5; [7.5,7.8) ¼ → 0.075
    expect(wassersteinDistance([3.4, 3.9, 7.5, 7.8], [4.5, 1.4])).toBeCloseTo(2.7, 12);
    expect(wassersteinDistance([1, 2, 3], [3, 2, 1])).toBe(0);
  });
});

describe("chiSquaredSurvival and regularizedGammaQ", () => {
  it("give the 5 % and 1 % points of standard chi-squared tables", () => {
    expect(chiSquaredSurvival(3.841, 1)).toBeCloseTo(0.05, 4);
    expect(chiSquaredSurvival(5.991, 2)).toBeCloseTo(0.05, 4);
    expect(chiSquaredSurvival(11.07, 5)).toBeCloseTo(0.05, 4);
    expect(chiSquaredSurvival(6.635, 1)).toBeCloseTo(0.01, 5);
    expect(chiSquaredSurvival(18.307, 10)).toBeCloseTo(0.05, 4);
    expect(chiSquaredSurvival(67.505, 50)).toBeCloseTo(0.05, 4);
  });

  it("matches closed forms: Q(1, x) = e^(−x) and, for 1 dof, erfc(√(x/2))", () => {
    for (const x of [0.01, 0.5, 1, 3, 10, 40]) expect(regularizedGammaQ(1, x)).toBeCloseTo(Math.exp(-x), 12);
    // erfc(√2) = 0.0455003 (the two-sided normal tail at z = 2): χ² = 4 with 1 dof
    expect(chiSquaredSurvival(4, 1)).toBeCloseTo(0.0455003, 7);
    expect(chiSquaredSurvival(0, 3)).toBe(1);
  });

  it("logGamma is ln((n−1)!) at integers", () => {
    expect(logGamma(1)).toBeCloseTo(0, 9);
    expect(logGamma(5)).toBeCloseTo(Math.log(24), 9);
    expect(logGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 9);
  });
});

describe("chiSquaredTest", () => {
  it("matches a hand-computed 2×2 table", () => {
    // Margins 30/30 and 30/30 → every expected count 15; Σ (±5)²/15 over 4 cells = 20/3
    const result = chiSquaredTest({ a: 10, b: 20 }, { a: 20, b: 10 });
    expect(result.statistic).toBeCloseTo(20 / 3, 12);
    expect(result.dof).toBe(1);
    // scipy.stats.chi2_contingency([[10, 20], [20, 10]], correction=False).pvalue = 0.0098233
    expect(result.pValue).toBeCloseTo(0.0098233, 6);
  });

  it("takes the union of categories and drops those empty on both sides", () => {
    // [[30, 50, 20], [45, 35, 20]]: expected 37.5/42.5/20 on both rows → χ² = 2·(7.5²/37.5 + 7.5²/42.5)
    const result = chiSquaredTest({ x: 30, y: 50, z: 20, never: 0 }, { x: 45, y: 35, z: 20 });
    expect(result.statistic).toBeCloseTo(2 * (56.25 / 37.5 + 56.25 / 42.5), 12);
    expect(result.dof).toBe(2);
    // 2 dof: p = e^(−χ²/2) exactly
    expect(result.pValue).toBeCloseTo(Math.exp(-result.statistic / 2), 10);
  });

  it("has statistic 0 and p 1 with fewer than two categories", () => {
    expect(chiSquaredTest({ a: 5 }, { a: 50 })).toEqual({ statistic: 0, dof: 0, pValue: 1 });
  });
});

describe("jensenShannonDistance", () => {
  it("is 1 for disjoint distributions and 0 for identical ones", () => {
    expect(jensenShannonDistance({ a: 3 }, { b: 7 })).toBeCloseTo(1, 12);
    expect(jensenShannonDistance({ a: 1, b: 3 }, { a: 10, b: 30 })).toBe(0);
  });

  it("matches a hand-computed two-category case", () => {
    // P = (1, 0), Q = (½, ½), M = (¾, ¼): KL(P‖M) = log2(4/3), KL(Q‖M) = ½·log2(2/3) + ½·log2(2)
    const divergence = 0.5 * Math.log2(4 / 3) + 0.5 * (0.5 * Math.log2(2 / 3) + 0.5);
    expect(jensenShannonDistance({ a: 2 }, { a: 1, b: 1 })).toBeCloseTo(Math.sqrt(divergence), 12);
    // scipy.spatial.distance.jensenshannon([1, 0], [0.5, 0.5], base=2) = 0.5579230
    expect(jensenShannonDistance({ a: 2 }, { a: 1, b: 1 })).toBeCloseTo(0.557923, 6);
  });
});

describe("psi", () => {
  it("is 0 for identical samples", () => {
    const values = range(0, 100).map((i) => Math.sin(i) * 10);
    expect(psi(values, [...values].reverse())).toBeCloseTo(0, 12);
    expect(psiCategorical({ a: 1, b: 2 }, { a: 10, b: 20 })).toBeCloseTo(0, 12);
  });

  it("matches hand-computed indexes", () => {
    // shares (½, ½) → (¼, ¾): (¼ − ½)·ln(½) + (¾ − ½)·ln(3/2) = 0.274653
    expect(psiCategorical({ a: 50, b: 50 }, { a: 25, b: 75 })).toBeCloseTo(0.25 * Math.log(2) + 0.25 * Math.log(1.5), 12);
    // Two bins cut at the reference median 2.5: reference (½, ½), current (¼, ¾)
    expect(psi([1, 2, 3, 4], [1, 3, 4, 4], 2)).toBeCloseTo(0.274653, 6);
  });

  it("stands 1e-4 for an empty bin", () => {
    // reference (1, 0) → shares (1, 1e-4); current (0, 1) → (1e-4, 1)
    const expected = 2 * (1 - 1e-4) * Math.log(1 / 1e-4);
    expect(psiCategorical({ a: 4 }, { b: 4 })).toBeCloseTo(expected, 10);
  });

  it("cuts the reference at its deciles", () => {
    // Reference 1…100: cuts at 10.9, 20.8, …; a current window of the top decile only puts
    // all its mass in the last bin: 9 bins at (1e-4 − 0.1)·ln(1e-4/0.1), one at (1 − 0.1)·ln(10)
    const expected = 9 * (1e-4 - 0.1) * Math.log(1e-4 / 0.1) + 0.9 * Math.log(10);
    expect(psi(range(1, 100), range(91, 10))).toBeCloseTo(expected, 10);
  });
});
