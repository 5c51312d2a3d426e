import { describe, expect, it } from "vitest";
import type { Row } from "@/lib/data/types";
import { AppError } from "@/lib/shared/errors";
import { encodeLabels, sortLabels, takeRows, targetVector, toMatrix } from "./matrix";

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
