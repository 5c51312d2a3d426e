import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { coerceRow, createTypeInferrer } from "../infer";
import type { DatasetFormat, RawCell } from "../types";
import { readTypedRows } from "./datasets";
import { convertUpload, strictFieldCount } from "./convert";
import { ingestDataset } from "./ingest";
import { parseRecords } from "./parse";

const unique = (p: string) => `${p}-${Math.random().toString(36).slice(2, 8)}`;
const source = (text: string | Buffer, fileName: string) => ({
  sourceKind: "upload" as const,
  source: fileName,
  fileName,
  stream: Readable.from([Buffer.from(text)]),
  maxBytes: 1 << 20,
});

/** What the workbench read before versions were Parquet files: the JS parser, the JS inferrer, coerceRow. */
async function readTheOldWay(text: string | Buffer, format: DatasetFormat) {
  const inferrer = createTypeInferrer();
  const rows: RawCell[][] = [];
  let columns: string[] = [];
  for await (const batch of parseRecords(Readable.from([Buffer.from(text)]), format)) {
    columns = batch.columns;
    for (const row of batch.rows) {
      inferrer.add(columns, row);
      rows.push(row);
    }
  }
  const info = inferrer.finish(columns, rows.length);
  return { columns: info, rows: rows.map((r) => coerceRow(info, r)) };
}

const FILES: [string, string, DatasetFormat][] = [
  ["plain", "a,b,c\n1,x,2024-01-01\n2,y,2024-01-08\n", "csv"],
  ["quoted header and fields", '"temp (°C)",name,n\n1.5,"Smith, J.",3\n-2,"say ""hi""",4\n', "csv"],
  ["CRLF", "a,b\r\n1,2\r\n3,4\r\n", "csv"],
  ["blank lines and no final line break", "a,b\n1,2\n\n\n3,4", "csv"],
  ["BOM", "\uFEFFid,v\n1,true\n2,no\n", "csv"],
  ["a quoted line break", 'id,note\n1,"two\nlines"\n2,plain\n', "csv"],
  ["missing spellings and spaces", "a,b,c\nNA, 5 ,n/a\n,null,x\nnone,7,\n", "csv"],
  ["mixed line endings", "a,b\n1,2\r\n3,4\n", "csv"],
  ["a lone carriage return", "a,b\n1,2\r3,4\n", "csv"],
  ["a trailing comma (an empty last field)", "a,b\n1,\n2,3\n", "csv"],
  ["unicode", "名前,値\n東京,1\nmünchen,2\n", "csv"],
  ["a hash at the start of a line", "a,b\n#1,2\n3,4\n", "csv"],
  ["leading zeros and big integers", "zip,big\n02139,12345678901234567890\n10001,1\n", "csv"],
  ["TSV", "a\tb\n1\tx y\n2\tz\n", "tsv"],
  ["JSON", '[{"a":1,"b":"x"},{"a":2.5,"c":true},{"b":null}]', "json"],
  ["JSON Lines", '{"a":1}\n{"a":"2","b":[1,2]}\n', "jsonl"],
];

describe("a version read from its Parquet file", () => {
  for (const [what, text, format] of FILES) {
    it(`gives the rows and types the JS reader gave: ${what}`, async () => {
      const want = await readTheOldWay(text, format);
      const v = await ingestDataset(unique("conv"), source(text, `f.${format}`));
      expect(v.columns.map(({ padded: _, ...c }) => c)).toEqual(want.columns);
      expect(v.rowCount).toBe(want.rows.length);
      expect((await readTypedRows(v.id)).rows).toEqual(want.rows);
    });
  }

  it("infers over every row, not only the head it takes its guesses from", async () => {
    const lines = ["ints_then_decimal,empty_then_numbers,bool_then_word,dates_then_text,words"];
    for (let i = 0; i < 5000; i++) {
      const late = i >= 3000;
      lines.push(
        [
          late && i === 4999 ? "1.5" : String(i),
          late ? String(i / 7) : "",
          late && i === 4000 ? "maybe" : i % 2 ? "yes" : "no",
          late && i === 4500 ? "soon" : "2024-01-02",
          i % 3 ? `w${i % 1500}` : `two words ${i}`,
        ].join(","),
      );
    }
    const text = `${lines.join("\n")}\n`;
    const want = await readTheOldWay(text, "csv");
    const v = await ingestDataset(unique("late"), source(text, "late.csv"));
    expect(v.columns.map(({ padded: _, ...c }) => c)).toEqual(want.columns);
    expect(v.columns.map((c) => c.type)).toEqual(["number", "number", "category", "category", "text"]);
  });

  const REFUSED: [string, string][] = [
    ["a ragged row", "a,b\n1,2\n3\n"],
    ["a quote inside an unquoted field", 'a,b\n1,x"y\n'],
    ["text after a closing quote", 'a,b\n1,"x"y\n'],
    ["an unclosed quote", 'a,b\n1,"x\n'],
    ["a duplicate header", "a,a\n1,2\n"],
    ["an empty header", "a,\n1,2\n"],
    ["no data rows", "a,b\n"],
  ];
  for (const [what, text] of REFUSED) {
    it(`refuses ${what} with the JS parser's problem`, async () => {
      const old = await readTheOldWay(text, "csv").catch((e) => e);
      expect(old).toBeInstanceOf(Error);
      const now = await ingestDataset(unique("bad"), source(text, "f.csv")).catch((e) => e);
      expect({ message: now.message, errors: now.errors }).toEqual({ message: old.message, errors: old.errors });
    });
  }

  it("refuses invalid UTF-8 and binary content as the JS parser did", async () => {
    for (const bytes of [Buffer.concat([Buffer.from("a,b\n1,"), Buffer.from([0xff, 0xfe]), Buffer.from("\n")]), Buffer.from("a,b\n1,\u0000\n")]) {
      const old = await readTheOldWay(bytes, "csv").catch((e) => e);
      const now = await ingestDataset(unique("enc"), source(bytes, "f.csv")).catch((e) => e);
      expect(now.code).toBe(old.code);
      expect(now.message).toBe(old.message);
    }
  });
});

describe("convertUpload", () => {
  it("reads plain CSV with DuckDB and leaves odd files to the JS parser", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "convert-"));
    const via = async (text: string) => {
      const file = path.join(dir, "in.csv");
      fs.writeFileSync(file, text);
      return (await convertUpload(file, "csv", path.join(dir, `${Math.random()}.parquet`), path.join(dir, "plain.csv"))).via;
    };
    for (const [what, text] of FILES.filter(([, , f]) => f === "csv")) {
      const odd = what === "mixed line endings" || what === "a lone carriage return";
      expect({ what, via: await via(text) }).toEqual({ what, via: odd ? "parser" : "csv" });
    }
  });
});

describe("strictFieldCount", () => {
  it("counts fields as the parser splits them, and refuses what it refuses", () => {
    expect(strictFieldCount("a,b,c")).toBe(3);
    expect(strictFieldCount('"a,b",c')).toBe(2);
    expect(strictFieldCount('"a""b",')).toBe(2);
    expect(strictFieldCount("")).toBe(1);
    expect(strictFieldCount('a"b,c')).toBe(-1);
    expect(strictFieldCount('"a"b,c')).toBe(-1);
    expect(strictFieldCount('"a,b')).toBe(-1);
    expect(strictFieldCount("a\rb,c")).toBe(-1);
  });
});
