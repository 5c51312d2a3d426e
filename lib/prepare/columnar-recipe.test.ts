import { describe, expect, it } from "vitest";
import { type ColumnBatch, rowsOfBatch } from "@/lib/data/column-batch";
import type { Row } from "@/lib/data/types";
import { applyRecipeColumns, fitRecipeColumns } from "./columnar-recipe";
import { RANDOM_COLUMNS, randomBatch } from "./columnar-recipe.fixture";
import { applyRecipe, type FilterStep, fitRecipe, MAX_ONEHOT_CATEGORIES, type RecipeInput } from "./recipe";
import type { RecipeStep } from "./recipe-schema";

const SEEDS = [1, 2, 3];
const TRAIN_ROWS = 400;

/** A training batch, and batches to apply to: the training one, one later with unseen categories, one overlapping it. */
function batchesOf(seed: number) {
  const train = randomBatch(seed, TRAIN_ROWS);
  return {
    train,
    applyTo: [train, randomBatch(seed + 100, 150, { later: true, unseen: true }, 10_000), randomBatch(seed + 200, 80, { unseen: true }, 20_000)],
  };
}

/** Copies of a batch's arrays, to check that nothing wrote into them. */
const snapshot = (batch: ColumnBatch) => new Map([...batch.columns].map(([name, c]) => [name, { type: c.type, values: c.values.slice() }]));

/**
 * Holds the columnar recipe to the row recipe: the same fitted recipe from the same training
 * data, and in both modes the same output rows (numbers to the bit: toStrictEqual tells 0 from
 * -0), `kept` naming the input row of each (`id`, kept as a feature, tells which it was).
 */
function expectSame(spec: RecipeInput, train: ColumnBatch, applyTo: ColumnBatch[]): void {
  const features = spec.features ? ["id", ...spec.features] : undefined;
  const full = { ...spec, features };
  const fitted = fitRecipe(full, rowsOfBatch(train), RANDOM_COLUMNS);
  const before = snapshot(train);
  expect(fitRecipeColumns(full, train, RANDOM_COLUMNS)).toStrictEqual(fitted);
  for (const batch of applyTo) {
    const rows = rowsOfBatch(batch);
    for (const mode of ["train", "serve"] as const) {
      const expected = applyRecipe(fitted, rows, { mode }).rows;
      const got = applyRecipeColumns(fitted, batch, { mode });
      const gotRows = rowsOfBatch(got.batch);
      expect(gotRows).toStrictEqual(expected);
      expect(Object.keys(gotRows[0] ?? {})).toEqual(Object.keys(expected[0] ?? {}));
      expect([...got.kept]).toEqual(expected.map((row) => rows.findIndex((r) => r.id === row.id)));
      for (const c of fitted.outputColumns) expect(got.batch.columns.get(c.name)?.type, c.name).toBe(c.type);
    }
  }
  expect(snapshot(train)).toStrictEqual(before);
}

const each = (name: string, steps: RecipeStep[], spec: Partial<RecipeInput> = {}) =>
  it(name, () => {
    for (const seed of SEEDS) {
      const { train, applyTo } = batchesOf(seed);
      expectSame({ target: "y", steps, ...spec }, train, applyTo);
    }
  });

describe("the fixture", () => {
  it("has what the comparisons need: missing values, the other cut, unseen categories", () => {
    const { train, applyTo } = batchesOf(1);
    const rows = rowsOfBatch(train);
    for (const name of ["n", "i", "b", "c", "many", "d", "t", "y"]) expect(rows.some((r) => r[name] === null)).toBe(true);
    expect(new Set(rows.map((r) => r.many)).size).toBeGreaterThan(MAX_ONEHOT_CATEGORIES + 1);
    expect(rows.some((r) => Object.is(r.n, -0))).toBe(true);
    const seen = new Set(rows.map((r) => r.c));
    expect(rowsOfBatch(applyTo[1]).some((r) => !seen.has(r.c))).toBe(true);
  });
});

