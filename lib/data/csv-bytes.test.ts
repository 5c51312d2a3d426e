import { describe, expect, it } from "vitest";
import { mulberry32 } from "@/lib/shared/random";
import { byteRecords, plainDecimal, scanRecords } from "./csv-bytes";
import { parseRecords } from "./csv-records";

/**
 * Every record of `bytes` as scanRecords finds them, read through a window that grows `step`
 * bytes at a time (records cut by the window's end wait for more), each decoded: a plain record
 * from its field spans, any other by parseRecords on its bytes (what the batch reader does).
 */
function scanAll(bytes: Buffer, width: number, step: number, capacity = 3): { records: string[][]; plain: boolean[] } {
  const out = byteRecords(width, capacity);
  const records: string[][] = [];
  const plain: boolean[] = [];
  let pos = 0;
  let have = Math.min(step, bytes.length);
  for (;;) {
    const final = have === bytes.length;
    pos = scanRecords(bytes, pos, have, final, out);
    for (let i = 0; i < out.count; i++) {
      if (out.plain[i]) {
        records.push(Array.from({ length: width }, (_, k) => bytes.toString("utf8", out.fieldStart[i * width + k], out.fieldEnd[i * width + k])));
        expect(bytes.toString("utf8", out.start[i], out.end[i])).toBe(records.at(-1)!.join(","));
      } else {
        const decoded = parseRecords(bytes.toString("utf8", out.start[i], out.end[i]), true).records;
        expect(decoded.length).toBeLessThanOrEqual(1);
        if (decoded.length === 0) continue;
        records.push(decoded[0]);
      }
      plain.push(out.plain[i] === 1);
    }
    if (out.count === 0) {
      if (final) break;
      have = Math.min(bytes.length, have + step);
    }
  }
  return { records, plain };
}

describe("scanRecords", () => {
  it("finds the records parseRecords finds: quotes, quoted line breaks, CRLF, empty lines, ragged rows, a final line without a break", () => {
    const text = 'a,b,c\r\n1,"two, too","say ""hi"""\r\n\r\n"multi\nline",,x\r\n4,5\r\n"",last,"é ✓"\n7,8,9\n1,2,3,4\nx"y,z,w\n\n5,6,7';
    const { records, plain } = scanAll(Buffer.from(text), 3, 1 << 20);
    expect(records).toEqual(parseRecords(text, true).records);
    // Plain: exactly three fields, no quote, no carriage return but the line's last.
    expect(plain).toEqual([true, false, false, false, false, true, false, false, true]);
  });

  it("gives the same records however the bytes arrive", () => {
    const rand = mulberry32(5);
    const cell = () => {
      const kind = Math.floor(rand() * 7);
      if (kind === 0) return "";
      if (kind === 1) return String(Math.round(rand() * 1e6) / 100);
      if (kind === 2) return `"${["a,b", 'q""q', "line\nbreak", "crlf\r\nx", "ünï ✓", ""][Math.floor(rand() * 6)]}"`;
      if (kind === 3) return "€uro";
      if (kind === 4) return 'stray"quote';
      return "word" + Math.floor(rand() * 100);
    };
    for (let trial = 0; trial < 40; trial++) {
      const eol = rand() < 0.5 ? "\n" : "\r\n";
      const lines = Array.from({ length: 30 }, () => (rand() < 0.05 ? "" : Array.from({ length: 2 + Math.floor(rand() * 3) }, cell).join(",")));
      const text = lines.join(eol) + (rand() < 0.5 ? eol : "");
      const expected = parseRecords(text, true).records;
      for (const step of [1, 7, 64, 1 << 20]) expect(scanAll(Buffer.from(text), 3, step).records).toEqual(expected);
    }
  });
});

describe("plainDecimal", () => {
  const read = (text: string) => {
    const bytes = Buffer.from(`,${text},`);
    return plainDecimal(bytes, 1, bytes.length - 1);
  };

  it("reads a plain decimal exactly as Number() does", () => {
    const rand = mulberry32(9);
    const texts = ["0", "-0", "+5", "12.", ".5", "-.25", "0.1", "0.3", "123456789012345", "-99999.99999", "0.00000000000001", "007.50"];
    for (let i = 0; i < 20_000; i++) {
      const digits = 1 + Math.floor(rand() * 15);
      let text = String(Math.floor(rand() * 10 ** digits));
      const point = Math.floor(rand() * (text.length + 1));
      if (rand() < 0.8) text = text.slice(0, point) + "." + text.slice(point);
      texts.push((rand() < 0.3 ? "-" : "") + text);
    }
    let read15 = 0;
    for (const text of texts) {
      const value = read(text);
      // Up to 15 digits it reads the text itself; longer ones it leaves to Number().
      if (text.replace(/[-.]/g, "").length <= 15) {
        expect(Object.is(value, Number(text)), text).toBe(true);
        read15++;
      } else expect(value, text).toBeNaN();
    }
    expect(read15).toBeGreaterThan(10_000);
  });

  it("leaves anything else to the full parser (NaN)", () => {
    for (const text of ["", " 1", "1 ", "-", ".", "+", "1e5", "0x10", "1,5", "1.2.3", "Infinity", "NaN", "NA", "1234567890123456", "١٢"]) {
      expect(read(text), text).toBeNaN();
    }
  });
});
