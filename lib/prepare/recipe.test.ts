import { describe, expect, it } from "vitest";
import type { ColumnInfo, ColumnType, Row } from "@/lib/data/types";
import { isAppError } from "@/lib/shared/errors";
import type { RecipeStep } from "./recipe-schema";
import { applyRecipe, columnTransforms, datePart, fitRecipe, MAX_ONEHOT_CATEGORIES, validateRecipe, type FittedRecipe, type FittedStep } from "./recipe";

const col = (name: string, type: ColumnType): ColumnInfo => ({ name, type, inferredType: type, nullCount: 0 });

/** Fits on `train` and applies to `rows` (the training rows by default). */
function run(
  steps: RecipeStep[],
  columns: ColumnInfo[],
  train: Row[],
  target: string,
  opts: { rows?: Row[]; mode?: "train" | "serve"; features?: string[] } = {},
) {
  const fitted = fitRecipe({ target, features: opts.features, steps }, train, columns);
  return { fitted, ...applyRecipe(fitted, opts.rows ?? train, { mode: opts.mode }) };
}

const stepOf = <K extends FittedStep["op"]>(fitted: FittedRecipe, i: number, op: K) => {
  const step = fitted.steps[i];
  if (step.op !== op) throw new Error(`step ${i} is ${step.op}`);
  return step as Extract<FittedStep, { op: K }>;
};

describe("features and target", () => {
  const columns = [col("a", "number"), col("b", "category"), col("y", "number")];
  const rows: Row[] = [
    { a: 1, b: "x", y: 10 },
    { a: 2, b: "z", y: 20 },
  ];

  it("defaults features to every column but the target and passes the target through", () => {
    const { fitted, rows: out, columns: outCols } = run([], columns, rows, "y");
    expect(fitted.features).toEqual(["a", "b"]);
    expect(fitted.inputColumns).toEqual([
      { name: "a", type: "number" },
      { name: "b", type: "category" },
    ]);
    expect(outCols).toEqual([
      { name: "a", type: "number", source: "a" },
      { name: "b", type: "category", source: "b" },
    ]);
    expect(out).toEqual(rows);
  });

  it("keeps only the chosen features, and the target even when a row lacks it", () => {
    const { rows: out } = run([], columns, rows, "y", { features: ["b"], rows: [{ a: 5, b: "q", extra: 1 }] });
    expect(out).toEqual([{ b: "q", y: null }]);
  });

  it("does not change the rows it is given", () => {
    const train = rows.map((r) => ({ ...r }));
    run(
      [
        { op: "scale", columns: ["a"], method: "standard" },
        { op: "onehot", columns: ["b"] },
      ],
      columns,
      train,
      "y",
    );
    expect(train).toEqual(rows);
  });
});

describe("impute", () => {
  const columns = [col("n", "number"), col("i", "integer"), col("c", "category"), col("y", "number")];

  it("fills nulls and NaN with the training mean, never the full data's", () => {
    const train: Row[] = [{ n: 1 }, { n: 3 }, { n: null }, { n: 5 }];
    const { fitted, rows } = run([{ op: "impute", columns: ["n"], strategy: "mean" }], columns, train, "y", {
      rows: [{ n: null }, { n: Number.NaN }, {}, { n: 7 }],
    });
    expect(stepOf(fitted, 0, "impute").fills).toEqual([{ column: "n", value: 3 }]);
    const fullMean = (1 + 3 + 5 + 100) / 4;
    expect(stepOf(fitted, 0, "impute").fills[0].value).not.toBe(fullMean);
    expect(rows.map((r) => r.n)).toEqual([3, 3, 3, 7]);
  });

  it("median, odd and even counts", () => {
    const odd = run([{ op: "impute", columns: ["n"], strategy: "median" }], columns, [{ n: 5 }, { n: 1 }, { n: 3 }, { n: null }], "y");
    expect(stepOf(odd.fitted, 0, "impute").fills[0].value).toBe(3);
    const even = run([{ op: "impute", columns: ["n"], strategy: "median" }], columns, [{ n: 20 }, { n: 1 }, { n: 10 }, { n: 2 }], "y");
    expect(stepOf(even.fitted, 0, "impute").fills[0].value).toBe(6);
  });

  it("mode works for categories and breaks ties by the smallest value", () => {
    const train: Row[] = [{ c: "b" }, { c: "a" }, { c: "b" }, { c: null }, { c: "c" }];
    const { rows } = run([{ op: "impute", columns: ["c"], strategy: "mode" }], columns, train, "y", { rows: [{ c: null }, { c: "z" }] });
    expect(rows.map((r) => r.c)).toEqual(["b", "z"]);
    const tie = run(
      [{ op: "impute", columns: ["c", "i"], strategy: "mode" }],
      columns,
      [
        { c: "q", i: 9 },
        { c: "p", i: 2 },
      ],
      "y",
    );
    expect(stepOf(tie.fitted, 0, "impute").fills).toEqual([
      { column: "c", value: "p" },
      { column: "i", value: 2 },
    ]);
  });

  it("constant fills the given value", () => {
    const { rows } = run([{ op: "impute", columns: ["c"], strategy: "constant", value: "missing" }], columns, [{ c: "a" }], "y", {
      rows: [{ c: null }, { c: "a" }],
    });
    expect(rows.map((r) => r.c)).toEqual(["missing", "a"]);
  });

  it("fills 0 when training has no value, and a mean turns an integer column into a number", () => {
    const { fitted, rows } = run(
      [{ op: "impute", columns: ["n", "i"], strategy: "mean" }],
      columns,
      [
        { n: null, i: 1 },
        { n: null, i: 2 },
      ],
      "y",
      { rows: [{ n: null, i: null }] },
    );
    expect(rows[0]).toMatchObject({ n: 0, i: 1.5 });
    expect(fitted.outputColumns.find((c) => c.name === "i")?.type).toBe("number");
  });
});

