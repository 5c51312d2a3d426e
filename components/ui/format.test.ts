import { describe, expect, it } from "vitest";
import { formatBytes, formatCount, formatDate, formatDay, formatStat, plural } from "./format";

describe("format", () => {
  it("counts with thousands separators, a dash for nothing", () => {
    expect(formatCount(1234567)).toBe("1,234,567");
    expect(formatCount(null)).toBe("–");
    expect(formatCount(undefined)).toBe("–");
  });

  it("sizes in binary units, one decimal below 10", () => {
    expect(formatBytes(512)).toBe("512 B");
    expect(formatBytes(1536)).toBe("1.5 KB");
    expect(formatBytes(20 * 1024 * 1024)).toBe("20 MB");
    expect(formatBytes(3 * 1024 ** 5)).toBe("3072 TB");
  });

  it("statistics to four significant digits, exponents for the very small and large", () => {
    expect(formatStat(1234.5678)).toBe("1,235");
    expect(formatStat(0.012345)).toBe("0.01235");
    expect(formatStat(42)).toBe("42");
    expect(formatStat(0)).toBe("0");
    expect(formatStat(0.00001234)).toBe("1.234e-5");
    expect(formatStat(5e12)).toBe("5,000,000,000,000");
    expect(formatStat(12345678900.5)).toBe("1.235e+10");
    expect(formatStat(Number.POSITIVE_INFINITY)).toBe("Infinity");
    expect(formatStat("2024-01-31")).toBe("2024-01-31");
    expect(formatStat(null)).toBe("–");
  });

  it("dates in UTC, the same on the server and in the browser; other text as it is", () => {
    expect(formatDate("2024-03-05T14:07:00.000Z")).toBe("5 Mar 2024, 14:07 UTC");
    expect(formatDate("not a date")).toBe("not a date");
    expect(formatDay("2024-03-05T23:59:00.000Z")).toBe("2024-03-05");
    expect(formatDay("soon")).toBe("soon");
  });

  it("plurals", () => {
    expect(plural(1, "row")).toBe("1 row");
    expect(plural(1200, "row")).toBe("1,200 rows");
    expect(plural(2, "series", "series")).toBe("2 series");
  });
});
