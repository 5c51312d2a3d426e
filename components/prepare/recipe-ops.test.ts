import { describe, expect, it } from "vitest";
import { recipeStep } from "@/lib/prepare/recipe-schema";
import { defaultStep, OP_HINTS, OP_LABELS, RECIPE_OPS } from "./recipe-ops";

describe("defaultStep", () => {
  const ctx = { firstColumn: "price", timeColumn: "week" };

  it("makes a step of every op that the server takes once its columns are picked", () => {
    for (const op of RECIPE_OPS) {
      const step = defaultStep(op, ctx);
      expect(step.op).toBe(op);
      const picked = "columns" in step ? { ...step, columns: ["price"] } : step;
      expect(recipeStep.safeParse(picked).success, op).toBe(true);
    }
  });

  it("leaves the columns to the person, and starts a filter and a lag from the context's columns", () => {
    expect(defaultStep("scale", ctx)).toEqual({ op: "scale", columns: [], method: "standard" });
    expect(defaultStep("filter", ctx)).toEqual({ op: "filter", column: "price", operator: "notnull" });
    expect(defaultStep("lag", ctx)).toEqual({ op: "lag", columns: [], lags: [1], timeColumn: "week" });
  });

  it("names and explains every op", () => {
    for (const op of RECIPE_OPS) {
      expect(OP_LABELS[op]).toBeTruthy();
      expect(OP_HINTS[op]).toBeTruthy();
    }
  });
});
