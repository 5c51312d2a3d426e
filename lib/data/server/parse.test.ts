import { describe, it, expect } from "vitest";
import { PARSE_BATCH_ROWS, detectFormat, parseRecords, toFileError, type RecordBatch } from "@/lib/data/server/parse";
import { AppError, type ErrorCode } from "@/lib/shared/errors";
import type { DatasetFormat, RawCell } from "@/lib/data/types";

/** Yields the bytes of `text` in pieces of 1–7 bytes, splitting multi-byte characters too. */
async function* tinyChunks(text: string | Buffer): AsyncGenerator<Buffer> {
  const bytes = typeof text === "string" ? Buffer.from(text, "utf8") : text;
  let offset = 0;
  for (let i = 0; offset < bytes.length; i++) {
    const size = (i % 7) + 1;
    yield bytes.subarray(offset, offset + size);
    offset += size;
  }
}

async function* oneChunk(text: string | Buffer): AsyncGenerator<Buffer | string> {
  yield text;
}

async function collect(batches: AsyncIterable<RecordBatch>): Promise<{ columns: string[]; rows: RawCell[][]; batches: RecordBatch[] }> {
  const all: RecordBatch[] = [];
  for await (const batch of batches) all.push(batch);
  return { columns: all.at(-1)?.columns ?? [], rows: all.flatMap((batch) => batch.rows), batches: all };
}

async function parseText(text: string | Buffer, format: DatasetFormat, chunks = oneChunk) {
  return collect(parseRecords(chunks(text), format));
}

async function expectAppError(promise: Promise<unknown>, code: ErrorCode, field: string, message?: RegExp): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  const appError = error as AppError;
  expect(appError.code).toBe(code);
  expect(appError.errors[0]?.field).toBe(field);
  if (message) expect(appError.errors[0]?.message).toMatch(message);
  return appError;
}

describe("detectFormat", () => {
  const empty = Buffer.alloc(0);

  it("goes by the file extension first", () => {
    expect(detectFormat("a.CSV", "application/json", Buffer.from("x\tY\n"))).toBe("csv");
    expect(detectFormat("a.tsv", undefined, empty)).toBe("tsv");
    expect(detectFormat("a.tab", undefined, empty)).toBe("tsv");
    expect(detectFormat("a.json", undefined, empty)).toBe("json");
    expect(detectFormat("a.jsonl", undefined, empty)).toBe("jsonl");
    expect(detectFormat("a.ndjson", undefined, empty)).toBe("jsonl");
  });

  it("sniffs the content of .txt files", () => {
    expect(detectFormat("a.txt", "text/plain", Buffer.from("a\tb\tc\n1\t2\t3\n"))).toBe("tsv");
    expect(detectFormat("a.txt", undefined, Buffer.from("a,b\n1,2\n"))).toBe("csv");
  });

  it("then by the content type, ignoring parameters", () => {
    expect(detectFormat(undefined, "text/csv; charset=utf-8", empty)).toBe("csv");
    expect(detectFormat("data", "text/tab-separated-values", empty)).toBe("tsv");
    expect(detectFormat(undefined, "application/json", empty)).toBe("json");
    expect(detectFormat(undefined, "application/x-ndjson", empty)).toBe("jsonl");
    expect(detectFormat(undefined, "application/jsonl", empty)).toBe("jsonl");
  });

  it("then by sniffing the head", () => {
    expect(detectFormat(undefined, undefined, Buffer.from('\uFEFF  \n [{"a":1}]'))).toBe("json");
    expect(detectFormat(undefined, "application/octet-stream", Buffer.from('{"a":1}\n{"a":2}\n'))).toBe("jsonl");
    expect(detectFormat(undefined, undefined, Buffer.from("a\tb,c\td\n"))).toBe("tsv");
    expect(detectFormat(undefined, undefined, Buffer.from("a,b\tc,d\n1\t2\t3\t4\t5\n"))).toBe("csv");
    expect(detectFormat(undefined, undefined, empty)).toBe("csv");
  });

  it("lets the first character choose between JSON and JSON Lines", () => {
    expect(detectFormat("a.json", undefined, Buffer.from('{"a":1}\n'))).toBe("jsonl");
    expect(detectFormat("a.jsonl", undefined, Buffer.from("[{}]"))).toBe("json");
  });
});

