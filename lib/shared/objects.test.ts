import { describe, expect, expectTypeOf, it } from "vitest";
import { withoutUndefined } from "./objects";

describe("withoutUndefined", () => {
  it("drops undefined values and keeps every other, null and falsy ones too", () => {
    expect(withoutUndefined({ a: 1, b: undefined, c: null, d: 0, e: "", f: false })).toEqual({ a: 1, c: null, d: 0, e: "", f: false });
    expect(Object.keys(withoutUndefined({ a: undefined }))).toEqual([]);
  });

  it("lets defaults show through a spread", () => {
    const defaults = { epochs: 10, rate: 0.1 };
    expect({ ...defaults, ...withoutUndefined({ epochs: undefined, rate: 0.5 }) }).toEqual({ epochs: 10, rate: 0.5 });
  });

  it("keeps the input's type, whose keys that may be undefined read undefined when dropped", () => {
    const given: { item: string; user?: string } = { item: "sku", user: undefined };
    const out = withoutUndefined(given);
    expectTypeOf(out).toEqualTypeOf<{ item: string; user?: string }>();
    expect(out.user).toBeUndefined();
    expect("user" in out).toBe(false);
  });
});
