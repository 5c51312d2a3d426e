import { describe, expect, it } from "vitest";
import { type ColumnBatch, type ColumnData, rowsOfBatch } from "@/lib/data/column-batch";
import type { Row } from "@/lib/data/types";
import { randomBatch } from "@/lib/prepare/columnar-recipe.fixture";
import { AppError } from "@/lib/shared/errors";
import { encodeLabels, matrixOfBatch, sortLabels, takeRows, targetOfBatch, targetVector, toMatrix } from "./matrix";

function thrown(fn: () => unknown): AppError {
  try {
    fn();
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error("expected an AppError");
}

describe("toMatrix", () => {
  it("lays rows out row-major, booleans as 0/1 and numeric text as numbers", () => {
    const rows: Row[] = [
      { a: 1.5, b: true, c: "2", y: 9 },
      { a: -2, b: false, c: " 3.25 ", y: 8 },
    ];
    const m = toMatrix(rows, ["a", "b", "c"]);
    expect(m.rows).toBe(2);
    expect(m.cols).toBe(3);
    expect(Array.from(m.data)).toEqual([1.5, 1, 2, -2, 0, 3.25]);
  });

  it("names the column of a missing value and says to impute it in the recipe", () => {
    const e = thrown(() => toMatrix([{ price: 1 }, { price: null }], ["price"]));
    expect(e.code).toBe("VALIDATION");
    expect(e.errors[0].field).toBe("columns.price");
    expect(e.message).toMatch(/"price".*row 2.*impute/);
  });

  it("refuses NaN, Infinity, text and absent columns", () => {
    expect(thrown(() => toMatrix([{ x: Number.NaN }], ["x"])).message).toMatch(/"x" has NaN.*impute/);
    expect(thrown(() => toMatrix([{ x: Number.POSITIVE_INFINITY }], ["x"])).message).toMatch(/clip or log/);
    expect(thrown(() => toMatrix([{ x: 1e300 }], ["x"])).message).toMatch(/clip or log/);
    expect(thrown(() => toMatrix([{ color: "red" }], ["color"])).message).toMatch(/"color" has "red".*encode it in the recipe/);
    expect(thrown(() => toMatrix([{ a: 1 }], ["a", "b"])).errors[0].field).toBe("columns.b");
  });

  it("takes rows by index", () => {
    const m = toMatrix(
      [
        { a: 1, b: 2 },
        { a: 3, b: 4 },
        { a: 5, b: 6 },
      ],
      ["a", "b"],
    );
    expect(Array.from(takeRows(m, [2, 0]).data)).toEqual([5, 6, 1, 2]);
  });
});

describe("targetVector", () => {
  it("reads numbers for regression and labels for classification", () => {
    const rows: Row[] = [{ y: 1 }, { y: "2.5" }, { y: true }];
    expect(targetVector(rows, "y", "regression")).toEqual([1, 2.5, 1]);
    expect(targetVector(rows, "y", "classification")).toEqual(["1", "2.5", "true"]);
  });

  it("names the target when a value is missing or not a number", () => {
    const missing = thrown(() => targetVector([{ y: 1 }, { y: null }], "y", "regression"));
    expect(missing.errors[0].field).toBe("target");
    expect(missing.message).toMatch(/row 2.*filter step/);
    expect(thrown(() => targetVector([{ y: "cat" }], "y", "regression")).message).toMatch(/not a number.*classification/);
    expect(thrown(() => targetVector([{ y: null }], "y", "classification")).errors[0].field).toBe("target");
  });
});

/** What a caller sees: the value, or the error's code, message and field errors. */
function seen(fn: () => unknown) {
  try {
    return { value: fn() };
  } catch (e) {
    if (!(e instanceof AppError)) throw e;
    return { code: e.code, message: e.message, errors: e.errors };
  }
}

describe("matrixOfBatch and targetOfBatch", () => {
  const batch = randomBatch(4, 2500);
  const rows = rowsOfBatch(batch);
  const column = (values: number[], type: Exclude<ColumnData["type"], "category" | "text"> = "number"): ColumnData => ({
    type,
    values: Float64Array.from(values),
  });
  const batchOf = (columns: Record<string, ColumnData>): ColumnBatch => ({
    length: Object.values(columns)[0].values.length,
    columns: new Map(Object.entries(columns)),
  });

  it("give toMatrix's numbers and targetVector's values", () => {
    const full = batchOf({
      id: batch.columns.get("id")!,
      half: column(rows.map((_, i) => i / 2 - 0.1)),
      flag: column(
        rows.map((_, i) => i % 2),
        "boolean",
      ),
      text: { type: "text", values: rows.map((_, i) => ` ${i * 1.5} `) },
      tiny: column(rows.map((_, i) => 1e-50 * i - 0)),
    });
    const names = ["text", "id", "flag", "half", "tiny"];
    const m = matrixOfBatch(full, names);
    expect(m).toStrictEqual(toMatrix(rowsOfBatch(full), names));
    expect(m.rows).toBe(2500);
    for (const name of ["label", "y", "n", "b", "d"])
      expect(seen(() => targetOfBatch(batch, name, "classification"))).toStrictEqual(seen(() => targetVector(rows, name, "classification")));
    const present = rows.flatMap((r, i) => (r.label === null ? [] : [i]));
    const labelled: ColumnBatch = {
      length: present.length,
      columns: new Map([["label", { type: "category", values: present.map((i) => rows[i].label as string) }]]),
    };
    expect(targetOfBatch(labelled, "label", "classification")).toEqual(targetVector(rowsOfBatch(labelled), "label", "classification"));
    const numbered = batchOf({ y: column([1.5, -0, 3]), b: column([1, 0, 1], "boolean"), s: { type: "text", values: ["2.5", " 7", "1e3"] } });
    for (const name of ["y", "b", "s"]) {
      expect(targetOfBatch(numbered, name, "regression")).toStrictEqual(targetVector(rowsOfBatch(numbered), name, "regression"));
      expect(targetOfBatch(numbered, name, "classification")).toStrictEqual(targetVector(rowsOfBatch(numbered), name, "classification"));
    }
  });

  it("throw toMatrix's error for the first unusable cell in row order", () => {
    const cases: [string, Record<string, ColumnData>, string[]][] = [
      ["a missing value", { a: column([1, 2, Number.NaN, 4]), b: column([1, 2, 3, Number.NaN]) }, ["a", "b"]],
      ["an earlier row in a later column", { a: column([1, 2, Number.NaN, 4]), b: column([1, Number.POSITIVE_INFINITY, 3, 4]) }, ["a", "b"]],
      ["the earlier column in one row", { a: column([1, 2, 1e39, 4]), b: column([1, 2, Number.NaN, 4]) }, ["a", "b"]],
      ["a float32 overflow", { a: column([1, -1e39]) }, ["a"]],
      ["-Infinity", { a: column([0, Number.NEGATIVE_INFINITY]) }, ["a"]],
      ["a datetime", { a: column([1, 2]), d: column([0, 86_400_000], "datetime") }, ["a", "d"]],
      ["text", { a: column([1, 2]), t: { type: "category", values: ["3", "red"] } }, ["a", "t"]],
      ["blank text", { t: { type: "text", values: ["1", " "] } }, ["t"]],
      ["an absent column", { a: column([1, 2]) }, ["a", "b"]],
      ...[
        [2500, 1500],
        [1024, 1023],
        [1023, 1024],
        [2999, 2999],
      ].map(([a, b]): [string, Record<string, ColumnData>, string[]] => {
        const bad = (at: number) => column(Array.from({ length: 3000 }, (_, i) => (i === at ? Number.NaN : i)));
        return [`rows ${a} and ${b} of a long batch`, { a: bad(a), b: bad(b), c: column(new Array(3000).fill(0.5)) }, ["c", "a", "b"]];
      }),
    ];
    for (const [what, columns, names] of cases) {
      const b = batchOf(columns);
      const expected = seen(() => toMatrix(rowsOfBatch(b), names));
      expect(
        seen(() => matrixOfBatch(b, names)),
        what,
      ).toStrictEqual(expected);
    }
    expect(seen(() => matrixOfBatch(batchOf(cases[1][1]), ["a", "b"])).message).toMatch(/"b" has Infinity at row 2/);
    expect(seen(() => matrixOfBatch(batchOf(cases[2][1]), ["a", "b"])).message).toMatch(/"a" has 1e\+39 at row 3/);
  });

  it("throw targetVector's errors", () => {
    const b = batchOf({ y: column([1, Number.NaN]), t: { type: "text", values: ["1", "cat"] }, i: column([1, Number.POSITIVE_INFINITY]) });
    const rowsOfB = rowsOfBatch(b);
    for (const name of ["y", "t", "i", "absent"]) {
      for (const task of ["regression", "classification"] as const) {
        expect(
          seen(() => targetOfBatch(b, name, task)),
          `${name} ${task}`,
        ).toStrictEqual(seen(() => targetVector(rowsOfB, name, task)));
      }
    }
    expect(seen(() => targetOfBatch(b, "t", "regression")).message).toMatch(/"cat" at row 2, which is not a number/);
    expect(seen(() => targetOfBatch(b, "absent", "classification")).message).toMatch(/a missing value at row 1/);
  });
});

describe("encodeLabels", () => {
  it("sorts numeric labels numerically and others by code point", () => {
    expect(sortLabels(["10", "2", "1", "2"])).toEqual(["1", "2", "10"]);
    expect(sortLabels(["b", "B", "a"])).toEqual(["B", "a", "b"]);
    const { labels, indices } = encodeLabels(["yes", "no", "yes"]);
    expect(labels).toEqual(["no", "yes"]);
    expect(Array.from(indices)).toEqual([1, 0, 1]);
  });

  it("gives -1 to a value outside the given labels", () => {
    expect(Array.from(encodeLabels(["a", "z"], ["a", "b"]).indices)).toEqual([0, -1]);
  });
});