describe("parseRecords: CSV and TSV", () => {
  it("reads quoted fields, CRLF, a BOM and headers with spaces, brackets and unicode", async () => {
    const csv = '\uFEFFPrice [EUR],Größe (cm),"name, full"\r\n1.5,"a ""quoted"" word","line\r\nbreak"\r\n2,,x\r\n';
    const { columns, rows } = await parseText(csv, "csv");
    expect(columns).toEqual(["Price [EUR]", "Größe (cm)", "name, full"]);
    expect(rows).toEqual([
      ["1.5", 'a "quoted" word', "line\r\nbreak"],
      ["2", "", "x"],
    ]);
  });

  it("gives the same rows when fed 1–7 bytes at a time", async () => {
    const csv = '\uFEFFid,città,note\n1,Zürich,"a,b"\n2,東京,"😀 ""x"""\n';
    const whole = await parseText(csv, "csv");
    const pieces = await parseText(csv, "csv", tinyChunks);
    expect(pieces.columns).toEqual(["id", "città", "note"]);
    expect(pieces.rows).toEqual(whole.rows);
    expect(pieces.rows[1]).toEqual(["2", "東京", '😀 "x"']);
  });

  it("reads TSV", async () => {
    const { columns, rows } = await parseText("a b\tc\n1\t2,5\n3\t\n", "tsv");
    expect(columns).toEqual(["a b", "c"]);
    expect(rows).toEqual([
      ["1", "2,5"],
      ["3", ""],
    ]);
  });

  it("skips blank lines and accepts a last line without a newline", async () => {
    const { rows } = await parseText("a,b\n1,2\n\n3,4", "csv");
    expect(rows).toEqual([
      ["1", "2"],
      ["3", "4"],
    ]);
  });

  it("yields batches of at most PARSE_BATCH_ROWS rows", async () => {
    const total = PARSE_BATCH_ROWS * 2 + 17;
    const lines = ["n,sq"];
    for (let i = 0; i < total; i++) lines.push(`${i},${i * i}`);
    const { rows, batches } = await parseText(lines.join("\n"), "csv");
    expect(batches.map((b) => b.rows.length)).toEqual([PARSE_BATCH_ROWS, PARSE_BATCH_ROWS, 17]);
    expect(rows).toHaveLength(total);
    expect(rows[total - 1]).toEqual([String(total - 1), String((total - 1) ** 2)]);
  });

  it("refuses ragged rows, naming the line and the field counts", async () => {
    const error = await expectAppError(parseText("a,b,c\n1,2,3\n4,5\n", "csv"), "VALIDATION", "file", /line 3/);
    expect(error.message).toMatch(/expected 3 .*found 2/);
    await expectAppError(parseText("a\tb\n1\t2\t3\n", "tsv"), "VALIDATION", "file", /line 2.*expected 2.*found 3/);
  });

  it("refuses unclosed and misplaced quotes", async () => {
    await expectAppError(parseText('a,b\n1,"open\n2,3\n', "csv"), "VALIDATION", "file", /not closed/);
    await expectAppError(parseText('a,b\n1,2"x\n', "csv"), "VALIDATION", "file", /line 2: a quote appears inside/);
    await expectAppError(parseText('a,b\n1,"2"x\n', "csv"), "VALIDATION", "file", /line 2: a closing quote/);
    await expectAppError(parseText(`a,b\n1,"${"x".repeat(9 * 1024 * 1024)}`, "csv"), "VALIDATION", "file", /longer than/);
  });

  it("refuses duplicate and empty column names", async () => {
    await expectAppError(parseText("a,b,a\n1,2,3\n", "csv"), "VALIDATION", "columns", /"a"/);
    await expectAppError(parseText("a,,c\n1,2,3\n", "csv"), "VALIDATION", "columns", /column 2\b/);
    await expectAppError(parseText("a,  \n1,2\n", "csv"), "VALIDATION", "columns", /column 2\b/);
  });

  it("refuses an empty file and a header without rows", async () => {
    await expectAppError(parseText("", "csv"), "VALIDATION", "file", /no data rows/);
    await expectAppError(parseText("\uFEFF", "csv"), "VALIDATION", "file", /no data rows/);
    await expectAppError(parseText("a,b\r\n", "csv"), "VALIDATION", "file", /no data rows/);
    await expectAppError(parseText("a\tb", "tsv"), "VALIDATION", "file", /no data rows/);
  });
});

