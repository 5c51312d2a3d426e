import { describe, expect, it } from "vitest";
import { AppError, type ErrorCode } from "@/lib/shared/errors";
import type { ColumnType, Row } from "@/lib/data/types";
import { coerceCell, isMissing } from "@/lib/data/infer";
import {
  coerceRows,
  MAX_FIELD_ERRORS,
  parseScoreRequest,
  parseV2InferRequest,
  ROWS_FIELD,
  v2InferResponse,
  type ParseScoreOptions,
  type ScoreFormat,
} from "./formats";

/** The AppError a call throws; fails the test when it returns or throws something else. */
function errorOf(fn: () => unknown): AppError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    return e as AppError;
  }
  throw new Error("expected the call to throw an AppError");
}

function expectError(fn: () => unknown, code: ErrorCode, field: string): AppError {
  const error = errorOf(fn);
  expect({ code: error.code, field: error.errors[0]?.field }).toEqual({ code, field });
  return error;
}

const JSON_TYPE = "application/json";
const CSV_TYPE = "text/csv";

const parse = (text: string, contentType = JSON_TYPE, opts: Partial<ParseScoreOptions> = {}) =>
  parseScoreRequest({ contentType, text }, { maxRows: 10, ...opts });
const parseJson = (body: unknown, opts: Partial<ParseScoreOptions> = {}) => parse(JSON.stringify(body), JSON_TYPE, opts);

const COLUMNS = ["price", "city"];
const SCHEMA: { name: string; type: ColumnType }[] = [
  { name: "price", type: "number" },
  { name: "city", type: "category" },
];
const EXPECTED_ROWS: Row[] = [
  { price: 1.5, city: "Oslo" },
  { price: 2, city: null },
];

describe("parseScoreRequest: every format gives the same rows", () => {
  const records = [
    { price: 1.5, city: "Oslo" },
    { price: 2, city: null },
  ];
  const arrays = [
    [1.5, "Oslo"],
    [2, null],
  ];
  const cases: [string, ScoreFormat, string, string, Partial<ParseScoreOptions>][] = [
    ["native rows", "rows", JSON_TYPE, JSON.stringify({ rows: records }), {}],
    ["dataframe_split", "dataframe_split", JSON_TYPE, JSON.stringify({ dataframe_split: { columns: COLUMNS, data: arrays, index: [7, 8] } }), {}],
    ["dataframe_records", "dataframe_records", JSON_TYPE, JSON.stringify({ dataframe_records: records }), {}],
    ["instances of objects", "instances", JSON_TYPE, JSON.stringify({ instances: records }), {}],
    ["instances of arrays", "instances", JSON_TYPE, JSON.stringify({ instances: arrays }), { columns: COLUMNS }],
    ["columnar inputs", "inputs", JSON_TYPE, JSON.stringify({ inputs: { price: [1.5, 2], city: ["Oslo", null] } }), {}],
    ["inputs of records", "inputs", JSON_TYPE, JSON.stringify({ inputs: records }), {}],
    ["positional inputs", "inputs", JSON_TYPE, JSON.stringify({ inputs: arrays }), { columns: COLUMNS }],
    ["CSV", "csv", CSV_TYPE, "price,city\n1.5,Oslo\n2,\n", {}],
    ["CSV with CRLF, quotes and charset", "csv", "text/csv; charset=utf-8", '"price","city"\r\n"1.5","Oslo"\r\n2,""\r\n', {}],
  ];

  it.each(cases)("%s", (_name, format, contentType, text, opts) => {
    const parsed = parse(text, contentType, opts);
    expect(parsed.format).toBe(format);
    expect(parsed).not.toHaveProperty("k");
    expect(coerceRows(parsed.rows, SCHEMA, { field: ROWS_FIELD[format] })).toEqual(EXPECTED_ROWS);
  });

  it("keeps CSV values as strings, empty ones as null", () => {
    expect(parse("price,city\n1.5,Oslo\n2,\n", CSV_TYPE).rows).toEqual([
      { price: "1.5", city: "Oslo" },
      { price: "2", city: null },
    ]);
  });

  it.each(["application/json; charset=utf-8", "Application/JSON", "application/vnd.workbench+json"])("accepts JSON as %s", (type) => {
    expect(parse(JSON.stringify({ rows: records }), type).rows).toEqual(records);
  });

  it.each(["rows", "dataframe_records", "instances", "inputs"])("takes k beside %s", (key) => {
    expect(parseJson({ [key]: records, k: 5 }).k).toBe(5);
  });
});