describe("scale", () => {
  const columns = [col("x", "number"), col("k", "integer"), col("y", "number")];

  it("standard: (x - mean) / std with the training rows' population std", () => {
    const train: Row[] = [{ x: 1 }, { x: 2 }, { x: 3 }];
    const { fitted, rows } = run([{ op: "scale", columns: ["x"], method: "standard" }], columns, train, "y", { rows: [{ x: 4 }, { x: null }, { x: 2 }] });
    const std = Math.sqrt(2 / 3);
    const stat = stepOf(fitted, 0, "scale").stats[0];
    expect(stat).toMatchObject({ column: "x", mean: 2 });
    expect("std" in stat && stat.std).toBeCloseTo(std, 12);
    expect(rows[0].x).toBeCloseTo(2 / std, 12);
    expect(rows[1].x).toBeNull();
    expect(rows[2].x).toBe(0);
    expect(fitted.outputColumns[0]).toEqual({ name: "x", type: "number", source: "x" });
  });

  it("fits on the training rows only", () => {
    const train: Row[] = [{ x: 10 }, { x: 20 }];
    const test: Row[] = [{ x: 1000 }, { x: -1000 }];
    const { fitted, rows } = run([{ op: "scale", columns: ["x"], method: "standard" }], columns, train, "y", { rows: [...train, ...test] });
    expect(stepOf(fitted, 0, "scale").stats).toEqual([{ column: "x", mean: 15, std: 5 }]);
    expect(rows.map((r) => r.x)).toEqual([-1, 1, 197, -203]);
  });

  it("standard with zero spread divides by 1, even for values with float noise", () => {
    const { rows } = run([{ op: "scale", columns: ["x"], method: "standard" }], columns, [{ x: 0.1 }, { x: 0.1 }, { x: 0.1 }], "y", {
      rows: [{ x: 0.1 }, { x: 1.1 }],
    });
    expect(rows[0].x).toBe(0);
    expect(rows[1].x).toBeCloseTo(1, 12);
  });

  it("minmax maps the training range to [0, 1] without clipping; a zero range gives 0", () => {
    const { fitted, rows } = run(
      [{ op: "scale", columns: ["x", "k"], method: "minmax" }],
      columns,
      [
        { x: 0, k: 3 },
        { x: 10, k: 3 },
        { x: 4, k: null },
      ],
      "y",
      {
        rows: [
          { x: 5, k: 3 },
          { x: 20, k: 8 },
          { x: null, k: null },
        ],
      },
    );
    expect(stepOf(fitted, 0, "scale").stats).toEqual([
      { column: "x", min: 0, max: 10 },
      { column: "k", min: 3, max: 3 },
    ]);
    expect(rows.map((r) => [r.x, r.k])).toEqual([
      [0.5, 0],
      [2, 0],
      [null, null],
    ]);
    expect(fitted.outputColumns.find((c) => c.name === "k")?.type).toBe("number");
  });
});

describe("onehot", () => {
  const columns = [col("color", "category"), col("code", "integer"), col("y", "number")];
  const train: Row[] = [{ color: "red" }, { color: "blue" }, { color: "red" }, { color: "green" }, { color: null }];

  it("orders the vocabulary by frequency then value and replaces the source column", () => {
    const {
      fitted,
      rows,
      columns: out,
    } = run([{ op: "onehot", columns: ["color"] }], columns, train, "y", {
      rows: [{ color: "green" }, { color: "purple" }, { color: null }, {}],
    });
    expect(stepOf(fitted, 0, "onehot").vocabularies).toEqual([{ column: "color", categories: ["red", "blue", "green"], other: false }]);
    expect(out).toEqual([
      { name: "color=red", type: "integer", source: "color" },
      { name: "color=blue", type: "integer", source: "color" },
      { name: "color=green", type: "integer", source: "color" },
      { name: "code", type: "integer", source: "code" },
    ]);
    expect(rows[0]).toEqual({ "color=red": 0, "color=blue": 0, "color=green": 1, code: null, y: null });
    for (const r of rows.slice(1)) expect([r["color=red"], r["color=blue"], r["color=green"]]).toEqual([0, 0, 0]);
    expect("color" in rows[0]).toBe(false);
  });

  it("encodes numbers by their text", () => {
    const { rows, columns: out } = run([{ op: "onehot", columns: ["code"] }], columns, [{ code: 1 }, { code: 2 }, { code: 2 }], "y", { rows: [{ code: 1 }] });
    expect(out.map((c) => c.name)).toEqual(["color", "code=2", "code=1"]);
    expect(rows[0]).toMatchObject({ "code=2": 0, "code=1": 1 });
  });

  it(`caps at ${MAX_ONEHOT_CATEGORIES} categories; the rest and unseen ones go to __other__`, () => {
    const many: Row[] = [];
    // c0..c99 appear twice, c100..c104 once: the latter are cut.
    for (let i = 0; i < 105; i++) for (let k = 0; k < (i < 100 ? 2 : 1); k++) many.push({ color: `c${i}` });
    const {
      fitted,
      rows,
      columns: out,
    } = run([{ op: "onehot", columns: ["color"] }], columns, many, "y", { rows: [{ color: "c104" }, { color: "never" }, { color: "c5" }, { color: null }] });
    const vocabulary = stepOf(fitted, 0, "onehot").vocabularies[0];
    expect(vocabulary.categories).toHaveLength(MAX_ONEHOT_CATEGORIES);
    expect(vocabulary.other).toBe(true);
    expect(vocabulary.categories).not.toContain("c100");
    expect(out.filter((c) => c.source === "color")).toHaveLength(MAX_ONEHOT_CATEGORIES + 1);
    expect(out.at(-2)?.name).toBe("color=__other__");
    expect(rows[0]["color=__other__"]).toBe(1);
    expect(rows[1]["color=__other__"]).toBe(1);
    expect(rows[2]["color=__other__"]).toBe(0);
    expect(rows[2]["color=c5"]).toBe(1);
    expect(rows[3]["color=__other__"]).toBe(0);
  });

  it("later steps may use the one-hot columns", () => {
    const { rows } = run(
      [
        { op: "onehot", columns: ["color"] },
        { op: "drop", columns: ["color=green"] },
        { op: "filter", column: "color=red", operator: "==", value: 1 },
      ],
      columns,
      train,
      "y",
    );
    expect(rows).toHaveLength(2);
    expect(Object.keys(rows[0]).sort()).toEqual(["code", "color=blue", "color=red", "y"]);
  });
});

