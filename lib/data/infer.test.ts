import { describe, it, expect } from "vitest";
import { coerceCell, coerceRow, createTypeInferrer, isMissing, parseDatetimeMs } from "@/lib/data/infer";
import type { ColumnType, RawCell } from "@/lib/data/types";

/** Infers the type of one column holding the given values. */
function inferOne(values: RawCell[]): { type: ColumnType; nullCount: number } {
  const inferrer = createTypeInferrer();
  for (const value of values) inferrer.add(["x"], [value]);
  const [info] = inferrer.finish(["x"], values.length);
  expect(info.type).toBe(info.inferredType);
  return { type: info.type, nullCount: info.nullCount };
}

describe("isMissing", () => {
  it.each([null, undefined, "", "   ", "\t", "NA", "na", "N/A", "n/a", "NaN", "nan", "null", "NULL", "Null", "None", "none", " NA ", Number.NaN])(
    "treats %j as missing",
    (value) => {
      expect(isMissing(value as RawCell | undefined)).toBe(true);
    },
  );

  it.each(["0", 0, false, "false", "-", "NAN!", "nil", "n.a.", "Nonesuch", "x"])("keeps %j as a value", (value) => {
    expect(isMissing(value)).toBe(false);
  });
});

describe("createTypeInferrer", () => {
  it("infers booleans from words in any case and from JSON booleans", () => {
    expect(inferOne(["true", "FALSE", "Yes", "no", ""]).type).toBe("boolean");
    expect(inferOne([true, false, null]).type).toBe("boolean");
    expect(inferOne([true, "no"]).type).toBe("boolean");
  });

  it("reads 0/1 as integers, not booleans", () => {
    expect(inferOne(["0", "1", "1", "0"]).type).toBe("integer");
  });

  it("infers integers with signs and JSON integers, within the safe range", () => {
    expect(inferOne(["1", "-2", "+3", " 4 ", "007"]).type).toBe("integer");
    expect(inferOne([1, 2, 3]).type).toBe("integer");
    expect(inferOne(["9007199254740991"]).type).toBe("integer");
    expect(inferOne(["9007199254740993"]).type).toBe("number");
  });

  it("turns a mostly-integer column with one decimal into a number", () => {
    expect(inferOne(["1", "2", "3", "4.5", "5"]).type).toBe("number");
    expect(inferOne([1, 2, 2.5]).type).toBe("number");
  });

  it("infers numbers with decimals and exponents, but not decimal commas", () => {
    expect(inferOne(["1.5", "-.5", "2.", "1e3", "6.02E+23", "-1.5e-3"]).type).toBe("number");
    expect(inferOne(["1,5", "2,5"]).type).toBe("category");
  });

  it("makes a numeric column with one non-numeric string a category (or text)", () => {
    expect(inferOne(["1", "2", "3", "oops"]).type).toBe("category");
  });

  it("infers ISO datetimes, with time, offsets and slashes", () => {
    expect(inferOne(["2024-01-31", "2024-02-29", "2024/03/01"]).type).toBe("datetime");
    expect(inferOne(["2024-01-31 08:26:00", "2024-01-31T08:26:00Z", "2024-01-31T08:26:00.123+02:00", "2024-01-31T08:26-0530"]).type).toBe("datetime");
  });

  it("refuses datetimes that are not calendar dates", () => {
    expect(inferOne(["2024-01-31", "2023-02-29"]).type).toBe("category");
    expect(inferOne(["2024-13-01"]).type).toBe("category");
    expect(inferOne(["2024-01-31 25:00:00"]).type).toBe("category");
    expect(inferOne(["2024-01/31"]).type).toBe("category");
  });

  it("tells categories from text by distinct count and length", () => {
    const colours = Array.from({ length: 100 }, (_, i) => ["red", "green", "blue"][i % 3]);
    expect(inferOne(colours).type).toBe("category");
    // 21 distinct values among 100 rows exceed max(20, 5%): text.
    expect(inferOne(Array.from({ length: 100 }, (_, i) => `word v${i % 21}`)).type).toBe("text");
    // 20 distinct values are still a category.
    expect(inferOne(Array.from({ length: 100 }, (_, i) => `word v${i % 20}`)).type).toBe("category");
    // 5% of 10,000 non-null rows allows 500 distinct values.
    expect(inferOne(Array.from({ length: 10_000 }, (_, i) => `word v${i % 500}`)).type).toBe("category");
    expect(inferOne(Array.from({ length: 10_000 }, (_, i) => `word v${i % 501}`)).type).toBe("text");
    // Long values are text however few.
    expect(inferOne(["x ".repeat(31), "y ".repeat(31)]).type).toBe("text");
    expect(inferOne(["x".repeat(60), "y".repeat(60)]).type).toBe("category");
  });

  it("calls short codes without spaces categories at any cardinality (ids, SKUs)", () => {
    expect(inferOne(Array.from({ length: 10_000 }, (_, i) => `SKU-${i}`)).type).toBe("category");
    expect(inferOne(Array.from({ length: 10_000 }, (_, i) => `${"x".repeat(25)}${i}`)).type).toBe("text");
    expect(inferOne(Array.from({ length: 10_000 }, (_, i) => `WHITE MUG ${i}`)).type).toBe("text");
  });

  it("caps categories at 1000 distinct values", () => {
    const values = Array.from({ length: 100_000 }, (_, i) => `word v${i % 1001}`);
    expect(inferOne(values).type).toBe("text");
    expect(inferOne(Array.from({ length: 100_000 }, (_, i) => `word v${i % 1000}`)).type).toBe("category");
  });

  it("calls a column with only missing values a category", () => {
    expect(inferOne(["", "NA", null])).toEqual({ type: "category", nullCount: 3 });
  });

  it("counts every missing spelling as null", () => {
    expect(inferOne(["1", "", "NA", "null", "None", "2", " "]).nullCount).toBe(5);
  });

  it("handles a growing column list and short rows as nulls", () => {
    const inferrer = createTypeInferrer();
    inferrer.add(["a"], [1]);
    inferrer.add(["a"], [2]);
    inferrer.add(["a", "b"], [3, "x"]);
    inferrer.add(["a", "b", "c"], [4, "y", true]);
    inferrer.add(["a", "b", "c"], [5]);
    expect(inferrer.finish(["a", "b", "c"], 5)).toEqual([
      { name: "a", type: "integer", inferredType: "integer", nullCount: 0 },
      { name: "b", type: "category", inferredType: "category", nullCount: 3 },
      { name: "c", type: "boolean", inferredType: "boolean", nullCount: 4 },
    ]);
  });
});