describe("parseScoreRequest: malformed requests name the field", () => {
  it.each(["text/plain", "", "application/xml", "multipart/form-data; boundary=x", "text/plain;charset=json", "text/x+json", "application/jsonl"])(
    "rejects the content type %j",
    (type) => {
      expectError(() => parse('{"rows":[{"a":1}]}', type), "UNSUPPORTED_MEDIA_TYPE", "content-type");
    },
  );

  it("says a JSON body is not valid JSON", () => {
    const error = expectError(() => parse('{"rows": [', JSON_TYPE), "VALIDATION", "body");
    expect(error.errors[0].message).toMatch(/^not valid JSON: /);
    expectError(() => parse("", JSON_TYPE), "VALIDATION", "body");
  });

  const one = [{ a: 1 }];
  const cases: [string, unknown, string, Partial<ParseScoreOptions>?][] = [
    ["an array body", [{ a: 1 }], "body"],
    ["null body", null, "body"],
    ["no row key", {}, "body"],
    ["only k", { k: 3 }, "body"],
    ["an unknown top-level key", { rows: one, extra: 1 }, "extra"],
    ["two row keys", { rows: one, dataframe_records: one }, "dataframe_records"],
    ["k zero", { rows: one, k: 0 }, "k"],
    ["k above 100", { rows: one, k: 101 }, "k"],
    ["k fractional", { rows: one, k: 2.5 }, "k"],
    ["k as text", { rows: one, k: "5" }, "k"],
    ["rows not a list", { rows: { a: 1 } }, "rows"],
    ["rows empty", { rows: [] }, "rows"],
    ["a row that is not an object", { rows: [{ a: 1 }, 5] }, "rows[1]"],
    ["an array row in rows", { rows: [{ a: 1 }, [1]] }, "rows[1]"],
    ["an array row in rows even with a column order", { rows: [[1.5, "Oslo"]] }, "rows[0]", { columns: COLUMNS }],
    ["an array row in dataframe_records", { dataframe_records: [[1.5, "Oslo"]] }, "dataframe_records[0]", { columns: COLUMNS }],
    ["an object cell", { rows: [{ a: 1 }, { a: { x: 1 } }] }, "rows[1].a"],
    ["an array cell", { rows: [{ Price: [1] }] }, "rows[0].Price"],
    ["dataframe_split not an object", { dataframe_split: [] }, "dataframe_split"],
    ["dataframe_split unknown key", { dataframe_split: { columns: ["a"], data: [[1]], orient: "split" } }, "dataframe_split.orient"],
    ["dataframe_split without columns", { dataframe_split: { data: [[1]] } }, "dataframe_split.columns"],
    ["dataframe_split empty columns", { dataframe_split: { columns: [], data: [[1]] } }, "dataframe_split.columns"],
    ["dataframe_split column not a string", { dataframe_split: { columns: ["a", 1], data: [[1, 2]] } }, "dataframe_split.columns[1]"],
    ["dataframe_split duplicate column", { dataframe_split: { columns: ["a", "a"], data: [[1, 2]] } }, "dataframe_split.columns[1]"],
    ["dataframe_split without data", { dataframe_split: { columns: ["a"] } }, "dataframe_split.data"],
    ["dataframe_split empty data", { dataframe_split: { columns: ["a"], data: [] } }, "dataframe_split.data"],
    ["dataframe_split short row", { dataframe_split: { columns: ["a", "b"], data: [[1, 2], [3, 4], [5]] } }, "dataframe_split.data[2]"],
    ["dataframe_split object row", { dataframe_split: { columns: ["a"], data: [[1], { a: 1 }] } }, "dataframe_split.data[1]"],
    ["dataframe_split nested cell", { dataframe_split: { columns: ["a", "b"], data: [[1, { x: 1 }]] } }, "dataframe_split.data[0][1]"],
    ["dataframe_split index of other length", { dataframe_split: { columns: ["a"], data: [[1], [2]], index: [0] } }, "dataframe_split.index"],
    ["dataframe_records empty", { dataframe_records: [] }, "dataframe_records"],
    ["dataframe_records nested cell", { dataframe_records: [{ a: [1] }] }, "dataframe_records[0].a"],
    ["instances empty", { instances: [] }, "instances"],
    ["instances of arrays without column order", { instances: [[1, "x"]] }, "instances[0]"],
    ["instances of scalars", { instances: [5] }, "instances[0]", { columns: ["a"] }],
    ["instances of the wrong width", { instances: [[1, "x"], [1]] }, "instances[1]", { columns: COLUMNS }],
    ["instances with a nested value", { instances: [[1, [2]]] }, "instances[0][1]", { columns: COLUMNS }],
    ["instances object with a nested value", { instances: [{ a: 1 }, { a: { b: 2 } }] }, "instances[1].a"],
    ["columnar inputs empty", { inputs: {} }, "inputs"],
    ["columnar inputs with no rows", { inputs: { a: [] } }, "inputs.a"],
    ["columnar inputs of different lengths", { inputs: { a: [1, 2], b: [1] } }, "inputs.b"],
    ["columnar inputs with a scalar", { inputs: { a: [1], b: 3 } }, "inputs.b"],
    ["columnar inputs with a nested value", { inputs: { a: [1, { x: 1 }] } }, "inputs.a[1]"],
    ["inputs empty list", { inputs: [] }, "inputs"],
    ["positional inputs without column order", { inputs: [{ a: 1 }, [1, "x"]] }, "inputs[1]"],
    ["inputs records with a nested value", { inputs: [{ a: { x: 1 } }] }, "inputs[0].a"],
  ];

  it.each(cases)("%s", (_name, body, field, opts = {}) => {
    expectError(() => parseJson(body, opts), "VALIDATION", field);
  });
});