describe("parseRecords: binary and encoding", () => {
  it("refuses a NUL byte as binary content", async () => {
    const bytes = Buffer.concat([Buffer.from("a,b\n1,"), Buffer.from([0]), Buffer.from("\n")]);
    await expectAppError(parseText(bytes, "csv"), "UNSUPPORTED_MEDIA_TYPE", "file");
    await expectAppError(parseText(bytes, "json", tinyChunks), "UNSUPPORTED_MEDIA_TYPE", "file");
  });

  it("refuses invalid UTF-8", async () => {
    const latin1 = Buffer.from("name\nZ\xfcrich\n", "latin1");
    await expectAppError(parseText(latin1, "csv"), "UNSUPPORTED_MEDIA_TYPE", "file", /UTF-8/);
    await expectAppError(parseText(latin1, "jsonl", tinyChunks), "UNSUPPORTED_MEDIA_TYPE", "file", /UTF-8/);
  });

  it("refuses a file cut in the middle of a multi-byte character", async () => {
    const cut = Buffer.from("a\n€", "utf8").subarray(0, 4);
    await expectAppError(parseText(cut, "csv"), "UNSUPPORTED_MEDIA_TYPE", "file");
  });

  it("accepts multi-byte characters split across chunks", async () => {
    const { rows } = await parseText("x\n€€€\n😀\n", "csv", tinyChunks);
    expect(rows).toEqual([["€€€"], ["😀"]]);
  });
});

describe("parseRecords: JSON array", () => {
  const json = `\uFEFF[
    {"id": 1, "name": "a \\"quoted\\" {name}", "tags": ["x", "]"], "ok": true},
    {"id": 2.5, "extra": {"deep": [1, {"k": "v"}]}, "name": null},
    {"id": 3, "ok": false, "emoji": "😀\\u00e9\\\\"}
  ]  \n`;

  it("reads objects into rows with a growing column list", async () => {
    const { columns, rows, batches } = await parseText(json, "json");
    expect(columns).toEqual(["id", "name", "tags", "ok", "extra", "emoji"]);
    expect(batches).toHaveLength(1);
    expect(rows).toEqual([
      [1, 'a "quoted" {name}', '["x","]"]', true],
      [2.5, null, null, null, '{"deep":[1,{"k":"v"}]}'],
      [3, null, null, false, null, "😀é\\"],
    ]);
  });

  it("gives the same rows when fed 1–7 bytes at a time", async () => {
    const whole = await parseText(json, "json");
    const pieces = await parseText(json, "json", tinyChunks);
    expect(pieces.columns).toEqual(whole.columns);
    expect(pieces.rows).toEqual(whole.rows);
  });

  it("keeps earlier batches' column lists as they were", async () => {
    const objects = Array.from({ length: PARSE_BATCH_ROWS + 1 }, (_, i) => (i < PARSE_BATCH_ROWS ? { a: i } : { a: i, b: "new" }));
    const { batches } = await parseText(JSON.stringify(objects), "json");
    expect(batches.map((b) => b.columns)).toEqual([["a"], ["a", "b"]]);
    expect(batches.map((b) => b.rows.length)).toEqual([PARSE_BATCH_ROWS, 1]);
  });

  it("refuses an element that is not an object, naming it", async () => {
    await expectAppError(parseText('[{"a":1}, 2]', "json"), "VALIDATION", "file", /element 2\b.*not an object/);
    await expectAppError(parseText('[{"a":1}, [1]]', "json", tinyChunks), "VALIDATION", "file", /element 2\b/);
    await expectAppError(parseText('[{"a":1}, {"a":2}, "x"]', "json"), "VALIDATION", "file", /element 3\b/);
  });

  it("refuses malformed JSON", async () => {
    await expectAppError(parseText('[{"a":1}, {"a":}]', "json"), "VALIDATION", "file", /element 2\b/);
    await expectAppError(parseText('[{"a":[1}]', "json"), "VALIDATION", "file", /element 1\b/);
    await expectAppError(parseText('[{"a":1},]', "json"), "VALIDATION", "file");
    await expectAppError(parseText('[{"a":1}', "json"), "VALIDATION", "file", /not closed/);
    await expectAppError(parseText('[{"a":1}] x', "json"), "VALIDATION", "file");
    await expectAppError(parseText('{"a":1}', "json"), "VALIDATION", "file", /array/);
    await expectAppError(parseText(`[{"a":"${"x".repeat(9 * 1024 * 1024)}`, "json"), "VALIDATION", "file", /element 1 .*longer than/);
  });

  it("refuses an empty array or file", async () => {
    await expectAppError(parseText("[]", "json"), "VALIDATION", "file", /no data rows/);
    await expectAppError(parseText("  \n", "json"), "VALIDATION", "file", /no data rows/);
  });

  it("refuses an empty key as a column name", async () => {
    await expectAppError(parseText('[{"a":1, "":2}]', "json"), "VALIDATION", "columns", /column 2\b/);
  });
});

