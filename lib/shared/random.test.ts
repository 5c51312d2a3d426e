import { describe, expect, it } from "vitest";
import { mulberry32, shuffledIndices } from "./random";

describe("mulberry32", () => {
  it("gives the same sequence for the same seed", () => {
    const a = mulberry32(7);
    const b = mulberry32(7);
    const first = Array.from({ length: 5 }, () => a());
    expect(Array.from({ length: 5 }, () => b())).toEqual(first);
  });

  it("gives known values, so browser and server agree", () => {
    // Reference values of the public mulberry32 algorithm for seed 42.
    const random = mulberry32(42);
    expect(random()).toBeCloseTo(0.6011037519201636, 15);
    expect(random()).toBeCloseTo(0.44829055899754167, 15);
  });

  it("stays in [0, 1) and differs between seeds", () => {
    const random = mulberry32(1);
    const values = Array.from({ length: 1000 }, () => random());
    expect(values.every((v) => v >= 0 && v < 1)).toBe(true);
    expect(mulberry32(1)()).not.toBe(mulberry32(2)());
  });
});

describe("shuffledIndices", () => {
  it("is a permutation", () => {
    expect([...shuffledIndices(20, 5)].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it("is the same for the same seed and differs between seeds", () => {
    expect(shuffledIndices(50, 3)).toEqual(shuffledIndices(50, 3));
    expect(shuffledIndices(50, 3)).not.toEqual(shuffledIndices(50, 4));
  });
});
