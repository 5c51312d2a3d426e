import fs from "node:fs";
import { REPORT, seededReport } from "./fixtures";
import { expect, test } from "./test";

/**
 * The seed's batch scenario in the browser: the orange-juice forecaster, trained and deployed by
 * the worker on first start, scored once at once; its report draws history and forecast per store
 * and brand, sums them as a total, exports what it shows and refreshes on demand.
 */

interface Point {
  series: string;
  time: string;
  value: number;
}

/** A forecast as the table writes it: whole units from 100 up. */
const asShown = (v: number) => new Intl.NumberFormat("en-US", { maximumFractionDigits: Math.abs(v) >= 100 ? 0 : 2 }).format(v);

test("the seeded orange-juice report: history and forecast lines, series and total, CSV export, refresh", async ({ page, request }) => {
  test.setTimeout(360_000);
  const { id } = await seededReport(request);
  const data = (await (await request.get(`/api/reports/${id}/data`)).json()) as { forecast: Point[]; series: string[] };

  await page.goto("/");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Reports" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Reports" })).toBeVisible();
  await page.getByRole("link", { name: REPORT }).click();
  await expect(page.getByRole("heading", { level: 1, name: REPORT })).toBeVisible();
  await expect(page.getByTestId("report-refreshed-at")).toContainText("UTC");
  await expect(page.getByText(/\(0 6 \* \* 1, Europe\/London\)/)).toBeVisible();

  // One chart: history solid, forecast dashed, the boundary marked.
  const chart = page.getByTestId("report-chart");
  const history = chart.locator(".report-history-line path.recharts-line-curve");
  const forecast = chart.locator(".report-forecast-line path.recharts-line-curve");
  await expect(history).toHaveCount(1);
  await expect(forecast).toHaveCount(1);
  await expect(forecast).toHaveAttribute("stroke-dasharray", "6 4");
  await expect(history).not.toHaveAttribute("stroke-dasharray", /\d/);
  await expect(chart.locator(".recharts-reference-line")).toHaveCount(1);
  await expect(page.getByRole("heading", { level: 2, name: data.series[0] })).toBeVisible();

  // Another store · brand: its own forecast rows.
  const select = page.getByLabel("Series");
  const table = page.getByTestId("report-forecast-table");
  await select.selectOption("5 · tropicana");
  await expect(page.getByRole("heading", { level: 2, name: "5 · tropicana" })).toBeVisible();
  const own = data.forecast.filter((p) => p.series === "5 · tropicana");
  await expect(table.locator("tbody tr")).toHaveCount(own.length);
  await expect(table.locator("tbody tr").first()).toContainText(asShown(own[0].value));

  // The total: every series summed per week.
  await select.selectOption("Total");
  await expect(page.getByRole("heading", { level: 2, name: "Total over 9 series" })).toBeVisible();
  const firstWeek = data.forecast.map((p) => p.time).sort()[0];
  const total = data.forecast.filter((p) => p.time === firstWeek).reduce((s, p) => s + p.value, 0);
  await expect(table.locator("tbody tr").first()).toContainText("Total");
  await expect(table.locator("tbody tr").first()).toContainText(asShown(total));
  await expect(history).toHaveCount(1);
  await expect(forecast).toHaveCount(1);

  // Export what is shown.
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Export CSV" }).click()]);
  expect(download.suggestedFilename()).toBe("orange-juice-weekly-forecast-total.csv");
  const csv = fs
    .readFileSync((await download.path())!, "utf8")
    .trim()
    .split("\n");
  expect(csv[0]).toBe("series,time,kind,value");
  expect(csv.slice(1).every((line) => line.startsWith("Total,"))).toBe(true);
  expect(csv.filter((line) => line.includes(",forecast,"))).toHaveLength(own.length);
  // The chart shows the last 52 weeks of history by default; all of it on request.
  expect(csv.filter((line) => line.includes(",history,"))).toHaveLength(52);
  await page.getByLabel("History shown").selectOption({ label: "All history" });
  const [all] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Export CSV" }).click()]);
  expect(
    fs
      .readFileSync((await all.path())!, "utf8")
      .split("\n")
      .filter((line) => line.includes(",history,")).length,
  ).toBeGreaterThan(100);

  // Refresh now: the job runs with a progress bar, then the report shows its output.
  const refreshed = page.getByTestId("report-refreshed-at");
  // To the millisecond: the text shows minutes, and a refresh can end within the same one.
  const before = (await refreshed.getAttribute("data-refreshed-at"))!;
  await page.getByRole("button", { name: "Refresh now" }).click();
  await expect(page.getByText(/Refreshed: 36 rows scored/)).toBeVisible({ timeout: 120_000 });
  await expect(refreshed).not.toHaveAttribute("data-refreshed-at", before);
  expect(Date.parse((await refreshed.getAttribute("data-refreshed-at"))!)).toBeGreaterThan(Date.parse(before));
  await expect(page.getByRole("button", { name: "Refresh now" })).toBeEnabled();
});

test("a week's actual sales uploaded as CSV: the report draws them and shows the forecast error", async ({ page, request }) => {
  test.setTimeout(360_000);
  const { id } = await seededReport(request);
  const data = (await (await request.get(`/api/reports/${id}/data`)).json()) as { forecast: Point[] };
  const firstWeek = data.forecast.map((p) => p.time).sort()[0];
  const week = data.forecast.filter((p) => p.time === firstWeek);
  expect(week.length).toBe(9);
  // Every store sold 10 % more than forecast that week: WAPE 0.1 / 1.1 = 9.1 %, bias −9.1 %.
  const csv =
    ["WeekStarting,Store,Brand,actual", ...week.map((p) => `${firstWeek.slice(0, 10)},${p.series.split(" · ").join(",")},${(p.value * 1.1).toFixed(4)}`)].join(
      "\n",
    ) + "\n";
  const posted = await request.post("/api/endpoints/oj-weekly/actuals", { headers: { "content-type": "text/csv" }, data: Buffer.from(csv) });
  expect(posted.status()).toBe(200);
  expect(await posted.json()).toEqual({ matched: 9, unmatched: [] });

  const after = (await (await request.get(`/api/reports/${id}/data`)).json()) as { actual: (Point & { predicted: number })[] };
  const actual = after.actual.filter((p) => p.time === firstWeek);
  expect(actual).toHaveLength(9);
  for (const a of actual) expect(a.value).toBeCloseTo(a.predicted * 1.1, 2);

  await page.goto(`/reports/${id}`);
  const select = page.getByLabel("Series", { exact: true });
  await expect(select).toBeEnabled();
  await select.selectOption("5 · tropicana");
  const panel = page.getByTestId("report-forecast-error");
  await expect(panel.getByTestId("report-error-wape")).toHaveText("9.1 %");
  await expect(panel.getByTestId("report-error-bias")).toHaveText("-9.1 %");
  await expect(panel.getByTestId("report-error-periods")).toHaveText("1");
  // The actual beside its forecast in the table, and as points on the chart.
  const table = page.getByTestId("report-forecast-table");
  await expect(table.getByRole("columnheader", { name: "Actual" })).toBeVisible();
  const own = week.find((p) => p.series === "5 · tropicana")!;
  await expect(table.locator("tbody tr").first()).toContainText(asShown(own.value * 1.1));
  await expect(page.getByTestId("report-chart").locator(".report-actual-line path.recharts-line-curve")).toHaveCount(1);
  // The total sums the nine series that have an actual: the same 9.1 %.
  await select.selectOption("Total");
  await expect(panel.getByTestId("report-error-wape")).toHaveText("9.1 %");
});