describe("parseDatetimeMs", () => {
  it("reads values without an offset as UTC and applies offsets", () => {
    expect(parseDatetimeMs("2024-01-31")).toBe(Date.UTC(2024, 0, 31));
    expect(parseDatetimeMs("2024/01/31 08:26")).toBe(Date.UTC(2024, 0, 31, 8, 26));
    expect(parseDatetimeMs("2024-01-31T08:26:00+02:00")).toBe(Date.UTC(2024, 0, 31, 6, 26));
    expect(parseDatetimeMs("2024-01-31T08:26:00.5Z")).toBe(Date.UTC(2024, 0, 31, 8, 26, 0, 500));
    expect(parseDatetimeMs("2000-02-29")).toBe(Date.UTC(2000, 1, 29));
    expect(parseDatetimeMs("1900-02-29")).toBeNull();
    expect(parseDatetimeMs("31.01.2024")).toBeNull();
  });
});

describe("coerceCell", () => {
  it("turns missing spellings into null for every type", () => {
    for (const type of ["number", "integer", "boolean", "category", "datetime", "text"] as const) {
      expect(coerceCell("NA", type)).toBeNull();
      expect(coerceCell(undefined, type)).toBeNull();
      expect(coerceCell("  ", type)).toBeNull();
    }
  });

  it("coerces numbers and integers", () => {
    expect(coerceCell("1.5", "number")).toBe(1.5);
    expect(coerceCell(" -2e3 ", "number")).toBe(-2000);
    expect(coerceCell(7, "number")).toBe(7);
    expect(coerceCell("42", "integer")).toBe(42);
    expect(coerceCell("3.0", "integer")).toBe(3);
    expect(coerceCell("3.5", "integer")).toBeNull();
    expect(coerceCell("1,5", "number")).toBeNull();
    expect(coerceCell("abc", "number")).toBeNull();
    expect(coerceCell(true, "number")).toBeNull();
    expect(coerceCell("1e999", "number")).toBeNull();
  });

  it("coerces booleans", () => {
    expect(coerceCell("Yes", "boolean")).toBe(true);
    expect(coerceCell("FALSE", "boolean")).toBe(false);
    expect(coerceCell(false, "boolean")).toBe(false);
    expect(coerceCell(1, "boolean")).toBe(true);
    expect(coerceCell("0", "boolean")).toBe(false);
    expect(coerceCell("maybe", "boolean")).toBeNull();
    expect(coerceCell(2, "boolean")).toBeNull();
  });

  it("coerces datetimes to ISO-8601 in UTC, dates at midnight", () => {
    expect(coerceCell("2024-01-31", "datetime")).toBe("2024-01-31T00:00:00.000Z");
    expect(coerceCell("2024/01/31 08:26:00", "datetime")).toBe("2024-01-31T08:26:00.000Z");
    expect(coerceCell("2024-01-31T08:26:00-01:00", "datetime")).toBe("2024-01-31T09:26:00.000Z");
    expect(coerceCell("2023-02-29", "datetime")).toBeNull();
    expect(coerceCell("yesterday", "datetime")).toBeNull();
    expect(coerceCell(1706659200000, "datetime")).toBeNull();
  });

  it("keeps categories and text as strings", () => {
    expect(coerceCell(" a ", "category")).toBe(" a ");
    expect(coerceCell(12.5, "category")).toBe("12.5");
    expect(coerceCell(true, "text")).toBe("true");
  });
});

describe("coerceRow", () => {
  it("keys the row by exact column names and fills short rows with null", () => {
    const columns = [
      { name: "Price [EUR]", type: "number" as const },
      { name: "in stock", type: "boolean" as const },
      { name: "__proto__", type: "text" as const },
    ];
    const row = coerceRow(columns, ["9.99", "yes"]);
    expect(Object.keys(row)).toEqual(["Price [EUR]", "in stock", "__proto__"]);
    expect(row["Price [EUR]"]).toBe(9.99);
    expect(row["in stock"]).toBe(true);
    // biome-ignore lint/suspicious/noProto: a column named __proto__ is an own cell; reading it as any code would is the test.
    // biome-ignore lint/complexity/useLiteralKeys: the same read, spelt as a column name is.
    expect(row["__proto__"]).toBeNull();
    expect(Object.getPrototypeOf(row)).toBe(Object.prototype);
  });
});