describe("drop, clip, log", () => {
  const columns = [col("a", "number"), col("b", "integer"), col("y", "number")];

  it("drop removes columns", () => {
    const { rows, columns: out } = run([{ op: "drop", columns: ["a"] }], columns, [{ a: 1, b: 2, y: 3 }], "y");
    expect(rows).toEqual([{ b: 2, y: 3 }]);
    expect(out.map((c) => c.name)).toEqual(["b"]);
  });

  it("clip bounds values; nulls stay null; integer bounds keep an integer column integer", () => {
    const { rows, columns: out } = run(
      [{ op: "clip", columns: ["a", "b"], min: 0, max: 10 }],
      columns,
      [
        { a: -5, b: 50 },
        { a: 5.5, b: null },
        { a: 11, b: 3 },
      ],
      "y",
    );
    expect(rows.map((r) => [r.a, r.b])).toEqual([
      [0, 10],
      [5.5, null],
      [10, 3],
    ]);
    expect(out.find((c) => c.name === "b")?.type).toBe("integer");
    const one = run([{ op: "clip", columns: ["a"], max: 1 }], columns, [{ a: -100 }, { a: 100 }], "y");
    expect(one.rows.map((r) => r.a)).toEqual([-100, 1]);
  });

  it("log is log1p; at or below -1 it gives null", () => {
    const { rows, columns: out } = run(
      [{ op: "log", columns: ["b"] }],
      columns,
      [{ b: 0 }, { b: Math.E - 1 }, { b: -1 }, { b: -2 }, { b: null }, { b: -0.5 }],
      "y",
    );
    expect(rows[0].b).toBe(0);
    expect(rows[1].b).toBeCloseTo(1, 12);
    expect(rows.slice(2, 5).map((r) => r.b)).toEqual([null, null, null]);
    expect(rows[5].b).toBeCloseTo(Math.log(0.5), 12);
    expect(out.find((c) => c.name === "b")?.type).toBe("number");
  });

  it("log may transform the target", () => {
    const { rows, columns: out } = run([{ op: "log", columns: ["y"] }], columns, [{ a: 1, b: 1, y: 9 }], "y");
    expect(rows[0].y).toBeCloseTo(Math.log(10), 12);
    expect(out.map((c) => c.name)).toEqual(["a", "b"]);
  });
});

describe("filter", () => {
  const columns = [col("n", "number"), col("c", "category"), col("d", "datetime"), col("f", "boolean"), col("y", "number")];
  const rows: Row[] = [
    { n: 1, c: "a", d: "2024-01-01", f: true, y: 1 },
    { n: 5, c: "b", d: "2024-06-01T00:00:00Z", f: false, y: 2 },
    { n: null, c: null, d: null, f: null, y: 3 },
    { n: 10, c: "a", d: "2025-01-01", f: true, y: 4 },
  ];
  const keptY = (step: RecipeStep, mode?: "train" | "serve") => run([step], columns, rows, "y", { mode }).rows.map((r) => r.y);

  it("compares numbers, categories, datetimes and booleans by type; a null passes only isnull and !=", () => {
    expect(keptY({ op: "filter", column: "n", operator: ">", value: 1 })).toEqual([2, 4]);
    expect(keptY({ op: "filter", column: "n", operator: "<=", value: 5 })).toEqual([1, 2]);
    expect(keptY({ op: "filter", column: "n", operator: ">=", value: 10 })).toEqual([4]);
    expect(keptY({ op: "filter", column: "n", operator: "<", value: 5 })).toEqual([1]);
    expect(keptY({ op: "filter", column: "c", operator: "==", value: "a" })).toEqual([1, 4]);
    expect(keptY({ op: "filter", column: "c", operator: "!=", value: "a" })).toEqual([2, 3]);
    expect(keptY({ op: "filter", column: "n", operator: "!=", value: 5 })).toEqual([1, 3, 4]);
    expect(keptY({ op: "filter", column: "d", operator: ">=", value: "2024-06-01" })).toEqual([2, 4]);
    expect(keptY({ op: "filter", column: "f", operator: "==", value: true })).toEqual([1, 4]);
    expect(keptY({ op: "filter", column: "n", operator: "isnull" })).toEqual([3]);
    expect(keptY({ op: "filter", column: "c", operator: "notnull" })).toEqual([1, 2, 4]);
  });

  it("is skipped in serve mode so every row gets an answer", () => {
    expect(keptY({ op: "filter", column: "n", operator: ">", value: 1 }, "serve")).toEqual([1, 2, 3, 4]);
  });

  it("filters before later steps fit, so they see only kept training rows", () => {
    const { fitted } = run(
      [
        { op: "filter", column: "c", operator: "==", value: "a" },
        { op: "impute", columns: ["n"], strategy: "mean" },
      ],
      columns,
      rows,
      "y",
    );
    expect(stepOf(fitted, 1, "impute").fills[0].value).toBe(5.5);
  });

  it("may filter on a column that is not a feature", () => {
    const { rows: out, fitted } = run([{ op: "filter", column: "c", operator: "==", value: "b" }], columns, rows, "y", { features: ["n"] });
    expect(out).toEqual([{ n: 5, y: 2 }]);
    expect(fitted.inputColumns.map((c) => c.name)).toEqual(["n", "c"]);
  });
});

