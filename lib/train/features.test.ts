import { describe, expect, it } from "vitest";
import { rowsOfBatch } from "@/lib/data/column-batch";
import { RANDOM_COLUMNS, randomBatch } from "@/lib/prepare/columnar-recipe.fixture";
import type { RecipeSpec, SplitSpec } from "@/lib/prepare/recipe-schema";
import { AppError } from "@/lib/shared/errors";
import { prepareTrainingParts, prepareTrainingPartsColumns, sampleEvenly } from "./features";

type Spec = Pick<RecipeSpec, "target" | "features" | "steps" | "split">;

/** Steps that leave only finite numeric features, so every part becomes a matrix. */
const CLEAN_STEPS: RecipeSpec["steps"] = [
  { op: "clip", columns: ["n"], min: -50, max: 500 },
  { op: "impute", columns: ["n"], strategy: "mean" },
  { op: "impute", columns: ["i", "k"], strategy: "median" },
  { op: "impute", columns: ["b", "d"], strategy: "mode" },
  { op: "filter", column: "c", operator: "!=", value: "teal" },
  { op: "lag", columns: ["n"], lags: [1], timeColumn: "d", groupBy: ["g"] },
  { op: "impute", columns: ["n_lag1"], strategy: "mean" },
  { op: "datepart", columns: ["d"], parts: ["month", "dayofweek"] },
  { op: "onehot", columns: ["c", "many", "g"] },
  { op: "scale", columns: ["n", "k"], method: "standard" },
  { op: "drop", columns: ["d", "t"] },
];

const SPLITS: SplitSpec[] = [
  { method: "random", validation: 0.2, test: 0.1, seed: 7 },
  { method: "time", validation: 0.15, test: 0.15, timeColumn: "d" },
];

/** What a caller gets: the parts, or the error's code, message and field errors. */
function outcome<T>(fn: () => T): T | { code: string; message: string } {
  try {
    return fn();
  } catch (e) {
    if (!(e instanceof AppError)) throw e;
    return { code: e.code, message: e.message };
  }
}

/** The first position where two matrices' numbers differ (Object.is: 0 and -0 differ), -1 for none. */
function firstDifference(a: Float32Array | undefined, b: Float32Array | undefined): number {
  if (!a || !b) return a === b ? -1 : 0;
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return i;
  return -1;
}

/** Rows enough that the training part holds more than twice the reference sample, so the sample skips rows. */
const ROWS = 1600;

describe("prepareTrainingPartsColumns", () => {
  it("gives prepareTrainingParts' recipe, features and matrices, and the reference sample of its training rows", () => {
    const batch = randomBatch(11, ROWS);
    const rows = rowsOfBatch(batch);
    const specs: [Spec, "regression" | "classification"][] = [
      [{ target: "y", steps: [...CLEAN_STEPS, { op: "onehot", columns: ["label"] }], split: SPLITS[0] }, "regression"],
      [{ target: "label", steps: [{ op: "impute", columns: ["y"], strategy: "median" }, ...CLEAN_STEPS], split: SPLITS[1] }, "classification"],
    ];
    for (const [spec, task] of specs) {
      const { trainRows, ...expected } = prepareTrainingParts(spec, rows, RANDOM_COLUMNS, task);
      const { trainSample, ...got } = prepareTrainingPartsColumns(spec, batch, RANDOM_COLUMNS, task);
      // The matrices bit for bit (quicker than element by element), then the rest.
      for (const part of ["train", "validation", "test"] as const) {
        expect(firstDifference(got[part]?.x.data, expected[part]?.x.data), part).toBe(-1);
        got[part]?.x.data.fill(0);
        expected[part]?.x.data.fill(0);
      }
      expect(got).toStrictEqual(expected);
      expect(got.train.x.rows).toBeGreaterThan(500);
      expect(got.test?.x.rows).toBeGreaterThan(0);
      expect(trainRows.length).toBeGreaterThan(1000);
      expect(trainSample).toStrictEqual(sampleEvenly(trainRows));
    }
  });

  it("throws prepareTrainingParts' errors: a cell no model can use, a part left empty", () => {
    const batch = randomBatch(12, 300);
    const rows = rowsOfBatch(batch);
    const split = SPLITS[0];
    const specs: Spec[] = [
      { target: "y", features: ["n", "i"], steps: [], split },
      { target: "y", features: ["i"], steps: [{ op: "impute", columns: ["i"], strategy: "mean" }], split },
      { target: "y", features: ["i"], steps: [{ op: "filter", column: "y", operator: "isnull" }], split },
      { target: "y", features: ["c"], steps: [], split },
    ];
    for (const spec of specs) {
      const expected = outcome(() => prepareTrainingParts(spec, rows, RANDOM_COLUMNS, "regression"));
      const got = outcome(() => prepareTrainingPartsColumns(spec, batch, RANDOM_COLUMNS, "regression"));
      if ("code" in expected) expect(got).toStrictEqual(expected);
      else expect("code" in got ? got : got.train).toStrictEqual(expected.train);
    }
  });
});
