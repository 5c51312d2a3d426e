import { cellText, cellToNumber } from "@/lib/shared/cells";
import { csvCell } from "@/lib/shared/csv";

/**
 * The report join, in plain data (browser-safe): rows of a history dataset and rows of a batch
 * job's output become one value over time per series, history beside forecast; the total sums
 * the series per time; the chart and CSV take what the page shows.
 */

export type ReportCell = string | number | boolean | null | undefined;
export type ReportRowIn = Record<string, ReportCell>;

export interface ReportPoint {
  /** The series' label: its series columns' values joined by " · " ("2 · dominicks"). */
  series: string;
  /** ISO-8601 when the cell reads as a date, the cell's text otherwise. */
  time: string;
  value: number;
}

/** Ground truth that arrived for a forecast point, with the prediction it was matched to. */
export interface ActualPoint extends ReportPoint {
  /** The forecast this actual was joined to (the batch output row's prediction). */
  predicted: number;
}

export interface ReportShape {
  history: ReportPoint[];
  forecast: ReportPoint[];
  /** Actual values posted for forecast rows (`POST /api/endpoints/{name}/actuals`), in series and time order. */
  actual: ActualPoint[];
  /** Every series of either side, in natural order ("2 · …" before "10 · …"). */
  series: string[];
  /** The last time of the history: where the forecast begins. */
  boundary: string | null;
}

/** The label of a report without series columns: one series. */
export const SINGLE_SERIES = "all";
/** The series selector's entry that sums every series per time. */
export const TOTAL = "Total";
export const SERIES_SEPARATOR = " · ";

/** A time cell as a comparable string: dates (however written) as ISO-8601, anything else as text. */
export function normalizeTime(value: ReportCell): string | null {
  if (value === null || value === undefined || value === "") return null;
  if (typeof value === "number") {
    // A bare number is a period index (week 12), not epoch milliseconds.
    return String(value);
  }
  const text = String(value).trim();
  if (/^\d{4}-\d{2}-\d{2}/.test(text) || /^\d{1,2}\/\d{1,2}\/\d{2,4}/.test(text)) {
    const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text);
    if (Number.isFinite(ms)) return new Date(ms).toISOString();
  }
  return text;
}

export function seriesLabel(row: ReportRowIn, seriesColumns: string[]): string {
  if (seriesColumns.length === 0) return SINGLE_SERIES;
  return seriesColumns.map((c) => cellText(row[c])).join(SERIES_SEPARATOR);
}

/** Times sort as dates when both are ISO dates, numerically when both are numbers, else as text. */
export function compareTime(a: string, b: string): number {
  const na = Number(a);
  const nb = Number(b);
  if (a !== "" && b !== "" && Number.isFinite(na) && Number.isFinite(nb)) return na - nb;
  return a < b ? -1 : a > b ? 1 : 0;
}

const naturalOrder = (a: string, b: string) => a.localeCompare(b, "en", { numeric: true });

function points(rows: Iterable<ReportRowIn>, timeColumn: string, valueColumn: string, seriesColumns: string[]): ReportPoint[] {
  const out: ReportPoint[] = [];
  for (const row of rows) {
    const time = normalizeTime(row[timeColumn]);
    const value = cellToNumber(row[valueColumn]);
    // A row without a time or a value (a failed prediction, a missing sale) has nothing to draw.
    if (time === null || value === null) continue;
    out.push({ series: seriesLabel(row, seriesColumns), time, value });
  }
  return out.sort((a, b) => naturalOrder(a.series, b.series) || compareTime(a.time, b.time));
}

/**
 * Joins history rows (the value column) and forecast rows (the `prediction` column of a batch
 * output) by series and time. Rows without a time or a number are left out.
 */
export function shapeReport(input: {
  historyRows: Iterable<ReportRowIn>;
  forecastRows: Iterable<ReportRowIn>;
  timeColumn: string;
  valueColumn: string;
  seriesColumns: string[];
  predictionColumn?: string;
  /** Forecast rows that received an actual: the time and series columns, `actual` and `predicted`. */
  actualRows?: Iterable<ReportRowIn>;
}): ReportShape {
  const history = points(input.historyRows, input.timeColumn, input.valueColumn, input.seriesColumns);
  const forecast = points(input.forecastRows, input.timeColumn, input.predictionColumn ?? "prediction", input.seriesColumns);
  // One actual per series and time: the last given wins (the newest, when the rows come oldest first).
  const actuals = new Map<string, ActualPoint>();
  for (const row of input.actualRows ?? []) {
    const [p] = points([row], input.timeColumn, "actual", input.seriesColumns);
    const predicted = cellToNumber(row.predicted);
    if (p && predicted !== null) actuals.set(`${p.series}\u0000${p.time}`, { ...p, predicted });
  }
  const actual = [...actuals.values()].sort((a, b) => naturalOrder(a.series, b.series) || compareTime(a.time, b.time));
  const series = [...new Set([...history, ...forecast].map((p) => p.series))].sort(naturalOrder);
  let boundary: string | null = null;
  for (const p of history) if (boundary === null || compareTime(p.time, boundary) > 0) boundary = p.time;
  return { history, forecast, actual, series, boundary };
}