describe("datepart", () => {
  const columns = [col("when", "datetime"), col("y", "number")];

  it("computes UTC parts and keeps the source column", () => {
    const { rows, columns: out } = run(
      [{ op: "datepart", columns: ["when"], parts: ["year", "month", "week", "dayofweek", "dayofyear"] }],
      columns,
      [
        { when: "2021-01-01T00:00:00Z" }, // a Friday in ISO week 2020-W53
        { when: "2024-12-31" }, // a Tuesday, leap year, ISO week 2025-W01
        { when: "2024-03-04T23:30:00-02:00" }, // 2024-03-05T01:30Z, a Tuesday
        { when: "2024-01-01T10:00:00" }, // zone-less: UTC; a Monday
        { when: null },
        { when: "garbage" },
      ],
      "y",
    );
    const parts = (r: Row) => [r.when_year, r.when_month, r.when_week, r.when_dayofweek, r.when_dayofyear];
    expect(parts(rows[0])).toEqual([2021, 1, 53, 4, 1]);
    expect(parts(rows[1])).toEqual([2024, 12, 1, 1, 366]);
    expect(parts(rows[2])).toEqual([2024, 3, 10, 1, 65]);
    expect(parts(rows[3])).toEqual([2024, 1, 1, 0, 1]);
    expect(parts(rows[4])).toEqual([null, null, null, null, null]);
    expect(parts(rows[5])).toEqual([null, null, null, null, null]);
    expect(rows[0].when).toBe("2021-01-01T00:00:00Z");
    expect(out.map((c) => [c.name, c.type, c.source])).toEqual([
      ["when", "datetime", "when"],
      ["when_year", "integer", "when"],
      ["when_month", "integer", "when"],
      ["when_week", "integer", "when"],
      ["when_dayofweek", "integer", "when"],
      ["when_dayofyear", "integer", "when"],
    ]);
  });

  it("datePart: ISO weeks around new year", () => {
    expect(datePart(Date.UTC(2015, 11, 31), "week")).toBe(53);
    expect(datePart(Date.UTC(2016, 0, 3), "week")).toBe(53);
    expect(datePart(Date.UTC(2016, 0, 4), "week")).toBe(1);
    expect(datePart(Date.UTC(2018, 11, 31), "week")).toBe(1);
    expect(datePart(Date.UTC(2023, 0, 1), "dayofweek")).toBe(6);
  });
});

