import { describe, expect, it } from "vitest";
import { describeFilter, filterValueOf, nextSort } from "./row-filters";

describe("filterValueOf", () => {
  it("reads numbers, datetimes and booleans as the API wants them, and text as typed", () => {
    expect(filterValueOf("number", " 1.5 ")).toEqual({ value: 1.5 });
    expect(filterValueOf("integer", "-3")).toEqual({ value: -3 });
    expect(filterValueOf("datetime", "2024-01-31T12:00 ")).toEqual({ value: "2024-01-31T12:00" });
    expect(filterValueOf("boolean", "false")).toEqual({ value: false });
    expect(filterValueOf("category", " a ")).toEqual({ value: " a " });
  });

  it("names what does not fit the column's type", () => {
    for (const [type, text] of [
      ["number", ""],
      ["number", "1,5"],
      ["integer", "abc"],
      ["datetime", "yesterday"],
      ["datetime", "2024-02-30"],
      ["boolean", "yes please"],
    ] as const) {
      expect(filterValueOf(type, text)).toHaveProperty("error");
    }
  });
});

describe("describeFilter", () => {
  it("says a filter the way the page shows it", () => {
    expect(describeFilter({ column: "price", op: ">=", value: 2 })).toBe("price ≥ 2");
    expect(describeFilter({ column: "color", op: "contains", value: "re" })).toBe('color contains "re"');
    expect(describeFilter({ column: "when", op: "isnull" })).toBe("when is missing");
  });
});

describe("nextSort", () => {
  it("cycles a column through ascending, descending and none; another column starts ascending", () => {
    const asc = nextSort(null, "a");
    expect(asc).toEqual({ column: "a", descending: false });
    const desc = nextSort(asc, "a");
    expect(desc).toEqual({ column: "a", descending: true });
    expect(nextSort(desc, "a")).toBeNull();
    expect(nextSort(desc, "b")).toEqual({ column: "b", descending: false });
  });
});