describe("parseScoreRequest: row limit", () => {
  const three = [{ a: 1 }, { a: 2 }, { a: 3 }];
  const cases: [string, string, string][] = [
    ["rows", JSON.stringify({ rows: three }), "rows"],
    ["dataframe_split", JSON.stringify({ dataframe_split: { columns: ["a"], data: [[1], [2], [3]] } }), "dataframe_split.data"],
    ["dataframe_records", JSON.stringify({ dataframe_records: three }), "dataframe_records"],
    ["instances", JSON.stringify({ instances: three }), "instances"],
    ["inputs records", JSON.stringify({ inputs: three }), "inputs"],
    ["columnar inputs", JSON.stringify({ inputs: { a: [1, 2, 3] } }), "inputs.a"],
  ];

  it.each(cases)("answers TOO_LARGE past maxRows for %s", (_name, text, field) => {
    expectError(() => parse(text, JSON_TYPE, { maxRows: 2 }), "TOO_LARGE", field);
    expect(parse(text, JSON_TYPE, { maxRows: 3 }).rows).toHaveLength(3);
  });

  it("answers TOO_LARGE past maxRows for CSV, not counting the header", () => {
    expectError(() => parse("a\n1\n2\n3\n", CSV_TYPE, { maxRows: 2 }), "TOO_LARGE", "rows");
    expect(parse("a\n1\n2\n", CSV_TYPE, { maxRows: 2 }).rows).toHaveLength(2);
  });
});