describe("lag", () => {
  const columns = [col("store", "category"), col("t", "datetime"), col("sales", "number"), col("y", "number")];
  const t = (d: number) => `2024-01-${String(d).padStart(2, "0")}`;
  // Unsorted on purpose; store B has no row on day 3 (a gap).
  const train: Row[] = [
    { store: "A", t: t(3), sales: 30, y: 3 },
    { store: "B", t: t(4), sales: 4, y: 40 },
    { store: "A", t: t(1), sales: 10, y: 1 },
    { store: "B", t: t(1), sales: 1, y: 10 },
    { store: "A", t: t(4), sales: 40, y: 4 },
    { store: "B", t: t(2), sales: 2, y: 20 },
    { store: "A", t: t(2), sales: 20, y: 2 },
  ];
  const lagStep: RecipeStep = { op: "lag", columns: ["sales"], lags: [1, 2], timeColumn: "t", groupBy: ["store"] };
  const lags = (r: Row) => [r.sales_lag1, r.sales_lag2];

  it("lags by position within each series and keeps the input order", () => {
    const { rows, columns: out } = run([lagStep], columns, train, "y");
    expect(rows.map((r) => [r.store, r.t])).toEqual(train.map((r) => [r.store, r.t]));
    expect(rows.map(lags)).toEqual([
      [20, 10], // A day 3
      [2, 1], // B day 4: the previous row is day 2 (by position, not by date)
      [null, null], // A day 1
      [null, null], // B day 1
      [30, 20], // A day 4
      [1, null], // B day 2
      [10, null], // A day 2
    ]);
    expect(out.map((c) => [c.name, c.type, c.source])).toEqual([
      ["store", "category", "store"],
      ["t", "datetime", "t"],
      ["sales", "number", "sales"],
      ["sales_lag1", "number", "sales"],
      ["sales_lag2", "number", "sales"],
    ]);
  });

  it("stores the last max(lags) training points of each series", () => {
    const { fitted } = run([lagStep], columns, train, "y");
    expect(stepOf(fitted, 0, "lag").history).toEqual([
      {
        group: ["A"],
        tail: [
          { time: t(3), values: [30] },
          { time: t(4), values: [40] },
        ],
      },
      {
        group: ["B"],
        tail: [
          { time: t(2), values: [2] },
          { time: t(4), values: [4] },
        ],
      },
    ]);
  });

  it("continues each series from its training history for later rows", () => {
    const fitted = fitRecipe({ target: "y", steps: [lagStep] }, train, columns);
    const later: Row[] = [
      { store: "A", t: t(6), sales: null },
      { store: "B", t: t(5) },
      { store: "A", t: t(5), sales: 50 },
      { store: "C", t: t(5), sales: 7 },
    ];
    const { rows } = applyRecipe(fitted, later, { mode: "serve" });
    expect(rows.map((r) => [r.store, r.t])).toEqual(later.map((r) => [r.store, r.t]));
    expect(rows.map(lags)).toEqual([
      [50, 40], // A day 6: day 5 (this batch), then day 4 (history)
      [4, 2], // B day 5: from history
      [40, 30], // A day 5: from history
      [null, null], // C: an unseen series has no history
    ]);
  });

  it("gives training and later rows together the same lags as apart", () => {
    const fitted = fitRecipe({ target: "y", steps: [lagStep] }, train, columns);
    const later: Row[] = [{ store: "A", t: t(5), sales: 50 }];
    const together = applyRecipe(fitted, [...train, ...later]).rows;
    expect(together.slice(0, train.length)).toEqual(applyRecipe(fitted, train).rows);
    expect(lags(together[train.length])).toEqual([40, 30]);
  });

  it("lags the target for forecasting; at serving the target is unknown", () => {
    const steps: RecipeStep[] = [{ op: "lag", columns: ["y"], lags: [1], timeColumn: "t", groupBy: ["store"] }];
    const fitted = fitRecipe({ target: "y", features: ["store", "t"], steps }, train, columns);
    expect(fitted.outputColumns.map((c) => c.name)).toEqual(["store", "t", "y_lag1"]);
    const { rows } = applyRecipe(
      fitted,
      [
        { store: "A", t: t(5) },
        { store: "A", t: t(6) },
      ],
      { mode: "serve" },
    );
    expect(rows).toEqual([
      { store: "A", t: t(5), y_lag1: 4, y: null },
      { store: "A", t: t(6), y_lag1: null, y: null },
    ]);
  });

  it("works without groupBy, with numeric times and a time column that is not a feature", () => {
    const cols = [col("step", "integer"), col("v", "number"), col("y", "number")];
    const rows: Row[] = [
      { step: 3, v: 30 },
      { step: 1, v: 10 },
      { step: 2, v: 20 },
    ];
    const fitted = fitRecipe({ target: "y", features: ["v"], steps: [{ op: "lag", columns: ["v"], lags: [1], timeColumn: "step" }] }, rows, cols);
    expect(fitted.inputColumns.map((c) => c.name)).toEqual(["v", "step"]);
    expect(applyRecipe(fitted, rows).rows).toEqual([
      { v: 30, v_lag1: 20, y: null },
      { v: 10, v_lag1: null, y: null },
      { v: 20, v_lag1: 10, y: null },
    ]);
    expect(applyRecipe(fitted, [{ step: 4, v: 1 }]).rows[0].v_lag1).toBe(30);
  });

  it("rows at or before the end of the history are lagged among themselves; null times come first", () => {
    const fitted = fitRecipe({ target: "y", steps: [lagStep] }, train, columns);
    const rows: Row[] = [
      { store: "A", t: t(2), sales: 1 },
      { store: "A", t: null, sales: 2 },
      { store: "A", t: t(4), sales: 3 },
    ];
    expect(applyRecipe(fitted, rows).rows.map(lags)).toEqual([
      [2, null],
      [null, null],
      [1, 2],
    ]);
  });
});

