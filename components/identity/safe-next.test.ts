import { describe, expect, it } from "vitest";
import { safeNext } from "./safe-next";

describe("safeNext", () => {
  it("keeps a path of this site, with its query", () => {
    expect(safeNext("/projects/p1/train?run=r2")).toBe("/projects/p1/train?run=r2");
  });

  it("sends anything else home", () => {
    for (const next of [null, undefined, "", "projects", "https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)"]) {
      expect(safeNext(next)).toBe("/");
    }
  });
});
