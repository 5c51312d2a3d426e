import { describe, expect, it } from "vitest";
import { bodyFromForm, columnOfField, formColumns, inputKind, pythonLiteral, snippet } from "./endpoint-request";

const schema = [
  { name: "price", type: "number" },
  { name: "qty", type: "integer" },
  { name: "promo", type: "boolean" },
  { name: "store", type: "category" },
];

describe("the test console's request", () => {
  it("enters numbers, booleans and text each their way", () => {
    expect(schema.map((c) => inputKind(c.type))).toEqual(["number", "number", "boolean", "text"]);
    expect(inputKind("datetime")).toBe("text");
  });

  it("makes one row: numbers as numbers, empty as null, text as typed", () => {
    const body = bodyFromForm({ recommendation: false, schema, values: { price: " 2.5 ", qty: "", promo: "true", store: " S1 " }, k: "" });
    expect(body).toEqual({ rows: [{ price: 2.5, qty: null, promo: true, store: " S1 " }] });
  });

  it("sends what is not a number as typed, so the endpoint names the field", () => {
    const body = bodyFromForm({ recommendation: false, schema, values: { price: "cheap", promo: "maybe" }, k: "" });
    expect(body).toEqual({ rows: [{ price: "cheap", qty: null, promo: "maybe", store: null }] });
  });

  it("asks a recommender for an item and k", () => {
    expect(bodyFromForm({ recommendation: true, schema, values: { itemId: "sku-1" }, k: "5" })).toEqual({ rows: [{ itemId: "sku-1" }], k: 5 });
    expect(bodyFromForm({ recommendation: true, schema, values: {}, k: "" })).toEqual({ rows: [{ itemId: null }] });
    expect(bodyFromForm({ recommendation: true, schema, values: { itemId: "a" }, k: "lots" })).toEqual({ rows: [{ itemId: "a" }], k: "lots" });
    expect(formColumns(true, schema)).toEqual([{ name: "itemId", type: "category" }]);
    expect(formColumns(false, schema)).toBe(schema);
  });

  it("finds the column a first-row field error is about", () => {
    expect(columnOfField("rows[0].price")).toBe("price");
    expect(columnOfField("rows[1].price")).toBeNull();
    expect(columnOfField("k")).toBeNull();
  });
});

describe("snippets", () => {
  const url = "https://wb.example/api/endpoints/o'j/score";
  const body = '{"rows":[{"price":2.5,"promo":true,"store":null}]}';

  it("quote a curl command's URL and body for the shell", () => {
    const s = snippet("curl", url, body);
    expect(s).toContain(`'https://wb.example/api/endpoints/o'\\''j/score'`);
    expect(s).toContain('-H "Authorization: Bearer $WORKBENCH_KEY"');
    expect(s).toContain(`-d '${body}'`);
  });

  it("write Python's literals for JSON's", () => {
    expect(pythonLiteral({ a: [true, false, null], b: "x" })).toBe('{\n    "a": [\n        True,\n        False,\n        None,\n    ],\n    "b": "x",\n}');
    expect(pythonLiteral(Number.NaN)).toBe("None");
    expect(pythonLiteral([])).toBe("[]");
    const s = snippet("python", url, body);
    expect(s).toContain("json={");
    expect(s).toContain('"promo": True');
    expect(s).not.toContain("Content-Type");
  });

  it("send text that is not JSON as it is, saying its content type", () => {
    expect(snippet("python", url, "price=2")).toContain('data="price=2"');
    expect(snippet("python", url, "price=2")).toContain('"Content-Type": "application/json"');
    expect(snippet("javascript", url, "price=2")).toContain('body: "price=2"');
  });

  it("read the key from the environment in JavaScript", () => {
    const s = snippet("javascript", url, body);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the snippet's own template literal, as text
    expect(s).toContain("Authorization: `Bearer ${process.env.WORKBENCH_KEY}`");
    expect(s).toContain('"price": 2.5');
  });
});