describe("parseScoreRequest: CSV", () => {
  const csv = (text: string) => parse(text, CSV_TYPE).rows;

  it("reads quoted values with commas, doubled quotes, line breaks and CRLF", () => {
    const text = 'name,note\r\n"Smith, J","said ""hi"""\r\n"multi\r\nline",plain\r\n';
    expect(csv(text)).toEqual([
      { name: "Smith, J", note: 'said "hi"' },
      { name: "multi\r\nline", note: "plain" },
    ]);
  });

  it("reads a quoted header and a last line without a line break", () => {
    expect(csv('"a,b",c\n1,2')).toEqual([{ "a,b": "1", c: "2" }]);
  });

  it("strips a byte-order mark and skips blank lines", () => {
    expect(csv("\uFEFFa,b\n\n1,2\r\n\r\n3,4\n\n")).toEqual([
      { a: "1", b: "2" },
      { a: "3", b: "4" },
    ]);
  });

  it("turns empty values, quoted or not, into null and keeps spaces and stray quotes", () => {
    expect(csv('a,b,c\n,"",\n x ,a"b,""""\n')).toEqual([
      { a: null, b: null, c: null },
      { a: " x ", b: 'a"b', c: '"' },
    ]);
  });

  it("reads lone CR line ends", () => {
    expect(csv("a\r1\r2")).toEqual([{ a: "1" }, { a: "2" }]);
  });

  const errors: [string, string, string][] = [
    ["an empty body", "", "body"],
    ["only blank lines", "\r\n\n", "body"],
    ["a header without rows", "a,b\n", "rows"],
    ["an unclosed quote", 'a,b\n1,"open\n', "rows[0]"],
    ["an unclosed quote in the header", '"a,b\n1,2\n', "header"],
    ["text after a closing quote", 'a\n1\n"x"y\n', "rows[1]"],
    ["a row of the wrong width", "a,b\n1,2\n3\n", "rows[1]"],
    ["a row that is too wide", "a,b\n1,2,3\n", "rows[0]"],
    ["a duplicate header name", "a,a\n1,2\n", "header[1]"],
    ["an empty header name", ",a\n1,2\n", "header[0]"],
  ];

  it.each(errors)("rejects %s", (_name, text, field) => {
    expectError(() => parse(text, CSV_TYPE), "VALIDATION", field);
  });
});

