import { describe, expect, it } from "vitest";
import { majorityBaseline, meanBaseline } from "./baselines";

describe("meanBaseline", () => {
  it("predicts the training mean on the validation rows", () => {
    // predicts 2 for [2, 4]: errors 0, -2; validation mean 3 → sst 2, sse 4
    const b = meanBaseline([1, 2, 3], [2, 4]);
    expect(b.value).toBe(2);
    expect(b.metrics.rmse).toBeCloseTo(Math.SQRT2, 12);
    expect(b.metrics.mae).toBe(1);
    expect(b.metrics.r2).toBeCloseTo(-1, 12);
    expect(b.metrics.mape).toBeCloseTo(0.25, 12);
  });
});

describe("majorityBaseline", () => {
  it("predicts the most frequent class with the training frequencies as probabilities", () => {
    const b = majorityBaseline(["a", "a", "b", "c"], ["a", "b"]);
    expect(b.label).toBe("a");
    expect(b.labels).toEqual(["a", "b", "c"]);
    expect(b.probabilities).toEqual([0.5, 0.25, 0.25]);
    expect(b.metrics.accuracy).toBe(0.5);
    expect(b.metrics.logLoss).toBeCloseTo(-(Math.log(0.5) + Math.log(0.25)) / 2, 12);
    // predicted a, a: F1(a) = 2/3, F1(b) = 0
    expect(b.metrics.f1Macro).toBeCloseTo(1 / 3, 12);
    expect(b.metrics.auc).toBeUndefined();
  });

  it("has auc 0.5 for two classes and follows the given label order", () => {
    const b = majorityBaseline(["x", "x", "y"], ["x", "y", "y"], ["y", "x"]);
    expect(b.labels).toEqual(["y", "x"]);
    expect(b.probabilities[0]).toBeCloseTo(1 / 3, 12);
    expect(b.label).toBe("x");
    expect(b.metrics.auc).toBe(0.5);
    expect(b.metrics.accuracy).toBeCloseTo(1 / 3, 12);
  });
});