describe("parseRecords: JSON Lines", () => {
  const jsonl = '{"a": 1, "b": "x"}\r\n\n   \n{"b": "y", "c": [1, 2]}\n{"a": 3}';

  it("reads one object per non-blank line with a growing column list", async () => {
    const { columns, rows } = await parseText(jsonl, "jsonl");
    expect(columns).toEqual(["a", "b", "c"]);
    expect(rows).toEqual([
      [1, "x"],
      [null, "y", "[1,2]"],
      [3, null, null],
    ]);
  });

  it("gives the same rows when fed 1–7 bytes at a time", async () => {
    expect((await parseText(jsonl, "jsonl", tinyChunks)).rows).toEqual((await parseText(jsonl, "jsonl")).rows);
  });

  it("refuses a line that does not parse or is not an object, naming the line", async () => {
    await expectAppError(parseText('{"a":1}\n\n{"a":\n', "jsonl"), "VALIDATION", "file", /line 3\b/);
    await expectAppError(parseText('{"a":1}\n[1,2]\n', "jsonl", tinyChunks), "VALIDATION", "file", /line 2\b.*object/);
  });

  it("refuses a file without objects", async () => {
    await expectAppError(parseText("\n\n", "jsonl"), "VALIDATION", "file", /no data rows/);
  });

  it("yields batches of at most PARSE_BATCH_ROWS rows", async () => {
    const text = Array.from({ length: PARSE_BATCH_ROWS + 3 }, (_, i) => JSON.stringify({ i })).join("\n");
    const { batches } = await parseText(text, "jsonl");
    expect(batches.map((b) => b.rows.length)).toEqual([PARSE_BATCH_ROWS, 3]);
  });
});

describe("parseRecords: streaming", () => {
  it("stops reading the input when the consumer stops", async () => {
    let pulled = 0;
    async function* endless(): AsyncGenerator<string> {
      yield "n\n";
      for (;;) {
        pulled++;
        yield "1\n".repeat(1000);
      }
    }
    for await (const batch of parseRecords(endless(), "csv")) {
      expect(batch.rows).toHaveLength(PARSE_BATCH_ROWS);
      break;
    }
    const afterBreak = pulled;
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(pulled).toBe(afterBreak);
    expect(pulled).toBeLessThan(100);
  });

  it("passes the input's own errors through", async () => {
    const failure = new Error("connection reset");
    async function* failing(text: string): AsyncGenerator<string> {
      yield text;
      throw failure;
    }
    await expect(collect(parseRecords(failing("a\n1\n"), "csv"))).rejects.toBe(failure);
    await expect(collect(parseRecords(failing('{"a":1}\n'), "jsonl"))).rejects.toBe(failure);
    await expect(collect(parseRecords(failing('[{"a":1},'), "json"))).rejects.toBe(failure);
  });
});

describe("toFileError", () => {
  it("names file for a csv-parse error from the package's other build (another CsvError class), and passes anything else through", () => {
    // As csv-parse's CommonJS build throws it where the ESM build's class was imported (the job's header reader).
    const other = Object.assign(new Error('Invalid Opening Quote: a quote is found on field 0 at line 1, value is "{"'), {
      code: "INVALID_OPENING_QUOTE",
      lines: 1,
    });
    const mapped = toFileError(other, undefined) as AppError;
    expect(mapped).toBeInstanceOf(AppError);
    expect(mapped.errors).toEqual([{ field: "file", message: expect.stringMatching(/^line 1: a quote appears inside an unquoted field/) }]);
    const unrelated = Object.assign(new Error("EIO"), { code: "EIO" });
    expect(toFileError(unrelated, undefined)).toBe(unrelated);
  });
});