describe("coerceRows", () => {
  const schema: { name: string; type: ColumnType }[] = [
    { name: "n", type: "number" },
    { name: "i", type: "integer" },
    { name: "b", type: "boolean" },
    { name: "c", type: "category" },
    { name: "t", type: "text" },
    { name: "d", type: "datetime" },
  ];
  const row = (cells: Row): Row => ({ n: 1, i: 1, b: true, c: "x", t: "y", d: "2024-03-01", ...cells });
  const coerce = (rows: Row[]) => coerceRows(rows, schema, { field: "rows" });

  it("reads number texts the way coerceCell does: plain decimals at once, blanks and missing words as null, the rest refused", () => {
    const texts = [
      "0.1234",
      "-3e5",
      "+7",
      ".5",
      "5.",
      "12 ",
      "1e400",
      " 12",
      "\u00a0",
      "\u00a05",
      " ",
      "",
      "-",
      ".",
      "NA",
      "nan",
      "null",
      "None",
      "n/a",
      "0x1A",
      "0b11",
      "1_000",
      "Infinity",
      "-Infinity",
      "1,5",
      "abc",
      "1e",
      "--1",
    ];
    for (const type of ["number", "integer"] as const) {
      for (const text of texts) {
        const expected = coerceCell(text, "number");
        let got: unknown;
        try {
          got = coerceRows([{ v: text }], [{ name: "v", type }], { field: "rows" })[0].v;
        } catch {
          got = undefined; // refused: coerceCell gives null for it, and it is not missing
        }
        if (expected === null && !isMissing(text)) expect(got, `${type} ${JSON.stringify(text)}`).toBeUndefined();
        else expect(got, `${type} ${JSON.stringify(text)}`).toEqual(expected);
      }
    }
  });

  it("converts numeric texts, boolean spellings, scalars to text and keeps datetimes as given", () => {
    const rows = [
      row({ n: "3.5", i: " 2 ", b: "true", c: 3, t: true, d: "2024-03-01T10:00:00Z" }),
      row({ n: -1e3, i: 7, b: "false", c: false, t: 4.5, d: 1_700_000_000_000 }),
      row({ b: "1" }),
      row({ b: "0" }),
      row({ b: 1 }),
      row({ b: 0 }),
      row({ b: false, d: "2024-03-01 10:00" }),
    ];
    expect(coerce(rows)).toEqual([
      row({ n: 3.5, i: 2, b: true, c: "3", t: "true", d: "2024-03-01T10:00:00Z" }),
      row({ n: -1000, i: 7, b: false, c: "false", t: "4.5", d: 1_700_000_000_000 }),
      row({ b: true }),
      row({ b: false }),
      row({ b: true }),
      row({ b: false }),
      row({ b: false, d: "2024-03-01 10:00" }),
    ]);
  });

  it("keeps nulls (the recipe imputes them) and extra columns, without changing its input", () => {
    const input = row({ n: "3", i: null, d: null, itemId: "sku-1", extra: 5 });
    const before = structuredClone(input);
    expect(coerce([input])).toEqual([row({ n: 3, i: null, d: null, itemId: "sku-1", extra: 5 })]);
    expect(input).toEqual(before);
  });

  it("reads missing spellings as null in every column type, as the dataset import does", () => {
    const missing = { n: "", i: "NA", b: "", c: "null", t: "", d: "" };
    expect(coerce([missing, row({ d: "N/A" })])).toEqual([{ n: null, i: null, b: null, c: null, t: null, d: null }, row({ d: null })]);
  });

  it("reports a missing column as required", () => {
    const { n: _dropped, ...withoutN } = row({});
    const error = expectError(() => coerce([row({}), withoutN]), "VALIDATION", "rows[1].n");
    expect(error.errors[0].message).toBe("required column is missing");
  });

  const bad: [string, Row, string][] = [
    ["a word in a number column", row({ n: "abc" }), "rows[0].n"],
    ["a boolean in a number column", row({ n: true }), "rows[0].n"],
    ["a hex literal in an integer column", row({ i: "0x10" }), "rows[0].i"],
    ["a word in a boolean column", row({ b: "maybe" }), "rows[0].b"],
    ["2 in a boolean column", row({ b: 2 }), "rows[0].b"],
    ["a word in a datetime column", row({ d: "yesterday" }), "rows[0].d"],
    ["a boolean in a datetime column", row({ d: true }), "rows[0].d"],
  ];

  it.each(bad)("rejects %s", (_name, input, field) => {
    const error = expectError(() => coerce([input]), "VALIDATION", field);
    expect(error.errors).toHaveLength(1);
  });

  it("says what it expected", () => {
    expect(errorOf(() => coerce([row({ n: "abc" })])).errors[0].message).toMatch(/^expected a number/);
  });

  it("reports several problems at once, at most the first 20, under the given field", () => {
    const two = errorOf(() => coerceRows([row({ n: "x" }), row({ b: "y" })], schema, { field: "dataframe_split.data" }));
    expect(two.errors.map((e) => e.field)).toEqual(["dataframe_split.data[0].n", "dataframe_split.data[1].b"]);
    const many = errorOf(() => coerce(Array.from({ length: 30 }, () => row({ n: "x" }))));
    expect(MAX_FIELD_ERRORS).toBe(20);
    expect(many.errors).toHaveLength(20);
    expect(many.errors[19].field).toBe("rows[19].n");
  });

  it("keeps a column named __proto__ as a column", () => {
    const { rows } = parse('{"rows":[{"__proto__":7}]}');
    const [coerced] = coerceRows(rows, [{ name: "__proto__", type: "category" }], { field: "rows" });
    expect(Object.keys(coerced)).toEqual(["__proto__"]);
    expect(Object.getPrototypeOf(coerced)).toBe(Object.prototype);
  });
});

