import { describe, expect, it } from "vitest";
import type { ColumnType, Row } from "@/lib/data/types";
import { mulberry32 } from "@/lib/shared/random";
import { DEFAULT_DRIFT_THRESHOLDS, driftReport, featureDrift, OTHER_BIN_LABEL, qualityReport } from "./drift";

// ---------------------------------------------------------------------------------------------
// Seeded samplers

function normalSampler(seed: number, mu: number, sigma: number): () => number {
  const random = mulberry32(seed);
  // Box–Muller; 1 − u keeps the logarithm's argument in (0, 1].
  return () => mu + sigma * Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

function categorySampler(seed: number, probabilities: Record<string, number>): () => string {
  const random = mulberry32(seed);
  const entries = Object.entries(probabilities);
  return () => {
    let u = random();
    for (const [label, p] of entries) {
      if (u < p) return label;
      u -= p;
    }
    return entries[entries.length - 1][0];
  };
}

const COLUMNS: { name: string; type: ColumnType }[] = [
  { name: "age", type: "number" },
  { name: "income", type: "number" },
  { name: "visits", type: "integer" },
  { name: "plan", type: "category" },
  { name: "member", type: "boolean" },
  { name: "signed_up", type: "datetime" },
];

interface Mix {
  ageShift?: number;
  plan?: Record<string, number>;
}

const BASE_PLAN = { basic: 0.5, plus: 0.3, pro: 0.15, team: 0.05 };

/** n rows; every column has its own seeded stream, so changing one column leaves the others' draws alone. */
function drawRows(n: number, seed: number, mix: Mix = {}): Row[] {
  const age = normalSampler(seed + 1, 40 + (mix.ageShift ?? 0) * 12, 12);
  const income = normalSampler(seed + 2, 50_000, 15_000);
  const visits = normalSampler(seed + 3, 20, 6);
  const plan = categorySampler(seed + 4, mix.plan ?? BASE_PLAN);
  const member = mulberry32(seed + 5);
  return Array.from({ length: n }, () => ({
    age: age(),
    income: income(),
    visits: Math.max(0, Math.round(visits())),
    plan: plan(),
    member: member() < 0.3,
    signed_up: "2024-01-01T00:00:00.000Z",
  }));
}

const REGIMES = [
  { name: "small reference (KS, chi-squared)", referenceRows: 500, currentRows: 5_000, numeric: "ks", categorical: "chi2" },
  { name: "large reference (Wasserstein, Jensen–Shannon)", referenceRows: 5_000, currentRows: 50_000, numeric: "wasserstein", categorical: "jensenShannon" },
] as const;

// ---------------------------------------------------------------------------------------------

describe("driftReport: no false alarms, and a shift flags only its feature", () => {
  for (const regime of REGIMES) {
    it(`${regime.name}: a window from the reference's distribution is not flagged`, () => {
      const report = driftReport(COLUMNS, drawRows(regime.referenceRows, 1000), drawRows(regime.currentRows, 2000));
      expect(report.features.map((f) => f.name).sort()).toEqual(["age", "income", "member", "plan", "visits"]);
      for (const f of report.features) {
        expect(f.metric).toBe(f.kind === "numeric" ? regime.numeric : regime.categorical);
        expect(f.drifted, `${f.name}: ${f.metric} ${f.value}`).toBe(false);
      }
      expect(report.driftedFeatures).toBe(0);
      expect(report.datasetDrifted).toBe(false);
    });

    it(`${regime.name}: a 0.5 std shift in age and a new plan mix flag exactly those two`, () => {
      const current = drawRows(regime.currentRows, 2000, { ageShift: 0.5, plan: { basic: 0.3, plus: 0.3, pro: 0.25, team: 0.15 } });
      const report = driftReport(COLUMNS, drawRows(regime.referenceRows, 1000), current);
      expect(report.features.filter((f) => f.drifted).map((f) => f.name)).toEqual(["age", "plan"]);
      expect(report.features.slice(0, 2).map((f) => f.name)).toEqual(["age", "plan"]);
      expect(report.driftedFeatures).toBe(2);
      // 2 of 5 is below the default share of one half.
      expect(report.datasetDrifted).toBe(false);
      expect(driftReport(COLUMNS, drawRows(regime.referenceRows, 1000), current, { thresholds: { driftedShare: 0.4 } }).datasetDrifted).toBe(true);
    });
  }

  it("flags KS at about its nominal 5 % rate across many same-distribution windows", () => {
    const trials = 100;
    let alarms = 0;
    for (let seed = 0; seed < trials; seed++) {
      const reference = Array.from({ length: 500 }, normalSampler(10_000 + seed, 0, 1));
      const current = Array.from({ length: 5_000 }, normalSampler(20_000 + seed, 0, 1));
      if (featureDrift("x", "numeric", reference, current).drifted) alarms++;
    }
    // Binomial(100, 0.05): more than 12 alarms has probability below 0.1 %.
    expect(alarms).toBeLessThanOrEqual(12);
  });
});

describe("featureDrift", () => {
  it("normalises the Wasserstein distance by the reference std", () => {
    // Reference 0…1999 (std ≈ 577.5), current shifted by 100: distance 100, normalised ≈ 0.173
    const reference = Array.from({ length: 2000 }, (_, i) => i);
    const f = featureDrift(
      "x",
      "numeric",
      reference,
      reference.map((x) => x + 100),
    );
    const std = Math.sqrt((2000 * 2001) / 12);
    expect(f.metric).toBe("wasserstein");
    expect(f.statistic).toBeCloseTo(100, 9);
    expect(f.value).toBeCloseTo(100 / std, 9);
    expect(f.drifted).toBe(true);
    expect(f.threshold).toBe(DEFAULT_DRIFT_THRESHOLDS.wasserstein);
  });

  it("reads numeric text, ignores nulls and reports the p-value of KS", () => {
    const f = featureDrift("x", "numeric", [1, 2, "3", null, 4], ["1", 2, 3, 4, undefined, ""]);
    expect(f.metric).toBe("ks");
    expect(f.statistic).toBe(0);
    expect(f.pValue).toBe(1);
    expect(f.value).toBe(1);
    expect(f.referenceRows).toBe(5);
    expect(f.currentRows).toBe(6);
    expect(f.psi).toBeCloseTo(0, 12);
  });

  it("builds shared equal-width bins as shares of each side", () => {
    // Range 0…20 over 20 bins of width 1; the maximum falls in the last bin.
    const f = featureDrift("x", "numeric", [0, 0, 10, 20], [19.5, 20]);
    const bins = f.histogram.bins;
    expect(bins).toHaveLength(20);
    expect(bins[0]).toMatchObject({ label: "0 – 1", reference: 0.5, current: 0, start: 0, end: 1 });
    expect(bins[10]).toMatchObject({ reference: 0.25, current: 0 });
    expect(bins[19]).toMatchObject({ label: "19 – 20", reference: 0.25, current: 1 });
    expect(bins.reduce((s, b) => s + b.reference, 0)).toBeCloseTo(1, 12);
  });

  it("gives categories the top reference bins and one 'other' bin, booleans included", () => {
    const reference = [...Array(22).keys()].flatMap((i) => Array(30 - i).fill(`c${i}`));
    const f = featureDrift("c", "categorical", reference, ["c0", "c21", "new"]);
    expect(f.metric).toBe("chi2");
    expect(f.histogram.bins).toHaveLength(21);
    expect(f.histogram.bins[0]).toMatchObject({ label: "c0", current: 1 / 3 });
    const other = f.histogram.bins[20];
    expect(other.label).toBe(OTHER_BIN_LABEL);
    expect(other.reference).toBeCloseTo((9 + 10) / reference.length, 12);
    expect(other.current).toBeCloseTo(2 / 3, 12);

    const flags = featureDrift("b", "categorical", [true, false, true, null], [true, true, true]);
    expect(flags.histogram.bins.map((b) => b.label)).toEqual(["true", "false"]);
  });

  it("chooses chi-squared or Jensen–Shannon by the reference's size and compares each the right way", () => {
    const reference = Array.from({ length: 1200 }, (_, i) => (i % 2 ? "a" : "b"));
    const current = Array.from({ length: 1200 }, (_, i) => (i % 4 ? "a" : "b"));
    const large = featureDrift("c", "categorical", reference, current);
    expect(large.metric).toBe("jensenShannon");
    // (½, ½) vs (¾, ¼): M = (⅝, ⅜)
    const kl = (p: number[], q: number[]) => p.reduce((s, x, i) => s + x * Math.log2(x / q[i]), 0);
    const expected = Math.sqrt(0.5 * kl([0.5, 0.5], [0.625, 0.375]) + 0.5 * kl([0.75, 0.25], [0.625, 0.375]));
    expect(large.value).toBeCloseTo(expected, 12);
    expect(large.drifted).toBe(expected >= 0.1);
    const small = featureDrift("c", "categorical", reference.slice(0, 1000), current, { ...DEFAULT_DRIFT_THRESHOLDS });
    expect(small.metric).toBe("chi2");
    expect(small.drifted).toBe(small.value < 0.05);
    expect(small.value).toBeLessThan(0.05);
  });

  it("reports NaN and no drift when a side has no values", () => {
    const f = featureDrift("x", "numeric", [1, 2, 3], [null, null]);
    expect(f.value).toBeNaN();
    expect(f.drifted).toBe(false);
  });

  it("never reads a column from Object.prototype", () => {
    const rows: Row[] = [{ x: 1 }, { x: 2 }];
    const report = driftReport(
      [
        { name: "constructor", type: "category" },
        { name: "toString", type: "number" },
      ],
      rows,
      rows,
    );
    expect(report.features.map((f) => [f.name, f.drifted, f.histogram.bins.length])).toEqual([
      ["constructor", false, 0],
      ["toString", false, 0],
    ]);
  });
});

describe("driftReport predictions", () => {
  it("treats numbers as numeric and labels, {label} objects and recommendation lists as categories", () => {
    const numbers = driftReport([], [], [], { predictions: { reference: [1, 2, 3], current: [1, 2, 3] } });
    expect(numbers.prediction).toMatchObject({ name: "prediction", kind: "numeric", drifted: false });

    const labels = driftReport([], [], [], {
      predictions: { reference: ["yes", "no", "yes"], current: [{ label: "yes", probabilities: { yes: 0.9, no: 0.1 } }, { label: "no" }] },
    });
    expect(labels.prediction?.kind).toBe("categorical");
    expect(labels.prediction?.histogram.bins).toEqual([
      { label: "yes", reference: 2 / 3, current: 0.5 },
      { label: "no", reference: 1 / 3, current: 0.5 },
    ]);

    const lists = driftReport([], [], [], {
      predictions: {
        reference: [
          [
            { itemId: "p1", score: 0.9 },
            { itemId: "p2", score: 0.5 },
          ],
          [{ itemId: "p1", score: 0.8 }],
        ],
        current: [[{ itemId: "p2", score: 0.7 }], null],
      },
    });
    expect(lists.prediction?.histogram.bins).toEqual([
      { label: "p1", reference: 1, current: 0 },
      { label: OTHER_BIN_LABEL, reference: 0, current: 1 },
    ]);
    expect(driftReport([], [], []).prediction).toBeNull();
  });
});

describe("qualityReport", () => {
  it("counts nulls, type errors and values outside the training range", () => {
    const columns: { name: string; type: ColumnType }[] = [
      { name: "price", type: "number" },
      { name: "units", type: "integer" },
      { name: "flag", type: "boolean" },
      { name: "brand", type: "category" },
      { name: "day", type: "datetime" },
      { name: "note", type: "text" },
    ];
    const training: Row[] = [
      { price: 1, units: 5, flag: true, brand: "a", day: "2024-01-01", note: "x" },
      { price: 3, units: 9, flag: false, brand: "b", day: "2024-01-08", note: "y" },
    ];
    const current: Row[] = [
      { price: 2, units: 5, flag: true, brand: "a", day: "2024-02-01", note: "new text" },
      { price: 0.5, units: 10, flag: "maybe", brand: "c", day: "not a date", note: null },
      { price: "abc", units: 2.5, flag: null, brand: "", day: null, note: "" },
      { price: "3", units: "7", flag: "yes", brand: "b", day: "2024-13-01T00:00", note: "z" },
    ];
    const byName = Object.fromEntries(qualityReport(columns, training, current).map((q) => [q.name, q]));
    // price: 0.5 below the training minimum 1; "abc" not a number; "3" is a number at the maximum
    expect(byName.price).toEqual({ name: "price", type: "number", rows: 4, nullRate: 0, typeErrorRate: 0.25, outOfRangeRate: 0.25 });
    // units: 10 above 9, 2.5 not an integer
    expect(byName.units).toMatchObject({ nullRate: 0, typeErrorRate: 0.25, outOfRangeRate: 0.25 });
    expect(byName.flag).toMatchObject({ nullRate: 0.25, typeErrorRate: 0.25, outOfRangeRate: 0 });
    // brand: "c" never seen in training; "" is null
    expect(byName.brand).toMatchObject({ nullRate: 0.25, typeErrorRate: 0, outOfRangeRate: 0.25 });
    // day: an unparseable text and a 13th month; dates after training are not out of range
    expect(byName.day).toMatchObject({ nullRate: 0.25, typeErrorRate: 0.5, outOfRangeRate: 0 });
    expect(byName.note).toMatchObject({ nullRate: 0.5, typeErrorRate: 0, outOfRangeRate: 0 });
  });

  it("gives zero rates for an empty window", () => {
    expect(qualityReport([{ name: "x", type: "number" }], [], [])).toEqual([
      { name: "x", type: "number", rows: 0, nullRate: 0, typeErrorRate: 0, outOfRangeRate: 0 },
    ]);
  });
});

// The 1,000,000-row speed figure is a bench part (BENCH_ONLY=drift npm run bench); this is its shape, small.
describe("driftReport over a wide window", () => {
  it("counts every row of every feature and flags the shifted one", () => {
    const columns = Array.from({ length: 10 }, (_, i) => ({ name: `f${i}`, type: (i < 8 ? "number" : "category") as ColumnType }));
    const draw = (n: number, seed: number, shift: number): Row[] => {
      const normal = normalSampler(seed, 0, 1);
      const category = categorySampler(seed + 100, { a: 0.25, b: 0.25, c: 0.25, d: 0.25 });
      return Array.from({ length: n }, () =>
        Object.fromEntries(columns.map((c, i) => [c.name, c.type === "number" ? normal() + (i === 0 ? shift : 0) : category()])),
      );
    };
    const report = driftReport(columns, draw(500, 1, 0), draw(20_000, 2, 0.5));
    expect(report.features).toHaveLength(10);
    for (const f of report.features) {
      expect(f.referenceRows).toBe(500);
      expect(f.currentRows).toBe(20_000);
    }
    expect(report.features.filter((f) => f.drifted).map((f) => f.name)).toEqual(["f0"]);
  });
});