describe("robustness", () => {
  it("never throws on odd serving rows", () => {
    const columns = [col("n", "number"), col("c", "category"), col("d", "datetime"), col("y", "number")];
    const steps: RecipeStep[] = [
      { op: "impute", columns: ["n"], strategy: "median" },
      { op: "scale", columns: ["n"], method: "standard" },
      { op: "onehot", columns: ["c"] },
      { op: "datepart", columns: ["d"], parts: ["year"] },
      { op: "log", columns: ["n"] },
    ];
    const fitted = fitRecipe(
      { target: "y", steps },
      [
        { n: 1, c: "a", d: "2024-01-01", y: 1 },
        { n: 3, c: "b", d: "2024-01-02", y: 2 },
      ],
      columns,
    );
    const odd: Row[] = [{}, { n: "abc", c: 5, d: 12 }, { n: "2", c: true, d: "never" }, { n: Number.POSITIVE_INFINITY }];
    const { rows } = applyRecipe(fitted, odd, { mode: "serve" });
    expect(rows).toHaveLength(4);
    expect(rows[0]).toMatchObject({ n: Math.log1p(0), "c=a": 0, "c=b": 0, d_year: null, y: null });
    expect(rows[1].n).toBeNull();
    expect(rows[2].n).toBeCloseTo(0, 12);
    expect(rows[3].n).toBeNull();
  });

  it("handles column names with spaces, brackets, unicode and prototype names", () => {
    const names = ["Price [€]", "naïve col", "constructor", "__proto__"];
    const columns = [...names.map((n) => col(n, "number")), col("ziel 目标", "number")];
    const train: Row[] = [];
    for (let i = 1; i <= 3; i++) {
      const row: Row = {};
      for (const n of names) Object.defineProperty(row, n, { value: i, enumerable: true, writable: true, configurable: true });
      row["ziel 目标"] = i * 10;
      train.push(row);
    }
    const fitted = fitRecipe({ target: "ziel 目标", steps: [{ op: "scale", columns: names, method: "minmax" }] }, train, columns);
    const { rows } = applyRecipe(fitted, [train[2], {}]);
    expect(Object.keys(rows[0]).sort()).toEqual([...names, "ziel 目标"].sort());
    for (const n of names) expect(rows[0][n]).toBe(1);
    for (const n of names) expect(rows[1][n]).toBeNull();
    expect(Object.getPrototypeOf(rows[1])).toBe(Object.prototype);
  });
});

describe("fitted recipe as JSON", () => {
  it("round-trips through JSON into an identical working recipe", () => {
    const columns = [col("store", "category"), col("t", "datetime"), col("sales", "number"), col("kind", "category"), col("y", "number")];
    const train: Row[] = [];
    for (let d = 1; d <= 6; d++) {
      for (const store of ["A", "B"]) {
        train.push({ store, t: `2024-02-0${d}`, sales: d % 3 === 0 ? null : d * (store === "A" ? 1 : 2), kind: d % 2 ? "x" : "z", y: d });
      }
    }
    const steps: RecipeStep[] = [
      { op: "filter", column: "sales", operator: "!=", value: 8 },
      { op: "impute", columns: ["sales"], strategy: "mean" },
      { op: "lag", columns: ["sales", "y"], lags: [1, 3], timeColumn: "t", groupBy: ["store"] },
      { op: "clip", columns: ["sales"], min: 0, max: 8 },
      { op: "log", columns: ["sales"] },
      { op: "scale", columns: ["sales_lag1"], method: "standard" },
      { op: "datepart", columns: ["t"], parts: ["dayofweek", "week"] },
      { op: "onehot", columns: ["store", "kind"] },
      { op: "drop", columns: ["t"] },
    ];
    const fitted = fitRecipe({ target: "y", steps }, train, columns);
    const copy = JSON.parse(JSON.stringify(fitted)) as FittedRecipe;
    expect(copy).toEqual(fitted);
    const later: Row[] = [{ store: "A", t: "2024-02-07", sales: 3, kind: "q" }, { store: "B", t: "2024-02-07", kind: null }, { store: "C" }];
    for (const mode of ["train", "serve"] as const) {
      expect(applyRecipe(copy, [...train, ...later], { mode })).toEqual(applyRecipe(fitted, [...train, ...later], { mode }));
    }
    expect(applyRecipe(copy, train).rows).toHaveLength(11);
    // Derived columns sit where their source was; the target's lags follow the last feature.
    expect(fitted.outputColumns.map((c) => c.name)).toEqual([
      "store=A",
      "store=B",
      "t_dayofweek",
      "t_week",
      "sales",
      "sales_lag1",
      "sales_lag3",
      "kind=x",
      "kind=z",
      "y_lag1",
      "y_lag3",
    ]);
  });
});

