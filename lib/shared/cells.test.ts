import { describe, expect, it } from "vitest";
import { cellText, cellToNumber, ownCell, setCell, toTimestamp, trimmedCellText } from "./cells";

describe("cellToNumber", () => {
  it("takes finite numbers, booleans as 0/1 and numeric text", () => {
    expect(cellToNumber(2.5)).toBe(2.5);
    expect(cellToNumber(true)).toBe(1);
    expect(cellToNumber(false)).toBe(0);
    expect(cellToNumber(" 3 ")).toBe(3);
    expect(cellToNumber("1e3")).toBe(1000);
    expect(cellToNumber("0x10")).toBe(16);
  });

  it("gives null for missing, blank, non-numeric and non-finite cells", () => {
    for (const cell of [null, undefined, "", "  ", "abc", NaN, Infinity, "Infinity", {}]) expect(cellToNumber(cell)).toBeNull();
  });
});

describe("cellText and trimmedCellText", () => {
  it("cellText keeps the text as it is, a missing cell as empty", () => {
    expect(cellText(null)).toBe("");
    expect(cellText(undefined)).toBe("");
    expect(cellText(" a ")).toBe(" a ");
    expect(cellText(2)).toBe("2");
    expect(cellText(false)).toBe("false");
  });

  it("trimmedCellText trims, and a missing or blank cell is null", () => {
    expect(trimmedCellText(null)).toBeNull();
    expect(trimmedCellText(undefined)).toBeNull();
    expect(trimmedCellText("   ")).toBeNull();
    expect(trimmedCellText(" 42 ")).toBe("42");
    expect(trimmedCellText(42)).toBe("42");
  });
});

describe("ownCell and setCell", () => {
  it("read own properties only", () => {
    const row: Record<string, number> = { a: 1 };
    expect(ownCell(row, "a")).toBe(1);
    expect(ownCell(row, "constructor")).toBeUndefined();
    expect(ownCell(row, "missing")).toBeUndefined();
  });

  it("make a column named __proto__ a plain cell", () => {
    const row: Record<string, number | null> = {};
    setCell(row, "__proto__", 5);
    setCell(row, "b", null);
    expect(Object.getPrototypeOf(row)).toBe(Object.prototype);
    expect(Object.keys(row)).toEqual(["__proto__", "b"]);
    expect(ownCell(row, "__proto__")).toBe(5);
  });
});

describe("toTimestamp", () => {
  it("reads zone-less date-times and dates as UTC", () => {
    expect(toTimestamp("2024-03-01T10:00:00")).toBe(Date.UTC(2024, 2, 1, 10));
    expect(toTimestamp("2024-03-01 10:00")).toBe(Date.UTC(2024, 2, 1, 10));
    expect(toTimestamp("2024-03-01")).toBe(Date.UTC(2024, 2, 1));
    expect(toTimestamp("2024-03-01T10:00:00+02:00")).toBe(Date.UTC(2024, 2, 1, 8));
  });

  it("passes numbers through and gives null for anything else", () => {
    expect(toTimestamp(17)).toBe(17);
    expect(toTimestamp(Number.NaN)).toBeNull();
    expect(toTimestamp("not a date")).toBeNull();
    expect(toTimestamp("")).toBeNull();
    expect(toTimestamp(null)).toBeNull();
    expect(toTimestamp(true)).toBeNull();
    expect(toTimestamp(undefined)).toBeNull();
  });
});