describe("columnar recipe equals the row recipe", () => {
  each("with no steps, every column as a feature", []);
  each("with no steps and chosen features (the target even when a batch lacks it)", [], { features: ["n", "c", "d"] });

  describe("impute", () => {
    each("mean and median, of numbers and integers", [
      { op: "impute", columns: ["n", "i"], strategy: "mean" },
      { op: "impute", columns: ["y"], strategy: "median" },
    ]);
    each("median of an even count", [{ op: "impute", columns: ["i", "n"], strategy: "median" }]);
    each("mode of every type, ties included", [{ op: "impute", columns: ["c", "i", "b", "d", "many", "t", "n"], strategy: "mode" }]);
    each("constants that fit each type", [
      { op: "impute", columns: ["n", "i"], strategy: "constant", value: -1.5 },
      { op: "impute", columns: ["c", "t", "many"], strategy: "constant", value: "missing" },
      { op: "impute", columns: ["b"], strategy: "constant", value: true },
      { op: "impute", columns: ["d"], strategy: "constant", value: "2020-02-29T12:00:00.000Z" },
    ]);
    each("a column with no value in training fills 0", [
      { op: "filter", column: "n", operator: "isnull" },
      { op: "impute", columns: ["n"], strategy: "mean" },
    ]);
  });

  describe("scale", () => {
    each("standard", [{ op: "scale", columns: ["n", "i", "y"], method: "standard" }]);
    each("minmax", [{ op: "scale", columns: ["n", "i"], method: "minmax" }]);
    each("after a fill, and of a constant column", [
      { op: "impute", columns: ["i"], strategy: "constant", value: 3 },
      { op: "filter", column: "i", operator: "==", value: 3 },
      { op: "scale", columns: ["i"], method: "standard" },
      { op: "scale", columns: ["n"], method: "minmax" },
    ]);
  });

  describe("onehot", () => {
    each("categories, unseen ones and the other cut", [{ op: "onehot", columns: ["c", "many"] }]);
    each("numbers, booleans, datetimes and texts by their text", [{ op: "onehot", columns: ["i", "b", "d", "t"] }]);
    each("outputs later steps use, and a filter on one never seen", [
      { op: "onehot", columns: ["c"] },
      { op: "drop", columns: ["c=red"] },
      { op: "filter", column: "c=blue", operator: "==", value: 0 },
      { op: "filter", column: "c=purple", operator: "!=", value: 1 },
      { op: "scale", columns: ["c=green"], method: "standard" },
    ]);
  });

  each("drop", [{ op: "drop", columns: ["t", "d", "many"] }]);

  describe("filter", () => {
    const filters: FilterStep[] = [
      { op: "filter", column: "n", operator: ">", value: 10 },
      { op: "filter", column: "n", operator: "<=", value: 50 },
      { op: "filter", column: "i", operator: "==", value: 2 },
      { op: "filter", column: "i", operator: "!=", value: 2 },
      { op: "filter", column: "i", operator: "<", value: "1" },
      { op: "filter", column: "i", operator: ">=", value: 0 },
      { op: "filter", column: "c", operator: "==", value: "red" },
      { op: "filter", column: "c", operator: "!=", value: "red" },
      { op: "filter", column: "d", operator: ">=", value: "2024-01-01" },
      { op: "filter", column: "d", operator: "<", value: "2023-06-01T10:00" },
      { op: "filter", column: "d", operator: "==", value: "2023-03-01T12:00:00Z" },
      { op: "filter", column: "b", operator: "==", value: true },
      { op: "filter", column: "b", operator: "!=", value: "false" },
      { op: "filter", column: "t", operator: "isnull" },
      { op: "filter", column: "many", operator: "notnull" },
      { op: "filter", column: "y", operator: "notnull" },
    ];
    for (const step of filters) each(`${step.column} ${step.operator} ${JSON.stringify(step.value ?? "")}`, [step]);
    it("on a datetime some rows hold", () => {
      for (const seed of SEEDS) {
        const { train, applyTo } = batchesOf(seed);
        const value = rowsOfBatch(train).find((r) => r.d !== null)?.d as string;
        for (const operator of ["==", "<=", ">"] as const) expectSame({ target: "y", steps: [{ op: "filter", column: "d", operator, value }] }, train, applyTo);
      }
    });
    each("one after another", [
      { op: "filter", column: "c", operator: "!=", value: "red" },
      { op: "filter", column: "n", operator: ">", value: 20 },
      { op: "filter", column: "b", operator: "notnull" },
    ]);
    each("on a column that is not a feature", [{ op: "filter", column: "label", operator: "==", value: "yes" }], { features: ["n", "c"] });
    each("before later steps fit", [
      { op: "filter", column: "c", operator: "==", value: "blue" },
      { op: "impute", columns: ["n"], strategy: "median" },
      { op: "onehot", columns: ["many"] },
    ]);
  });

  describe("clip and log", () => {
    each("clip with both bounds, integer bounds keep integers", [{ op: "clip", columns: ["n", "i"], min: -1, max: 4 }]);
    each("clip with one bound each", [
      { op: "clip", columns: ["n"], min: 0.5 },
      { op: "clip", columns: ["i"], max: 1 },
    ]);
    each("log, at or below -1 missing", [
      { op: "log", columns: ["n", "i", "y"] },
      { op: "impute", columns: ["n"], strategy: "mean" },
    ]);
  });

  each("datepart, every part", [{ op: "datepart", columns: ["d"], parts: ["year", "month", "week", "dayofweek", "dayofyear"] }]);

  describe("lag", () => {
    each("by a datetime within groups, of every type, the target too", [
      { op: "lag", columns: ["n", "c", "b", "d", "y"], lags: [1, 3], timeColumn: "d", groupBy: ["g"] },
    ]);
    each("by an integer time without groups", [{ op: "lag", columns: ["n", "i"], lags: [2, 1, 7], timeColumn: "k" }]);
    each("grouped by a boolean and a number", [{ op: "lag", columns: ["y"], lags: [1], timeColumn: "k", groupBy: ["b", "i"] }]);
    each("by a time column that is not a feature", [{ op: "lag", columns: ["n"], lags: [1, 2], timeColumn: "d", groupBy: ["label"] }], {
      features: ["n", "c"],
    });
    each("after a filter, and read by later steps", [
      { op: "filter", column: "g", operator: "!=", value: "C" },
      { op: "lag", columns: ["n"], lags: [1], timeColumn: "d", groupBy: ["g"] },
      { op: "impute", columns: ["n_lag1"], strategy: "mean" },
      { op: "scale", columns: ["n_lag1"], method: "standard" },
    ]);
  });

  each("a whole recipe", [
    { op: "filter", column: "n", operator: "!=", value: 8 },
    { op: "impute", columns: ["n", "i"], strategy: "median" },
    { op: "impute", columns: ["c", "many"], strategy: "mode" },
    { op: "lag", columns: ["n", "y"], lags: [1, 3], timeColumn: "d", groupBy: ["g"] },
    { op: "clip", columns: ["n"], min: 0, max: 80 },
    { op: "log", columns: ["n"] },
    { op: "scale", columns: ["n_lag1", "i"], method: "standard" },
    { op: "datepart", columns: ["d"], parts: ["dayofweek", "week"] },
    { op: "onehot", columns: ["c", "many", "g"] },
    { op: "drop", columns: ["d", "t"] },
  ]);
  each("a classification target", [{ op: "onehot", columns: ["c"] }], { target: "label" });
});

