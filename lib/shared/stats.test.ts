import { describe, expect, it } from "vitest";
import { mean, median, nearestRankPercentile, quantile, quantileOfSorted, sortedCopy, sortNumbers, std, upperMedian } from "./stats";

describe("mean, std, quantile", () => {
  it("match hand-computed values", () => {
    expect(mean([1, 2, 3, 6])).toBe(3);
    // deviations −2, −1, 0, 3 → Σ² = 14, / (n − 1) = 14 / 3
    expect(std([1, 2, 3, 6])).toBeCloseTo(Math.sqrt(14 / 3), 12);
    expect(std([5])).toBe(0);
    expect(mean([])).toBeNaN();
    // numpy.quantile([6, 1, 3, 2], 0.5) = 2.5; 0.25 → position 0.75 between 1 and 2
    expect(quantile([6, 1, 3, 2], 0.5)).toBe(2.5);
    expect(quantile([6, 1, 3, 2], 0.25)).toBe(1.75);
  });
});

describe("quantileOfSorted", () => {
  it("returns the ends at q = 0 and q = 1 and the only value of one", () => {
    expect(quantileOfSorted([1, 2, 4], 0)).toBe(1);
    expect(quantileOfSorted([1, 2, 4], 1)).toBe(4);
    expect(quantileOfSorted([1, 2, 4], 0.75)).toBe(3);
    expect(quantileOfSorted([3], 0.5)).toBe(3);
  });
});

describe("sortNumbers", () => {
  it("sorts large arrays (radix path) exactly as the built-in sort", () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const specials = [0, -0, 1, -1, Number.MAX_VALUE, -Number.MAX_VALUE, Number.MIN_VALUE, -Number.MIN_VALUE, 1e-300, -1e300, 2 ** 53, 0.1];
    const values = Float64Array.from({ length: 50_000 }, (_, i) =>
      i < specials.length ? specials[i] : i % 3 === 0 ? Math.round(random() * 100) - 50 : (random() - 0.5) * 10 ** Math.floor(random() * 40 - 20),
    );
    const expected = values.slice().sort();
    expect(Array.from(sortNumbers(values))).toEqual(Array.from(expected));
  });

  it("handles columns whose values share high bits (skipped passes)", () => {
    const values = Float64Array.from({ length: 10_000 }, (_, i) => 1000 - (i % 17));
    expect(Array.from(sortNumbers(values.slice()))).toEqual(Array.from(values.slice().sort()));
  });
});

describe("sortedCopy", () => {
  it("keeps the finite values only, sorted, and leaves its input alone", () => {
    const values = [3, NaN, -1, Infinity, 2, -Infinity];
    expect(Array.from(sortedCopy(values))).toEqual([-1, 2, 3]);
    expect(values[0]).toBe(3);
  });
});

describe("nearestRankPercentile", () => {
  it("is always one of the values: the ceil(p/100 · n)-th smallest", () => {
    const sorted = [10, 20, 30, 40];
    expect(nearestRankPercentile(sorted, 50)).toBe(20);
    expect(nearestRankPercentile(sorted, 95)).toBe(40);
    expect(nearestRankPercentile(sorted, 0)).toBe(10);
    expect(nearestRankPercentile(sorted, 100)).toBe(40);
    // Where the interpolating quantile gives a value no request had.
    expect(quantileOfSorted(sorted, 0.5)).toBe(25);
  });

  it("is null for no values", () => {
    expect(nearestRankPercentile([], 50)).toBeNull();
  });
});

describe("median", () => {
  it("is the middle value, or the mean of the two middle ones, of unsorted values", () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
  });

  it("takes (a + b) / 2, which the interpolating quantile does not always equal to the bit", () => {
    // Fitted recipes store medians, so the formula must not change under them.
    const values = [69.07860806773496, 16332.992510944094];
    expect(median(values)).toBe(8201.035559505914);
    expect(quantile(values, 0.5)).toBe(8201.035559505915);
  });

  it("does not sort its input", () => {
    const values = [3, 1, 2];
    median(values);
    expect(values).toEqual([3, 1, 2]);
  });
});

describe("upperMedian", () => {
  it("is the middle value, or the upper of the two middle ones, of unsorted values", () => {
    expect(upperMedian([5, 1, 3])).toBe(3);
    expect(upperMedian([4, 1, 3, 2])).toBe(3);
    expect(upperMedian([7])).toBe(7);
    expect(upperMedian([])).toBeNaN();
  });

  it("is always one of the values, where the median averages the middle two", () => {
    const values = [86_400_000, 3_600_000];
    expect(upperMedian(values)).toBe(86_400_000);
    expect(median(values)).toBe(45_000_000);
  });

  it("sorts numerically, not as text, and leaves its input alone", () => {
    const values = [10, 9, 100, 2];
    expect(upperMedian(values)).toBe(10);
    expect(values).toEqual([10, 9, 100, 2]);
  });
});
