import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/shared/errors";
import { classificationMetrics, confusionMatrix, f1Macro, forecastMetrics, higherIsBetter, recommendationMetrics, regressionMetrics, rocAuc } from "./metrics";

describe("regressionMetrics", () => {
  it("matches hand-computed values", () => {
    // errors 0.5, 0, -1, 1 → sse 2.25; mean 2.5 → sst 5
    const m = regressionMetrics([1, 2, 3, 4], [1.5, 2, 2, 5]);
    expect(m.r2).toBeCloseTo(1 - 2.25 / 5, 12);
    expect(m.rmse).toBeCloseTo(0.75, 12);
    expect(m.mae).toBeCloseTo(0.625, 12);
    expect(m.mape).toBeCloseTo((0.5 / 1 + 0 + 1 / 3 + 1 / 4) / 4, 12);
  });

  it("skips rows whose true value is 0 in mape, which is a fraction", () => {
    expect(regressionMetrics([0, 2], [1, 3]).mape).toBeCloseTo(0.5, 12);
    expect(regressionMetrics([0, 0], [1, 3]).mape).toBeNaN();
  });

  it("works on Float64Arrays and scores a constant truth as scikit-learn does", () => {
    expect(regressionMetrics(Float64Array.of(3, 3), Float64Array.of(3, 3)).r2).toBe(1);
    expect(regressionMetrics([3, 3], [3, 4]).r2).toBe(0);
  });

  it("refuses empty or mismatched inputs", () => {
    expect(() => regressionMetrics([], [])).toThrow(AppError);
    expect(() => regressionMetrics([1, 2], [1])).toThrow(/2 true values but 1 predictions/);
  });
});

describe("forecastMetrics", () => {
  it("matches hand-computed values, wape = sum |e| / sum |y|", () => {
    // errors 2, 1, -5
    const m = forecastMetrics([10, 0, 20], [12, 1, 15]);
    expect(m.wape).toBeCloseTo(8 / 30, 12);
    expect(m.mape).toBeCloseTo((2 / 10 + 5 / 20) / 2, 12);
    expect(m.rmse).toBeCloseTo(Math.sqrt(30 / 3), 12);
    expect(m.mae).toBeCloseTo(8 / 3, 12);
  });
});

describe("classificationMetrics", () => {
  const labels = ["a", "b", "c"];
  const probs = [
    [0.7, 0.2, 0.1],
    [0.4, 0.5, 0.1],
    [0.1, 0.8, 0.1],
    [0.3, 0.6, 0.1],
  ];
  const yTrue = ["a", "a", "b", "c"];

  it("matches hand-computed values, with a class never predicted counting F1 = 0", () => {
    // predicted a, b, b, b: F1(a) = 2/3, F1(b) = 2·1/(2·1 + 2 + 0) = 1/2, F1(c) = 0 (never predicted)
    const m = classificationMetrics(yTrue, probs, labels);
    expect(m.accuracy).toBe(0.5);
    expect(m.f1Macro).toBeCloseTo((2 / 3 + 1 / 2 + 0) / 3, 12);
    expect(m.logLoss).toBeCloseTo(-(Math.log(0.7) + Math.log(0.4) + Math.log(0.8) + Math.log(0.1)) / 4, 12);
    expect(m.auc).toBeUndefined();
  });

  it("gives auc for two classes, positive class labels[1]", () => {
    const m = classificationMetrics(
      ["no", "yes", "yes"],
      [
        [0.9, 0.1],
        [0.2, 0.8],
        [0.6, 0.4],
      ],
      ["no", "yes"],
    );
    expect(m.auc).toBe(1);
    expect(m.accuracy).toBeCloseTo(2 / 3, 12);
  });

  it("clips probabilities of 0 in the log loss", () => {
    const m = classificationMetrics(["a"], [[0, 1]], ["a", "b"]);
    expect(m.logLoss).toBeCloseTo(-Math.log(1e-15), 6);
  });

  it("counts a true label outside the model's labels as wrong with probability 0", () => {
    const m = classificationMetrics(
      ["z", "a"],
      [
        [1, 0],
        [1, 0],
      ],
      ["a", "b"],
    );
    expect(m.accuracy).toBe(0.5);
    // labels present: z (F1 0), a (tp 1, fp 1 → 2/3)
    expect(m.f1Macro).toBeCloseTo((0 + 2 / 3) / 2, 12);
  });
});

describe("rocAuc", () => {
  it("gives tied scores half a pair each", () => {
    // positives 0.8, 0.4, 0.4; negatives 0.8, 0.2 → pairs 0.5 + 1 + 0 + 1 + 0 + 1 = 3.5 of 6
    const auc = rocAuc([true, false, true, false, true], [0.8, 0.8, 0.4, 0.2, 0.4]);
    expect(auc).toBeCloseTo(3.5 / 6, 12);
  });

  it("is 0.5 for a constant score and undefined with one class", () => {
    expect(rocAuc([true, false, true], [0.3, 0.3, 0.3])).toBe(0.5);
    expect(rocAuc([true, true], [0.1, 0.2])).toBeUndefined();
  });
});

describe("f1Macro", () => {
  it("is 1 for a perfect prediction", () => {
    expect(f1Macro(["x", "y"], ["x", "y"])).toBe(1);
  });
});

describe("confusionMatrix", () => {
  it("counts true rows against predicted columns, appending unknown labels", () => {
    const cm = confusionMatrix(["a", "a", "b", "z"], ["a", "b", "b", "a"], ["a", "b"]);
    expect(cm.labels).toEqual(["a", "b", "z"]);
    expect(cm.counts).toEqual([
      [1, 1, 0],
      [0, 1, 0],
      [1, 0, 0],
    ]);
  });
});

describe("recommendationMetrics", () => {
  const queries = [
    { heldOut: "x", recommended: ["x", "y", "z"] },
    {
      heldOut: "y",
      recommended: [
        { itemId: "z", score: 0.9 },
        { itemId: "w", score: 0.5 },
        { itemId: "y", score: 0.1 },
      ],
    },
    { heldOut: "v", recommended: ["x", "z", "w"] },
  ];

  it("matches hand-computed hit rate, ndcg and coverage at k", () => {
    const m = recommendationMetrics(queries, 3, 10);
    expect(m.hitRate).toBeCloseTo(2 / 3, 12);
    expect(m.ndcg).toBeCloseTo((1 + 1 / Math.log2(4) + 0) / 3, 12);
    expect(m.coverage).toBeCloseTo(4 / 10, 12); // x, y, z, w
  });

  it("only counts the first k recommendations", () => {
    const m = recommendationMetrics(queries, 2, 10);
    expect(m.hitRate).toBeCloseTo(1 / 3, 12);
    expect(m.ndcg).toBeCloseTo(1 / 3, 12);
    expect(m.coverage).toBeCloseTo(4 / 10, 12); // [x y] [z w] [x z]
  });
});

describe("higherIsBetter", () => {
  it("knows the direction of every metric", () => {
    for (const m of ["r2", "accuracy", "f1Macro", "auc", "hitRate", "ndcg", "coverage"]) expect(higherIsBetter(m)).toBe(true);
    for (const m of ["rmse", "mae", "mape", "wape", "logLoss"]) expect(higherIsBetter(m)).toBe(false);
  });

  it("refuses an unknown metric", () => {
    expect(() => higherIsBetter("precision")).toThrow(/unknown metric "precision"/);
  });
});
