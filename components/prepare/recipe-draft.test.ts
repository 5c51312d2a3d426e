import { describe, expect, it } from "vitest";
import { canonicalJson } from "./recipe-draft";

describe("canonicalJson", () => {
  it("gives two equal recipes the same text, whatever their key order and undefined fields", () => {
    const a = { target: "y", split: { method: "random", validation: 0.2, seed: undefined }, steps: [{ op: "log", columns: ["x"] }] };
    const b = { steps: [{ columns: ["x"], op: "log" }], split: { validation: 0.2, method: "random" }, target: "y", features: undefined };
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    expect(canonicalJson(a)).toBe('{"split":{"method":"random","validation":0.2},"steps":[{"columns":["x"],"op":"log"}],"target":"y"}');
  });

  it("keeps array order, which is the order of the steps", () => {
    expect(canonicalJson({ steps: [2, 1] })).not.toBe(canonicalJson({ steps: [1, 2] }));
  });
});