describe("validateRecipe", () => {
  const columns = [col("Price", "number"), col("color", "category"), col("when", "datetime"), col("note", "text"), col("y", "number")];
  const check = (spec: Partial<Parameters<typeof validateRecipe>[0]>) => validateRecipe({ target: "y", steps: [], ...spec }, columns);

  it("accepts a valid recipe", () => {
    expect(
      check({
        features: ["Price", "color", "when"],
        steps: [
          { op: "impute", columns: ["Price"], strategy: "median" },
          { op: "onehot", columns: ["color"] },
          { op: "filter", column: "color=red", operator: "==", value: 1 },
          { op: "datepart", columns: ["when"], parts: ["month"] },
          { op: "lag", columns: ["y"], lags: [1], timeColumn: "when" },
          { op: "scale", columns: ["when_month"], method: "minmax" },
          { op: "drop", columns: ["when"] },
          { op: "log", columns: ["y"] },
        ],
        split: { method: "time", validation: 0.2, timeColumn: "when" },
      }),
    ).toEqual([]);
  });

  it("names an unknown target and unknown features, suggesting the close name", () => {
    expect(validateRecipe({ target: "why", steps: [] }, columns)).toEqual([{ field: "target", message: 'unknown column "why"' }]);
    const errors = check({ features: ["color", "Prise", "y", "color"] });
    expect(errors).toEqual([
      { field: "features.1", message: 'unknown column "Prise" (did you mean "Price"?)' },
      { field: "features.2", message: 'the target "y" cannot also be a feature' },
      { field: "features.3", message: 'column "color" is listed twice' },
    ]);
  });

  it("tracks columns step by step", () => {
    const errors = check({
      steps: [
        { op: "onehot", columns: ["color"] },
        { op: "drop", columns: ["note"] },
        { op: "scale", columns: ["color", "note"], method: "standard" },
        { op: "lag", columns: ["Price"], lags: [1], timeColumn: "Whenn" },
      ],
    });
    expect(errors).toEqual([
      { field: "steps.2.columns", message: 'column "color" was removed by steps.0 (onehot)' },
      { field: "steps.2.columns", message: 'column "note" was removed by steps.1 (drop)' },
      { field: "steps.3.timeColumn", message: 'unknown column "Whenn" (did you mean "when"?)' },
    ]);
  });

  it("rejects ops on the wrong column types", () => {
    const errors = check({
      steps: [
        { op: "scale", columns: ["color"], method: "standard" },
        { op: "clip", columns: ["note"], min: 0 },
        { op: "log", columns: ["when"] },
        { op: "datepart", columns: ["Price"], parts: ["year"] },
        { op: "impute", columns: ["color"], strategy: "mean" },
        { op: "filter", column: "color", operator: "<", value: "b" },
        { op: "lag", columns: ["Price"], lags: [1], timeColumn: "color" },
      ],
    });
    expect(errors.map((e) => e.field)).toEqual([
      "steps.0.columns",
      "steps.1.columns",
      "steps.2.columns",
      "steps.3.columns",
      "steps.4.columns",
      "steps.5.operator",
      "steps.6.timeColumn",
    ]);
    expect(errors[0].message).toBe('column "color" is category; scale needs a number column');
    expect(errors[3].message).toBe('column "Price" is number; datepart needs a datetime column');
  });

  it("protects the target", () => {
    const errors = check({
      steps: [
        { op: "drop", columns: ["y"] },
        { op: "onehot", columns: ["y"] },
      ],
    });
    expect(errors).toEqual([
      { field: "steps.0.columns", message: 'drop cannot be applied to the target "y"' },
      { field: "steps.1.columns", message: 'onehot cannot be applied to the target "y"' },
    ]);
  });

  it("checks values, bounds, new names, filters and group columns", () => {
    const errors = check({
      steps: [
        { op: "impute", columns: ["Price"], strategy: "constant" },
        { op: "impute", columns: ["Price"], strategy: "constant", value: "zero" },
        { op: "clip", columns: ["Price"], min: 5, max: 1 },
        { op: "clip", columns: ["Price"] },
        { op: "datepart", columns: ["when"], parts: ["year"] },
        { op: "datepart", columns: ["when"], parts: ["year"] },
        { op: "filter", column: "Prices", operator: "==", value: 1 },
        { op: "filter", column: "Price", operator: ">" },
        { op: "filter", column: "Price", operator: "==", value: "cheap" },
        { op: "filter", column: "note", operator: "isnull" },
        { op: "lag", columns: ["Price"], lags: [1], timeColumn: "when", groupBy: ["shop"] },
      ],
    });
    expect(errors).toEqual([
      { field: "steps.0.value", message: "constant imputation needs a value" },
      { field: "steps.1.value", message: 'value "zero" does not fit number column "Price"' },
      { field: "steps.2.max", message: "max (1) is below min (5)" },
      { field: "steps.3.min", message: "give min, max or both" },
      { field: "steps.5.columns", message: 'would create column "when_year", which already exists' },
      { field: "steps.6.column", message: 'unknown column "Prices" (did you mean "Price"?)' },
      { field: "steps.7.value", message: 'operator ">" needs a value' },
      { field: "steps.8.value", message: 'value "cheap" does not fit number column "Price"' },
      { field: "steps.10.groupBy", message: 'unknown column "shop"' },
    ]);
  });

  it("lets steps read non-feature columns but not transform them", () => {
    const errors = check({
      features: ["Price"],
      steps: [
        { op: "filter", column: "color", operator: "==", value: "red" },
        { op: "lag", columns: ["Price"], lags: [1], timeColumn: "when" },
        { op: "scale", columns: ["note"], method: "standard" },
      ],
    });
    expect(errors).toEqual([{ field: "steps.2.columns", message: 'column "note" is not among the features' }]);
  });

  it("checks the split's time column", () => {
    expect(check({ split: { method: "time", validation: 0.2, timeColumn: "Wen" } })).toEqual([
      { field: "split.timeColumn", message: 'unknown column "Wen" (did you mean "when"?)' },
    ]);
    expect(check({ split: { method: "time", validation: 0.2, timeColumn: "color" } })).toEqual([
      { field: "split.timeColumn", message: 'column "color" is category; a time split needs a datetime or number column' },
    ]);
    expect(check({ split: { method: "random", validation: 0.2 } })).toEqual([]);
  });

  it("reports a recipe that leaves no features", () => {
    expect(check({ features: ["Price"], steps: [{ op: "drop", columns: ["Price"] }] })).toEqual([
      { field: "features", message: "no feature columns remain after the steps" },
    ]);
  });

  it("fitRecipe throws a VALIDATION AppError with the same field errors", () => {
    let caught: unknown;
    try {
      fitRecipe({ target: "y", features: ["Prise"], steps: [] }, [], columns);
    } catch (e) {
      caught = e;
    }
    expect(isAppError(caught)).toBe(true);
    if (isAppError(caught)) {
      expect(caught.code).toBe("VALIDATION");
      expect(caught.errors[0]).toEqual({ field: "features.0", message: 'unknown column "Prise" (did you mean "Price"?)' });
    }
  });
});

