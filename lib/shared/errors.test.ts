import { describe, expect, it } from "vitest";
import { AppError, describeFields, invalidField, invalidFields, validation } from "./errors";

describe("validation errors", () => {
  it("validation: the message is the detail and the one field's message", () => {
    const e = validation("name", "name is required.");
    expect(e).toBeInstanceOf(AppError);
    expect(e.code).toBe("VALIDATION");
    expect(e.message).toBe("name is required.");
    expect(e.errors).toEqual([{ field: "name", message: "name is required." }]);
  });

  it("invalidFields: keeps every field and names the first in the detail, then what follows", () => {
    const errors = [
      { field: "steps.2.columns", message: "unknown column" },
      { field: "steps.3.value", message: "expected a number" },
    ];
    const e = invalidFields(errors);
    expect(e.code).toBe("VALIDATION");
    expect(e.message).toBe("steps.2.columns: unknown column");
    expect(e.errors).toEqual(errors);
    expect(invalidFields(errors, " (and 1 more)").message).toBe("steps.2.columns: unknown column (and 1 more)");
  });

  it("invalidField: one field, named in the detail", () => {
    const e = invalidField("rows.0.age", "expected a number");
    expect(e.code).toBe("VALIDATION");
    expect(e.message).toBe("rows.0.age: expected a number");
    expect(e.errors).toEqual([{ field: "rows.0.age", message: "expected a number" }]);
  });

  it("describeFields: every field with its message, joined by semicolons", () => {
    expect(
      describeFields([
        { field: "cron", message: "not a cron expression" },
        { field: "reportId", message: "unknown" },
      ]),
    ).toBe("cron: not a cron expression; reportId: unknown");
    expect(describeFields([])).toBe("");
  });
});
