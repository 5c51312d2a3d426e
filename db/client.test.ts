import { describe, expect, it } from "vitest";
import { migrateRacing } from "./client";

describe("migrateRacing", () => {
  it("migrates again after losing the race to the other process (its tables already made)", () => {
    let calls = 0;
    migrateRacing(() => {
      if (++calls === 1) throw new Error("table `projects` already exists");
    });
    expect(calls).toBe(2);
  });

  it("throws the error of a migration that fails every time", () => {
    let calls = 0;
    expect(() =>
      migrateRacing(() => {
        calls++;
        throw new Error(`broken migration ${calls}`);
      }),
    ).toThrow("broken migration 3");
  });
});
