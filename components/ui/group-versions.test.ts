import { describe, expect, it } from "vitest";
import { groupVersions } from "./group-versions";

describe("groupVersions", () => {
  it("groups by name in first-seen order, each group newest version first", () => {
    const items = [
      { name: "sales", version: 1 },
      { name: "churn", version: 2 },
      { name: "sales", version: 3 },
      { name: "churn", version: 1 },
      { name: "sales", version: 2 },
    ];
    expect(groupVersions(items)).toEqual([
      [
        "sales",
        [
          { name: "sales", version: 3 },
          { name: "sales", version: 2 },
          { name: "sales", version: 1 },
        ],
      ],
      [
        "churn",
        [
          { name: "churn", version: 2 },
          { name: "churn", version: 1 },
        ],
      ],
    ]);
    expect(items[0]).toEqual({ name: "sales", version: 1 });
  });

  it("answers no groups for no items", () => {
    expect(groupVersions([])).toEqual([]);
  });
});
