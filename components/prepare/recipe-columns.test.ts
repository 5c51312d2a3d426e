import { describe, expect, it } from "vitest";
import type { ColumnInfo, ColumnType, Row } from "@/lib/data/types";
import { columnFits, fitRecipe, validateRecipe } from "@/lib/prepare/recipe";
import type { RecipeStep } from "@/lib/prepare/recipe-schema";
import { columnsBeforeStep, errorsUnder } from "./recipe-columns";

const col = (name: string, type: ColumnType): ColumnInfo => ({ name, type, inferredType: type, nullCount: 0 });

const columns = [
  col("price", "number"),
  col("qty", "integer"),
  col("count", "integer"),
  col("ratio", "integer"),
  col("city", "category"),
  col("when", "datetime"),
  col("note", "text"),
  col("flag", "boolean"),
  col("y", "number"),
];
const rows: Row[] = [
  { price: 12.5, qty: 3, count: 4, ratio: 1, city: "Oslo", when: "2024-01-05T00:00:00.000Z", note: "a", flag: true, y: 1 },
  { price: 80, qty: null, count: 7, ratio: 2, city: "Bergen", when: "2024-01-06T00:00:00.000Z", note: "b", flag: false, y: 2 },
  { price: 140, qty: 5, count: 12, ratio: 3, city: "Oslo", when: "2024-01-07T00:00:00.000Z", note: "c", flag: true, y: 3 },
];
const target = "y";
const features = columns.map((c) => c.name).filter((n) => n !== target);

/** One step of every op, each changing the columns its own way. */
const steps: RecipeStep[] = [
  { op: "impute", columns: ["qty"], strategy: "mean" },
  { op: "clip", columns: ["count"], min: 0, max: 10 },
  { op: "clip", columns: ["ratio"], min: 0.5 },
  { op: "scale", columns: ["price"], method: "standard" },
  { op: "log", columns: ["qty"] },
  { op: "onehot", columns: ["city"] },
  { op: "datepart", columns: ["when"], parts: ["year", "month"] },
  { op: "lag", columns: ["count"], lags: [1, 2], timeColumn: "when" },
  { op: "filter", column: "flag", operator: "==", value: true },
  { op: "drop", columns: ["note"] },
];

describe("columnsBeforeStep", () => {
  it("gives the columns the server has before every step, whatever the op", () => {
    // The builder takes one-hot outputs from the last preview, which holds the whole recipe's columns.
    const preview = fitRecipe({ target, features, steps }, rows, columns).outputColumns;
    for (let i = 0; i <= steps.length; i++) {
      const server = fitRecipe({ target, features, steps: steps.slice(0, i) }, rows, columns).outputColumns.map(({ name, type }) => ({ name, type }));
      const builder = columnsBeforeStep(columns, target, features, steps, i, preview).filter((c) => c.name !== target);
      expect(builder, `before steps.${i}`).toEqual(server);
    }
  });

  it("types clipped integers as the server does: integer within whole bounds, number otherwise", () => {
    const after = columnsBeforeStep(columns, target, features, steps, 3);
    expect(after.find((c) => c.name === "count")?.type).toBe("integer");
    expect(after.find((c) => c.name === "ratio")?.type).toBe("number");
  });

  it("leaves a non-numeric column's type after scale or log, so a later number step is refused by both", () => {
    for (const op of ["scale", "log"] as const) {
      const first: RecipeStep = op === "scale" ? { op, columns: ["city"], method: "minmax" } : { op, columns: ["city"] };
      const clip: RecipeStep = { op: "clip", columns: ["city"], min: 0 };
      const recipe = [first, clip];
      const city = columnsBeforeStep(columns, target, features, recipe, 1).find((c) => c.name === "city")!;
      expect(city.type).toBe("category");
      expect(columnFits(clip, city, target)).toBe(false);
      expect(validateRecipe({ target, features, steps: recipe }, columns).map((e) => e.field)).toEqual(["steps.0.columns", "steps.1.columns"]);
    }
  });
});

describe("columnFits", () => {
  const templates: RecipeStep[] = [
    { op: "impute", columns: [], strategy: "mean" },
    { op: "impute", columns: [], strategy: "median" },
    { op: "impute", columns: [], strategy: "mode" },
    { op: "scale", columns: [], method: "standard" },
    { op: "log", columns: [] },
    { op: "clip", columns: [], min: 0 },
    { op: "onehot", columns: [] },
    { op: "drop", columns: [] },
    { op: "datepart", columns: [], parts: ["year"] },
    { op: "lag", columns: [], lags: [1], timeColumn: "when" },
  ];

  it("offers a column exactly when the server accepts it, for every op and column type", () => {
    for (const template of templates) {
      for (const column of columns) {
        const step = { ...template, columns: [column.name] } as RecipeStep;
        const refused = errorsUnder(validateRecipe({ target, features, steps: [step] }, columns), "steps.0").some((e) => e.field === "columns");
        expect(columnFits(step, column, target), `${JSON.stringify(template)} on ${column.name} (${column.type})`).toBe(!refused);
      }
    }
  });
});
