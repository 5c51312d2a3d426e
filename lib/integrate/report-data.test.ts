import { describe, expect, it } from "vitest";
import { actualsOf, chartRows, forecastError, normalizeTime, pointsOf, reportCsv, shapeReport, SINGLE_SERIES, totalOf, TOTAL } from "./report-data";

/** Two stores × one brand of weekly sales, with the history's dates already coerced to ISO (as datasets store them). */
const historyRows = [
  { WeekStarting: "1992-08-27T00:00:00.000Z", Store: "10", Brand: "tropicana", Quantity: 100 },
  { WeekStarting: "1992-08-27T00:00:00.000Z", Store: "2", Brand: "tropicana", Quantity: 40 },
  { WeekStarting: "1992-09-03T00:00:00.000Z", Store: "2", Brand: "tropicana", Quantity: 50 },
  { WeekStarting: "1992-09-03T00:00:00.000Z", Store: "10", Brand: "tropicana", Quantity: 110 },
  { WeekStarting: null, Store: "2", Brand: "tropicana", Quantity: 7 },
  { WeekStarting: "1992-08-20T00:00:00.000Z", Store: "2", Brand: "tropicana", Quantity: null },
];
/** A batch output: the future weeks as the file wrote them (plain dates, Store a number), with `prediction`. */
const forecastRows = [
  { WeekStarting: "1992-09-10", Store: 2, Brand: "tropicana", prediction: 55.5 },
  { WeekStarting: "1992-09-10", Store: 10, Brand: "tropicana", prediction: 120 },
  { WeekStarting: "1992-09-17", Store: 2, Brand: "tropicana", prediction: 60 },
  { WeekStarting: "1992-09-17", Store: 10, Brand: "tropicana", prediction: null },
];
const shape = () => shapeReport({ historyRows, forecastRows, timeColumn: "WeekStarting", valueColumn: "Quantity", seriesColumns: ["Store", "Brand"] });

describe("shapeReport", () => {
  it("joins history and forecast by series label and normalised time, dropping rows without a time or a number", () => {
    const s = shape();
    expect(s.series).toEqual(["2 · tropicana", "10 · tropicana"]);
    expect(s.history).toEqual([
      { series: "2 · tropicana", time: "1992-08-27T00:00:00.000Z", value: 40 },
      { series: "2 · tropicana", time: "1992-09-03T00:00:00.000Z", value: 50 },
      { series: "10 · tropicana", time: "1992-08-27T00:00:00.000Z", value: 100 },
      { series: "10 · tropicana", time: "1992-09-03T00:00:00.000Z", value: 110 },
    ]);
    expect(s.forecast).toEqual([
      { series: "2 · tropicana", time: "1992-09-10T00:00:00.000Z", value: 55.5 },
      { series: "2 · tropicana", time: "1992-09-17T00:00:00.000Z", value: 60 },
      { series: "10 · tropicana", time: "1992-09-10T00:00:00.000Z", value: 120 },
    ]);
    expect(s.boundary).toBe("1992-09-03T00:00:00.000Z");
  });

  it("treats a report without series columns as one series", () => {
    const s = shapeReport({ historyRows, forecastRows, timeColumn: "WeekStarting", valueColumn: "Quantity", seriesColumns: [] });
    expect(s.series).toEqual([SINGLE_SERIES]);
    expect(s.history).toHaveLength(4);
  });

  it("reads a numeric text value and keeps period numbers as periods", () => {
    const s = shapeReport({
      historyRows: [
        { t: 3, v: "4.5" },
        { t: 12, v: "x" },
      ],
      forecastRows: [{ t: 13, prediction: 5 }],
      timeColumn: "t",
      valueColumn: "v",
      seriesColumns: [],
    });
    expect(s.history).toEqual([{ series: SINGLE_SERIES, time: "3", value: 4.5 }]);
    expect(s.boundary).toBe("3");
  });
});

describe("totals", () => {
  it("sums every series per time, in time order", () => {
    const s = shape();
    expect(totalOf(s.history)).toEqual([
      { series: TOTAL, time: "1992-08-27T00:00:00.000Z", value: 140 },
      { series: TOTAL, time: "1992-09-03T00:00:00.000Z", value: 160 },
    ]);
    // The week with a failed prediction sums what there is.
    expect(totalOf(s.forecast).map((p) => p.value)).toEqual([175.5, 60]);
    expect(pointsOf(s.forecast, TOTAL)).toEqual(totalOf(s.forecast));
    expect(pointsOf(s.forecast, "10 · tropicana")).toEqual([{ series: "10 · tropicana", time: "1992-09-10T00:00:00.000Z", value: 120 }]);
  });
});

describe("chartRows", () => {
  it("puts history and forecast on one time axis, the forecast line starting at the last history point", () => {
    const s = shape();
    const rows = chartRows(pointsOf(s.history, "2 · tropicana"), pointsOf(s.forecast, "2 · tropicana"));
    expect(rows).toEqual([
      { time: "1992-08-27T00:00:00.000Z", history: 40 },
      { time: "1992-09-03T00:00:00.000Z", history: 50, forecast: 50 },
      { time: "1992-09-10T00:00:00.000Z", forecast: 55.5 },
      { time: "1992-09-17T00:00:00.000Z", forecast: 60 },
    ]);
  });

  it("does not bridge when the forecast overlaps the history", () => {
    const rows = chartRows([{ series: "a", time: "2", value: 1 }], [{ series: "a", time: "1", value: 3 }]);
    expect(rows).toEqual([
      { time: "1", forecast: 3 },
      { time: "2", history: 1 },
    ]);
  });
});