describe("parseV2InferRequest", () => {
  const columns = ["a", "b", "c"];
  const v2 = (body: unknown, maxRows = 10, cols = columns) => parseV2InferRequest(body, { columns: cols, maxRows });
  const tensor = (name: string, shape: unknown, datatype: string, data: unknown) => ({ name, shape, datatype, data });
  const expected = [
    { a: 1, b: "x", c: true },
    { a: 2, b: "y", c: false },
  ];

  it("reads one tensor per column, [n] or [n, 1], with nested data", () => {
    const body = {
      id: "req-1",
      parameters: { content_type: "pd" },
      inputs: [tensor("a", [2], "FP64", [1, 2]), tensor("b", [2, 1], "BYTES", [["x"], ["y"]]), tensor("c", [2], "BOOL", [true, false])],
      outputs: [{ name: "prediction" }],
    };
    expect(v2(body)).toEqual({ id: "req-1", rows: expected, outputs: ["prediction"] });
  });

  it("reads one [n, c] tensor in the model's column order, flat or nested", () => {
    const nested = v2({
      inputs: [
        tensor("input-0", [2, 3], "FP32", [
          [1, 2, 3],
          [4, 5, 6],
        ]),
      ],
    });
    const flat = v2({ inputs: [tensor("input-0", [2, 3], "FP32", [1, 2, 3, 4, 5, 6])] });
    expect(nested).toEqual({
      rows: [
        { a: 1, b: 2, c: 3 },
        { a: 4, b: 5, c: 6 },
      ],
    });
    expect(flat).toEqual(nested);
  });

  it("reads an [n, 1] tensor as the matrix of a one-column model unless it is named by the column", () => {
    expect(v2({ inputs: [tensor("x", [2, 1], "INT64", [[3], [4]])] }, 10, ["a"]).rows).toEqual([{ a: 3 }, { a: 4 }]);
    expect(v2({ inputs: [tensor("a", [2, 1], "INT64", [3, 4])] }, 10, ["a", "b"]).rows).toEqual([{ a: 3 }, { a: 4 }]);
  });

  const errors: [string, unknown, string][] = [
    ["a body that is not an object", [], "body"],
    ["an unknown top-level key", { inputs: [tensor("a", [1], "FP64", [1])], extra: 1 }, "extra"],
    ["an id that is not a string", { id: 5, inputs: [tensor("a", [1], "FP64", [1])] }, "id"],
    ["no inputs", {}, "inputs"],
    ["empty inputs", { inputs: [] }, "inputs"],
    ["an input that is not an object", { inputs: [tensor("a", [1], "FP64", [1]), 3] }, "inputs[1]"],
    ["an input without a name", { inputs: [{ shape: [1], datatype: "FP64", data: [1] }] }, "inputs[0].name"],
    ["an unknown datatype", { inputs: [tensor("a", [1], "FLOAT", [1])] }, "inputs[0].datatype"],
    ["a negative dim", { inputs: [tensor("a", [-1], "FP64", [1])] }, "inputs[0].shape"],
    ["a fractional dim", { inputs: [tensor("a", [1.5], "FP64", [1])] }, "inputs[0].shape"],
    ["an empty shape", { inputs: [tensor("a", [], "FP64", [1])] }, "inputs[0].shape"],
    ["zero rows", { inputs: [tensor("a", [0], "FP64", [])] }, "inputs[0].shape"],
    ["fewer values than the shape", { inputs: [tensor("a", [2], "FP64", [1]), tensor("b", [2], "FP64", [1, 2])] }, "inputs[0].data"],
    ["more values than the shape", { inputs: [tensor("a", [2], "FP64", [1, 2]), tensor("b", [2], "FP64", [1, 2, 3])] }, "inputs[1].data"],
    ["nested deeper than the shape", { inputs: [tensor("a", [2], "FP64", [[1], [2]])] }, "inputs[0].data"],
    ["data that is not an array", { inputs: [tensor("a", [1], "FP64", 1)] }, "inputs[0].data"],
    ["inputs of different n", { inputs: [tensor("a", [2], "FP64", [1, 2]), tensor("b", [3], "FP64", [1, 2, 3])] }, "inputs[1].shape"],
    ["a column input of width 2", { inputs: [tensor("a", [1], "FP64", [1]), tensor("b", [1, 2], "FP64", [1, 2])] }, "inputs[1].shape"],
    ["a duplicate column", { inputs: [tensor("a", [1], "FP64", [1]), tensor("a", [1], "FP64", [2])] }, "inputs[1].name"],
    ["a matrix of the wrong width", { inputs: [tensor("m", [1, 2], "FP64", [1, 2])] }, "inputs[0].shape"],
    ["a BYTES value that is not a string", { inputs: [tensor("b", [2], "BYTES", ["x", 1])] }, "inputs[0].data"],
    ["a numeric datatype with text", { inputs: [tensor("a", [1], "FP32", ["1.5"])] }, "inputs[0].data"],
    ["an integer datatype with a fraction", { inputs: [tensor("a", [1], "INT32", [2.5])] }, "inputs[0].data"],
    ["an unsigned datatype with a negative", { inputs: [tensor("a", [1], "UINT8", [-1])] }, "inputs[0].data"],
    ["BOOL with a number", { inputs: [tensor("c", [1], "BOOL", [1])] }, "inputs[0].data"],
    ["outputs that are not a list", { inputs: [tensor("a", [1], "FP64", [1])], outputs: { name: "x" } }, "outputs"],
    ["an output without a name", { inputs: [tensor("a", [1], "FP64", [1])], outputs: [{ name: "x" }, {}] }, "outputs[1].name"],
  ];

  it.each(errors)("rejects %s", (_name, body, field) => {
    expectError(() => v2(body), "VALIDATION", field);
  });

  it("answers TOO_LARGE past maxRows", () => {
    const body = { inputs: [tensor("a", [3], "FP64", [1, 2, 3])] };
    expectError(() => v2(body, 2), "TOO_LARGE", "inputs[0].shape");
    expect(v2(body, 3).rows).toHaveLength(3);
  });
});

