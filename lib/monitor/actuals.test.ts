import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/shared/errors";
import {
  actualFor,
  bucketStart,
  indexRowsByKeys,
  loggedPrediction,
  matchKeys,
  normalizeKeyCell,
  outputRowPrediction,
  pairMetrics,
  parseActualItems,
  parseActualsCsv,
  performanceSeries,
} from "./actuals";

function fields(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    return (e as AppError).errors.map((x) => x.field);
  }
  throw new Error("expected a validation error");
}

describe("parseActualItems", () => {
  it("reads request items (row defaults to 0) and key items, keeping their index", () => {
    const items = parseActualItems({
      items: [
        { requestId: "req_1", actual: 3 },
        { requestId: "req_1", row: 2, actual: 4 },
        { keys: { Store: 2, Brand: "tropicana" }, actual: 9000 },
      ],
    });
    expect(items).toEqual([
      { index: 0, requestId: "req_1", row: 0, actual: 3 },
      { index: 1, requestId: "req_1", row: 2, actual: 4 },
      { index: 2, keys: { Store: 2, Brand: "tropicana" }, actual: 9000 },
    ]);
  });

  it("names every bad item's field", () => {
    expect(
      fields(() =>
        parseActualItems({
          items: [{ actual: 1 }, { requestId: "r", row: -1, actual: 1 }, { keys: {}, actual: 2 }, { requestId: "r" }, { requestId: 5, actual: 1 }],
        }),
      ),
    ).toEqual(["items[0].requestId", "items[1].row", "items[2].keys", "items[3].actual", "items[4].requestId"]);
    expect(fields(() => parseActualItems({}))).toEqual(["items"]);
    expect(fields(() => parseActualItems({ items: [] }))).toEqual(["items"]);
    expect(fields(() => parseActualItems({ items: [{ keys: { a: { b: 1 } }, actual: 1 }] }))).toEqual(["items[0].keys.a"]);
  });
});

describe("parseActualsCsv", () => {
  it("turns key columns plus actual into key items", () => {
    const items = parseActualsCsv("Store,Brand,WeekStarting,actual\n2,dominicks,1992-06-04,11200\n5,tropicana,1992-06-04,8100\n");
    expect(items).toEqual([
      { index: 0, keys: { Store: "2", Brand: "dominicks", WeekStarting: "1992-06-04" }, actual: "11200" },
      { index: 1, keys: { Store: "5", Brand: "tropicana", WeekStarting: "1992-06-04" }, actual: "8100" },
    ]);
  });

  it("reads requestId and row columns as request items, and needs an actual column", () => {
    expect(parseActualsCsv("requestId,row,actual\nreq_a,1,2.5\n")).toEqual([{ index: 0, requestId: "req_a", row: 1, actual: "2.5" }]);
    expect(fields(() => parseActualsCsv("Store,value\n1,2\n"))).toEqual(["columns.actual"]);
  });
});

describe("matching", () => {
  it("finds a logged request's row, or says why not", () => {
    expect(loggedPrediction({ status: 200, outputs: [1.5, 2.5] }, 1)).toEqual({ prediction: 2.5 });
    expect(loggedPrediction(undefined, 0)).toHaveProperty("reason");
    expect(loggedPrediction({ status: 422, outputs: null }, 0)).toHaveProperty("reason");
    expect(loggedPrediction({ status: 200, outputs: [1] }, 3)).toHaveProperty("reason");
  });

  it("compares key cells as strings, numbers by value and datetimes by instant", () => {
    expect(normalizeKeyCell(2)).toBe(normalizeKeyCell("2"));
    expect(normalizeKeyCell("2.0")).toBe(normalizeKeyCell(2));
    expect(normalizeKeyCell("1992-06-04")).toBe(normalizeKeyCell("1992-06-04T00:00:00.000Z"));
    expect(normalizeKeyCell("1992-06-04")).not.toBe(normalizeKeyCell("1992-06-11"));
    expect(normalizeKeyCell(" tropicana ")).toBe("tropicana");
  });

  it("joins keys to the batch output row with those values", () => {
    const rows = [
      { row: 0, Store: 2, Brand: "dominicks", WeekStarting: "1992-06-04T00:00:00.000Z", prediction: 10, error: null },
      { row: 1, Store: 2, Brand: "tropicana", WeekStarting: "1992-06-04T00:00:00.000Z", prediction: 20, error: null },
      { row: 2, Store: 5, Brand: "tropicana", WeekStarting: "1992-06-04T00:00:00.000Z", prediction: 30, error: null },
    ];
    const columns = Object.keys(rows[0]);
    const indexFor = (cols: string[]) => indexRowsByKeys(rows, cols);
    expect(matchKeys({ Store: "2", Brand: "tropicana", WeekStarting: "1992-06-04" }, columns, indexFor)).toEqual({ row: rows[1] });
    expect(matchKeys({ Store: "9", Brand: "tropicana", WeekStarting: "1992-06-04" }, columns, indexFor)).toHaveProperty("reason");
    expect(matchKeys({ Shop: "2" }, columns, indexFor)).toEqual({ reason: 'the batch output has no column "Shop"' });
  });

  it("reads a class output row as a prediction with probabilities, and checks actuals per task", () => {
    expect(outputRowPrediction({ prediction: "yes", probability_no: 0.2, probability_yes: 0.8 })).toEqual({
      label: "yes",
      probabilities: { no: 0.2, yes: 0.8 },
    });
    expect(outputRowPrediction({ prediction: 4.5 })).toBe(4.5);
    expect(actualFor("regression", "12.5")).toEqual({ value: 12.5 });
    expect(actualFor("forecasting", "many")).toHaveProperty("reason");
    expect(actualFor("classification", true)).toEqual({ value: "true" });
  });
});

describe("performance", () => {
  const at = new Date("2024-03-06T10:00:00Z"); // a Wednesday
  it("measures regression pairs with the training metrics", () => {
    const m = pairMetrics("regression", [
      { prediction: 1, actual: 2, predictedAt: at },
      { prediction: 3, actual: 3, predictedAt: at },
    ]);
    expect(m.rows).toBe(2);
    expect(m.mae).toBeCloseTo(0.5);
    expect(m.rmse).toBeCloseTo(Math.sqrt(0.5));
  });

  it("measures classes from the probabilities", () => {
    const m = pairMetrics("classification", [
      { prediction: { label: "a", probabilities: { a: 0.9, b: 0.1 } }, actual: "a", predictedAt: at },
      { prediction: { label: "a", probabilities: { a: 0.6, b: 0.4 } }, actual: "b", predictedAt: at },
    ]);
    expect(m.accuracy).toBe(0.5);
    expect(m.rows).toBe(2);
  });

  it("gives null metrics and 0 rows when nothing matched", () => {
    expect(pairMetrics("forecasting", [])).toEqual({ mape: null, wape: null, rmse: null, mae: null, rows: 0 });
  });

  it("buckets by UTC day and by week from Monday", () => {
    expect(bucketStart(at, "day").toISOString()).toBe("2024-03-06T00:00:00.000Z");
    expect(bucketStart(at, "week").toISOString()).toBe("2024-03-04T00:00:00.000Z");
    const series = performanceSeries(
      "regression",
      [
        { prediction: 1, actual: 1, predictedAt: new Date("2024-03-05T00:00:00Z") },
        { prediction: 1, actual: 3, predictedAt: at },
      ],
      "day",
    );
    expect(series.map((s) => [s.start, s.rows, s.mae])).toEqual([
      ["2024-03-05T00:00:00.000Z", 1, 0],
      ["2024-03-06T00:00:00.000Z", 1, 2],
    ]);
  });
});