describe("normalizeTime and reportCsv", () => {
  it("reads dates in any usual form as ISO, other text as is", () => {
    expect(normalizeTime("1992-09-10")).toBe("1992-09-10T00:00:00.000Z");
    expect(normalizeTime("1992-09-10T00:00:00.000Z")).toBe("1992-09-10T00:00:00.000Z");
    expect(normalizeTime("Week 12")).toBe("Week 12");
    expect(normalizeTime(null)).toBeNull();
    expect(normalizeTime("")).toBeNull();
  });

  it("writes what is shown, quoting where needed", () => {
    const csv = reportCsv([{ series: "a, b", time: "1", value: 2 }], [{ series: "a, b", time: "2", value: 3.5 }]);
    expect(csv).toBe('series,time,kind,value\n"a, b",1,history,2\n"a, b",2,forecast,3.5\n');
  });

  it("writes a series name a spreadsheet would run as a formula as text; negative values stay numbers", () => {
    const csv = reportCsv([{ series: '=HYPERLINK("http://evil.example")', time: "@1", value: -5 }], [{ series: "-cmd", time: "2", value: -1.5e3 }]);
    expect(csv).toBe('series,time,kind,value\n"\'=HYPERLINK(""http://evil.example"")",\'@1,history,-5\n\'-cmd,2,forecast,-1500\n');
  });
});

describe("actuals that arrive after the forecast", () => {
  /** Actuals as the server joins them: the output row's time and series, the actual, the prediction matched. */
  const actualRows = [
    { WeekStarting: "1992-09-10", Store: 2, Brand: "tropicana", actual: 50, predicted: 55.5 },
    { WeekStarting: "1992-09-10", Store: 10, Brand: "tropicana", actual: 100, predicted: 120 },
    { WeekStarting: "1992-09-17", Store: 2, Brand: "tropicana", actual: 70, predicted: 60 },
    // Posted again later for the same week and store: the newer value replaces the first.
    { WeekStarting: "1992-09-17", Store: 2, Brand: "tropicana", actual: 66, predicted: 60 },
    { WeekStarting: "1992-09-24", Store: 2, Brand: "tropicana", actual: "n/a", predicted: 60 },
  ];
  const s = () =>
    shapeReport({ historyRows, forecastRows, actualRows, timeColumn: "WeekStarting", valueColumn: "Quantity", seriesColumns: ["Store", "Brand"] });

  it("become one actual point per series and time, the last posted winning, rows without a number left out", () => {
    expect(s().actual).toEqual([
      { series: "2 · tropicana", time: "1992-09-10T00:00:00.000Z", value: 50, predicted: 55.5 },
      { series: "2 · tropicana", time: "1992-09-17T00:00:00.000Z", value: 66, predicted: 60 },
      { series: "10 · tropicana", time: "1992-09-10T00:00:00.000Z", value: 100, predicted: 120 },
    ]);
    expect(shape().actual).toEqual([]);
  });

  it("give the forecast error of a series: MAE, WAPE and bias against the forecast each was matched to", () => {
    const e = forecastError(actualsOf(s().actual, "2 · tropicana"))!;
    expect(e.periods).toBe(2);
    expect(e.mae).toBeCloseTo((5.5 + 6) / 2, 10);
    expect(e.wape).toBeCloseTo(11.5 / 116, 10);
    expect(e.bias).toBeCloseTo((5.5 - 6) / 116, 10);
    expect(forecastError([])).toBeNull();
    expect(forecastError([{ series: "x", time: "1", value: 0, predicted: 2 }])).toEqual({ periods: 1, mae: 2, wape: null, bias: null });
  });

  it("sum per time over the series that have them for the total", () => {
    const total = actualsOf(s().actual, TOTAL);
    expect(total).toEqual([
      { series: TOTAL, time: "1992-09-10T00:00:00.000Z", value: 150, predicted: 175.5 },
      { series: TOTAL, time: "1992-09-17T00:00:00.000Z", value: 66, predicted: 60 },
    ]);
    expect(forecastError(total)!.wape).toBeCloseTo((25.5 + 6) / 216, 10);
  });

  it("are drawn on the chart's time axis and exported as their own kind", () => {
    const a = actualsOf(s().actual, "2 · tropicana");
    const rows = chartRows(pointsOf(s().history, "2 · tropicana"), pointsOf(s().forecast, "2 · tropicana"), a);
    expect(rows.find((r) => r.time === "1992-09-10T00:00:00.000Z")).toEqual({ time: "1992-09-10T00:00:00.000Z", forecast: 55.5, actual: 50 });
    expect(reportCsv([], [], a).trim().split("\n")).toEqual([
      "series,time,kind,value",
      "2 · tropicana,1992-09-10T00:00:00.000Z,actual,50",
      "2 · tropicana,1992-09-17T00:00:00.000Z,actual,66",
    ]);
  });
});