describe("fitRecipeColumns", () => {
  it("throws the row fit's VALIDATION error", () => {
    const spec: RecipeInput = { target: "y", steps: [{ op: "scale", columns: ["c", "nn"], method: "standard" }] };
    const train = randomBatch(1, 10);
    const error = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return e;
      }
      throw new Error("did not throw");
    };
    const fromRows = error(() => fitRecipe(spec, rowsOfBatch(train), RANDOM_COLUMNS));
    expect(error(() => fitRecipeColumns(spec, train, RANDOM_COLUMNS))).toStrictEqual(fromRows);
    expect(String(fromRows)).toMatch(/scale needs a number column/);
  });
});

describe("applyRecipeColumns", () => {
  const fitted = fitRecipe(
    {
      target: "y",
      features: ["n", "c", "d"],
      steps: [
        { op: "impute", columns: ["n"], strategy: "mean" },
        { op: "impute", columns: ["y"], strategy: "constant", value: 0 },
        { op: "datepart", columns: ["d"], parts: ["month"] },
        { op: "onehot", columns: ["c"] },
      ],
    },
    rowsOfBatch(randomBatch(5, 200)),
    RANDOM_COLUMNS,
  );
  const sameAsRows = (batch: ColumnBatch) =>
    expect(rowsOfBatch(applyRecipeColumns(fitted, batch, { mode: "serve" }).batch)).toStrictEqual(
      applyRecipe(fitted, rowsOfBatch(batch), { mode: "serve" }).rows,
    );

  it("reads a batch that lacks columns, the target included, as the rows that lack them", () => {
    const batch = randomBatch(6, 30);
    batch.columns.delete("c");
    batch.columns.delete("y");
    sameAsRows(batch);
    sameAsRows({ length: 4, columns: new Map() });
    sameAsRows({ length: 0, columns: new Map() });
  });

  it("reads columns of another type as their rows read them", () => {
    const batch = randomBatch(7, 30);
    const rows = rowsOfBatch(batch);
    batch.columns.set("n", { type: "integer", values: Float64Array.from(rows, (r, i) => (r.n === null ? Number.NaN : Math.round(i / 3))) });
    batch.columns.set("c", { type: "integer", values: Float64Array.from(rows, (_, i) => (i % 5 === 0 ? Number.NaN : i % 3)) });
    batch.columns.set("d", { type: "category", values: rows.map((r) => r.d as string | null) });
    sameAsRows(batch);
  });

  it("fills an absent target as its rows fill it", () => {
    const byLabel = fitRecipe(
      { target: "label", features: ["n"], steps: [{ op: "impute", columns: ["label"], strategy: "constant", value: "unknown" }] },
      rowsOfBatch(randomBatch(5, 50)),
      RANDOM_COLUMNS,
    );
    const batch = randomBatch(8, 10);
    batch.columns.delete("label");
    expect(rowsOfBatch(applyRecipeColumns(byLabel, batch, { mode: "serve" }).batch)).toStrictEqual(
      applyRecipe(byLabel, rowsOfBatch(batch), { mode: "serve" }).rows,
    );
  });

  it("keeps the whole milliseconds of a datetime, as its ISO text does", () => {
    const values = Float64Array.from([Date.UTC(2024, 0, 31, 23, 59, 59, 999) + 0.75, -0.5, Date.UTC(2024, 1, 1) - 0.25, Number.NaN]);
    const batch: ColumnBatch = { length: 4, columns: new Map([["d", { type: "datetime", values }]]) };
    sameAsRows(batch);
    const rows: Row[] = rowsOfBatch(applyRecipeColumns(fitted, batch, { mode: "serve" }).batch);
    expect(rows.map((r) => r.d_month)).toEqual([1, 1, 1, null]);
    expect(rows[1].d).toBe("1970-01-01T00:00:00.000Z");
    // Rows 0 and 1 share a millisecond, so they tie in time: a lag orders them by position, and the mode counts one value.
    const train = randomBatch(9, 40);
    const d = train.columns.get("d")!.values as Float64Array;
    d.set([5000.75, 5000.25, 5000.5, 4000.9, -0.5, -0.25]);
    const steps: RecipeStep[] = [
      { op: "lag", columns: ["n"], lags: [1, 2], timeColumn: "d" },
      { op: "impute", columns: ["d"], strategy: "mode" },
      { op: "onehot", columns: ["d"] },
    ];
    expectSame({ target: "y", steps }, train, [train]);
  });
});