describe("v2InferResponse", () => {
  const respond = (predictions: Parameters<typeof v2InferResponse>[0]["predictions"]) =>
    v2InferResponse({ modelName: "house-prices", modelVersion: "3", id: "req-1", predictions });

  it("answers numbers as one FP64 prediction tensor", () => {
    expect(respond([1.5, 2])).toEqual({
      model_name: "house-prices",
      model_version: "3",
      id: "req-1",
      outputs: [{ name: "prediction", datatype: "FP64", shape: [2], data: [1.5, 2] }],
    });
  });

  it("answers classifications as labels and a row-major [n, classes] probability tensor", () => {
    const outputs = respond([
      { label: "yes", probabilities: { yes: 0.8, no: 0.2 } },
      { label: "no", probabilities: { no: 0.7, yes: 0.3 } },
    ]).outputs;
    expect(outputs).toEqual([
      { name: "label", datatype: "BYTES", shape: [2], data: ["yes", "no"] },
      { name: "probabilities", datatype: "FP64", shape: [2, 2], data: [0.8, 0.2, 0.3, 0.7], parameters: { labels: ["yes", "no"] } },
    ]);
  });

  it("answers recommendations as [n, k] items and scores, padding shorter lists", () => {
    const outputs = respond([
      [{ itemId: "c", score: 0.7 }],
      [
        { itemId: "a", score: 0.9 },
        { itemId: "b", score: 0.5 },
      ],
    ]).outputs;
    expect(outputs).toEqual([
      { name: "items", datatype: "BYTES", shape: [2, 2], data: ["c", "", "a", "b"] },
      { name: "scores", datatype: "FP64", shape: [2, 2], data: [0.7, 0, 0.9, 0.5] },
    ]);
  });

  it("refuses predictions that mix kinds", () => {
    expect(errorOf(() => respond([1, { label: "a", probabilities: { a: 1 } }])).code).toBe("INTERNAL");
  });
});