/** The actual points of one series, or for "Total" the actuals and their forecasts summed per time over the series that have them. */
export function actualsOf(all: ActualPoint[], series: string): ActualPoint[] {
  if (series !== TOTAL) return all.filter((p) => p.series === series).sort((a, b) => compareTime(a.time, b.time));
  const sums = new Map<string, { value: number; predicted: number }>();
  for (const p of all) {
    const s = sums.get(p.time) ?? { value: 0, predicted: 0 };
    s.value += p.value;
    s.predicted += p.predicted;
    sums.set(p.time, s);
  }
  return [...sums.entries()].sort(([a], [b]) => compareTime(a, b)).map(([time, s]) => ({ series: TOTAL, time, ...s }));
}

export interface ForecastError {
  /** Forecast points with an actual. */
  periods: number;
  /** Mean absolute error, in the value's units. */
  mae: number;
  /** Σ|actual − forecast| / Σ|actual|; null when every actual is 0. */
  wape: number | null;
  /** Σ(forecast − actual) / Σ|actual|: over-forecasting is positive; null when every actual is 0. */
  bias: number | null;
}

/** How far the forecasts were from the actuals that arrived for them; null before any arrived. */
export function forecastError(actuals: readonly ActualPoint[]): ForecastError | null {
  if (actuals.length === 0) return null;
  let absError = 0;
  let signed = 0;
  let absActual = 0;
  for (const p of actuals) {
    absError += Math.abs(p.value - p.predicted);
    signed += p.predicted - p.value;
    absActual += Math.abs(p.value);
  }
  return {
    periods: actuals.length,
    mae: absError / actuals.length,
    wape: absActual > 0 ? absError / absActual : null,
    bias: absActual > 0 ? signed / absActual : null,
  };
}

/** The sum over series per time, as one series named "Total", in time order. */
export function totalOf(points: ReportPoint[]): ReportPoint[] {
  const sums = new Map<string, number>();
  for (const p of points) sums.set(p.time, (sums.get(p.time) ?? 0) + p.value);
  return [...sums.entries()].sort(([a], [b]) => compareTime(a, b)).map(([time, value]) => ({ series: TOTAL, time, value }));
}

/** The points of one series, or the total when `series` is "Total". */
export function pointsOf(all: ReportPoint[], series: string): ReportPoint[] {
  if (series === TOTAL) return totalOf(all);
  return all.filter((p) => p.series === series).sort((a, b) => compareTime(a.time, b.time));
}

export interface ChartRow {
  time: string;
  history?: number;
  forecast?: number;
  actual?: number;
}

/**
 * One row per time for a line chart with a history line and a forecast line. The forecast line
 * starts at the last history point, so the two lines meet at the boundary instead of leaving a gap.
 */
export function chartRows(history: ReportPoint[], forecast: ReportPoint[], actual: ReportPoint[] = []): ChartRow[] {
  const byTime = new Map<string, ChartRow>();
  const at = (time: string) => {
    let row = byTime.get(time);
    if (!row) byTime.set(time, (row = { time }));
    return row;
  };
  for (const p of history) at(p.time).history = p.value;
  for (const p of forecast) at(p.time).forecast = p.value;
  for (const p of actual) at(p.time).actual = p.value;
  const last = history.length ? history.reduce((a, b) => (compareTime(b.time, a.time) > 0 ? b : a)) : null;
  if (last && forecast.length && forecast.every((p) => compareTime(p.time, last.time) > 0)) at(last.time).forecast = last.value;
  return [...byTime.values()].sort((a, b) => compareTime(a.time, b.time));
}

/** What the page shows as CSV: `series,time,kind,value`, history first, then forecast, then the actuals that arrived. */
export function reportCsv(history: ReportPoint[], forecast: ReportPoint[], actual: ReportPoint[] = []): string {
  const lines = ["series,time,kind,value"];
  for (const [kind, list] of [
    ["history", history],
    ["forecast", forecast],
    ["actual", actual],
  ] as const) {
    for (const p of list) lines.push([p.series, p.time, kind, p.value].map(csvCell).join(","));
  }
  return lines.join("\n") + "\n";
}
