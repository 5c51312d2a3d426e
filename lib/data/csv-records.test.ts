import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { mulberry32 } from "@/lib/shared/random";
import { csvRecordBatches } from "./csv-records";

const reference = (text: string) => parse(text, { bom: true, relax_column_count: true, skip_empty_lines: true }) as string[][];

/** The records of `text` read in pieces cut at the given offsets. */
async function read(text: string, cuts: number[] = []): Promise<string[][]> {
  const buffer = Buffer.from(text, "utf8");
  const at = [0, ...cuts.filter((c) => c > 0 && c < buffer.length).sort((a, b) => a - b), buffer.length];
  const pieces = at.slice(1).map((end, i) => buffer.subarray(at[i], end));
  async function* chunks() {
    for (const p of pieces) yield p;
  }
  const out: string[][] = [];
  for await (const batch of csvRecordBatches(chunks())) out.push(...batch);
  return out;
}

describe("csvRecordBatches", () => {
  it("reads plain, quoted, escaped and multi-line fields, CRLF and LF, a BOM, empty lines and ragged rows", async () => {
    const text = '\uFEFFa,b,c\r\n1,"two, too","say ""hi"""\r\n\r\n"multi\nline",,x\r\n4,5\r\n"",last,"é ✓"\r\n7,8,9';
    const expected = reference(text);
    expect(expected).toEqual([
      ["a", "b", "c"],
      ["1", "two, too", 'say "hi"'],
      ["multi\nline", "", "x"],
      ["4", "5"],
      ["", "last", "é ✓"],
      ["7", "8", "9"],
    ]);
    expect(await read(text)).toEqual(expected);
  });

  it("gives the same records however the bytes are cut, inside quotes, CRLF and multi-byte characters included", async () => {
    const rand = mulberry32(11);
    const cell = () => {
      const kind = Math.floor(rand() * 6);
      if (kind === 0) return "";
      if (kind === 1) return String(Math.round(rand() * 1e6) / 100);
      if (kind === 2) return `"${["a,b", 'q""q', "line\nbreak", "crlf\r\nx", "ünï ✓"][Math.floor(rand() * 5)]}"`;
      if (kind === 3) return "€uro";
      return "word" + Math.floor(rand() * 100);
    };
    for (let trial = 0; trial < 30; trial++) {
      const eol = rand() < 0.5 ? "\n" : "\r\n";
      const lines = Array.from({ length: 40 }, () => Array.from({ length: 1 + Math.floor(rand() * 5) }, cell).join(","));
      const text = lines.join(eol) + (rand() < 0.5 ? eol : "");
      const size = Buffer.byteLength(text);
      const cuts = Array.from({ length: 8 }, () => Math.floor(rand() * size));
      expect(await read(text, cuts)).toEqual(reference(text));
      // Byte by byte too: every boundary at once.
      if (trial < 3)
        expect(
          await read(
            text,
            Array.from({ length: size }, (_, i) => i),
          ),
        ).toEqual(reference(text));
    }
  });

  it("reads many unquoted lines before a quoted one (the quote is looked for once, not per line)", async () => {
    const text = Array.from({ length: 50_000 }, (_, i) => `${i},x`).join("\n") + '\n"end",1\n';
    const records = await read(text, [100_000, 200_000]);
    expect(records).toHaveLength(50_001);
    expect(records[49_999]).toEqual(["49999", "x"]);
    expect(records[50_000]).toEqual(["end", "1"]);
  });
});