describe("applyRecipe without the final projection", () => {
  it("gives every output column the same value as the projected rows (what a predictor reads by name)", () => {
    const columns = [col("a", "number"), col("b", "category"), col("c", "number"), col("y", "number")];
    const train: Row[] = Array.from({ length: 20 }, (_, i) => ({ a: i % 3 === 0 ? null : i, b: ["x", "z", "w"][i % 3], c: i * 2, y: i }));
    const steps: RecipeStep[] = [
      { op: "impute", columns: ["a"], strategy: "mean" },
      { op: "scale", columns: ["a", "c"], method: "standard" },
      { op: "onehot", columns: ["b"] },
      { op: "drop", columns: ["c"] },
    ];
    const fitted = fitRecipe({ target: "y", steps }, train, columns);
    const rows: Row[] = [
      { a: null, b: "z", c: 3, y: null },
      { a: 7, b: "new", c: 1, y: null },
    ];
    const projected = applyRecipe(fitted, rows, { mode: "serve" });
    const loose = applyRecipe(fitted, rows, { mode: "serve", project: false });
    expect(loose.columns).toEqual(projected.columns);
    const names = projected.columns.map((c) => c.name);
    expect(names.length).toBeGreaterThan(2);
    for (let i = 0; i < rows.length; i++) for (const name of names) expect(loose.rows[i][name], `${i}.${name}`).toEqual(projected.rows[i][name]);
  });

  it("without steps, hands the rows back as they are, and they hold every output column's value", () => {
    const columns = [col("a", "number"), col("b", "category"), col("y", "number")];
    const fitted = fitRecipe(
      { target: "y", steps: [] },
      [
        { a: 1, b: "x", y: 2 },
        { a: 3, b: "z", y: 4 },
      ],
      columns,
    );
    const rows: Row[] = [{ a: 5, b: "new", extra: 1 }];
    const loose = applyRecipe(fitted, rows, { mode: "serve", project: false });
    expect(loose.rows).toBe(rows);
    const projected = applyRecipe(fitted, rows, { mode: "serve" });
    for (const c of projected.columns) expect(loose.rows[0][c.name]).toEqual(projected.rows[0][c.name]);
  });
});

describe("columnTransforms", () => {
  const columns = [
    col("a", "number"),
    col("b", "number"),
    col("c", "integer"),
    col("flag", "boolean"),
    col("cat", "category"),
    col("t", "datetime"),
    col("y", "number"),
  ];
  const train: Row[] = Array.from({ length: 50 }, (_, i) => ({
    a: i % 7 === 0 ? null : i / 3,
    b: (i % 11) - 4,
    c: i % 9,
    flag: i % 2 === 0,
    cat: `k${i % 3}`,
    t: new Date(Date.UTC(2024, 0, 1 + i)).toISOString(),
    y: i,
  }));
  const probe: Row[] = [
    { a: null, b: null, c: null, flag: null },
    { a: 1.5, b: -9, c: 100, flag: true },
    { a: Number.NaN, b: 3, c: -4, flag: false },
    { a: 1e6, b: -0.999, c: 5, flag: true },
  ];

  it("computes, column by column, what applyRecipe computes in serve mode (NaN for a missing value)", () => {
    const steps: RecipeStep[] = [
      { op: "filter", column: "a", operator: ">", value: 1 },
      { op: "impute", columns: ["a"], strategy: "median" },
      { op: "impute", columns: ["flag"], strategy: "constant", value: true },
      { op: "clip", columns: ["b"], min: -3 },
      { op: "scale", columns: ["a"], method: "standard" },
      { op: "scale", columns: ["c"], method: "minmax" },
      { op: "log", columns: ["b"] },
    ];
    const fitted = fitRecipe({ target: "y", features: ["a", "b", "c", "flag"], steps }, train, columns);
    const features = ["a", "b", "c", "flag"];
    const transforms = columnTransforms(fitted, features)!;
    expect(transforms).toHaveLength(4);
    const served = applyRecipe(
      fitted,
      probe.map((r) => ({ ...r })),
      { mode: "serve" },
    ).rows;
    probe.forEach((row, i) => {
      features.forEach((f, j) => {
        const cell = row[f];
        const input = cell === null ? NaN : typeof cell === "boolean" ? Number(cell) : (cell as number);
        const want = served[i][f];
        const got = transforms[j](input);
        expect(Number.isNaN(got) ? null : got, `row ${i} ${f}`).toBe(want === null ? null : typeof want === "boolean" ? Number(want) : want);
      });
    });
  });

  it("is null for a step that is not per column (one-hot, datepart, lag) or a feature that is no input column", () => {
    const fitOn = (steps: RecipeStep[], features: string[]) => fitRecipe({ target: "y", features, steps }, train, columns);
    expect(columnTransforms(fitOn([{ op: "onehot", columns: ["cat"] }], ["a", "cat"]), ["a", "cat=k0"])).toBeNull();
    expect(columnTransforms(fitOn([{ op: "datepart", columns: ["t"], parts: ["month"] }], ["a", "t"]), ["a", "t_month"])).toBeNull();
    expect(columnTransforms(fitOn([{ op: "lag", columns: ["a"], lags: [1], timeColumn: "t" }], ["a"]), ["a", "a_lag1"])).toBeNull();
    expect(columnTransforms(fitOn([{ op: "drop", columns: ["b"] }], ["a", "b"]), ["a"])).not.toBeNull();
  });
});
