/** The Monitor step's loop in the browser: ground truth and performance, an alert firing, and back to training (retrain, compare, promote). */
import { expect, test } from "./test";
import { json, regressionProjectWithRecipe } from "./fixtures";

interface ModelRef {
  id: string;
  name: string;
  version: number;
}

/** Inputs spread over the fixture's training range (a, b in [−5, 5]), without randomness. */
const inputs = (n: number) => Array.from({ length: n }, (_, i) => ({ a: ((i * 37) % 100) / 10 - 5, b: ((i * 53) % 100) / 10 - 5 }));
/** The fixture's plane without its noise: what a good model predicts. */
const truth = (r: { a: number; b: number }) => 2 * r.a - r.b + 1;

test("actuals uploaded as a CSV give the performance chart; an error-rate rule fires; a retrained challenger is compared and promoted", async ({
  page,
  request,
}) => {
  test.setTimeout(360_000);
  // Through the API: a small MLP of y = 2a − b + 1 (success: R² ≥ 0.9) on a real-time endpoint, and 30 rows scored.
  // (An MLP, as retraining a linear champion is refused: see the report on hiddenUnits.)
  const project = await regressionProjectWithRecipe(request, "Monitor loop");
  const run = await json<{ id: string }>(
    await request.post(`/api/projects/${project.id}/runs`, { data: { algorithm: "mlp", params: { epochs: 20, hiddenUnits: [8] } } }),
    202,
  );
  await expect
    .poll(async () => (await json<{ status: string }>(await request.get(`/api/runs/${run.id}`), 200)).status, { timeout: 150_000, intervals: [500, 1000] })
    .toBe("succeeded");
  const model = await json<ModelRef>(await request.post("/api/models", { data: { runId: run.id } }), 201);
  const name = `monitor-loop-${Math.random().toString(36).slice(2, 8)}`;
  const endpoint = await json<{ name: string; key: string }>(
    await request.post("/api/endpoints", { data: { name, modelId: model.id, mode: "realtime" } }),
    201,
  );
  const rows = inputs(30);
  const scored = await json<{ requestId: string; predictions: number[] }>(
    await request.post(`/api/endpoints/${name}/score`, { headers: { authorization: `Bearer ${endpoint.key}` }, data: { rows } }),
    200,
  );
  expect(scored.predictions).toHaveLength(30);

  await page.goto(`/projects/${project.id}/monitor`);
  await expect(page.getByRole("heading", { name: "Monitor", exact: true })).toBeVisible();
  const performance = page.getByRole("region", { name: "Performance" });
  await expect(performance.getByText("No actuals yet")).toBeVisible();

  // Ground truth: requestId,row,actual for every scored row, and one line whose request was never scored.
  const csv = ["requestId,row,actual", ...rows.map((r, i) => `${scored.requestId},${i},${truth(r).toFixed(4)}`), "req_never_scored,0,1"].join("\n") + "\n";
  await performance.getByLabel("Actuals CSV").setInputFiles({ name: "actuals.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
  await performance.getByRole("button", { name: "Upload actuals" }).click();
  await expect(performance.getByText("Matched 30 rows, 1 unmatched")).toBeVisible();
  await expect(performance.getByRole("list", { name: "Unmatched actuals" })).toContainText("Row 31: no scored request of this endpoint has this requestId");

  // The chart, the figures and the sentence: R² on 30 matched rows, against the 0.9 threshold.
  await expect(performance.getByLabel("Performance summary")).toContainText(/^R² -?[\d.]+ on 30 matched rows — (at or above|below) the 0\.9 threshold$/);
  const figures = performance.getByLabel("Performance figures");
  const figure = (label: string) =>
    figures
      .locator("div")
      .filter({ has: page.getByText(label, { exact: true }) })
      .locator("dd");
  await expect(figure("Matched rows")).toHaveText("30");
  await expect(figure("RMSE")).toHaveText(/\d/);
  const chart = performance.getByRole("figure", { name: "R² over time" });
  await expect(chart.locator(".recharts-line-dots circle, .recharts-line-dot").first()).toBeVisible();
  // A horizontal line has no height, so it is never "visible": it is drawn, with its label.
  await expect(chart.locator(".recharts-reference-line-line")).toHaveCount(1);
  await expect(chart.getByText("threshold 0.9")).toBeVisible();

  // Alerts: an error-rate rule above 10 % over an hour, added in the page.
  const alerts = page.getByRole("region", { name: "Alerts" });
  await expect(alerts.getByText("No alerts have fired on this endpoint.")).toBeVisible();
  const form = alerts.getByRole("form", { name: "Add an alert rule" });
  await form.getByLabel("Kind").selectOption("errorRate");
  await form.getByLabel("Fires above (% of requests)").fill("10");
  await form.getByLabel("Window (minutes)").fill("60");
  await form.getByRole("button", { name: "Add rule" }).click();
  const rule = alerts.getByRole("table", { name: "Alert rules" }).locator("tbody tr");
  await expect(rule).toHaveCount(1);
  await expect(rule.getByRole("rowheader")).toHaveText("Error rate");
  await expect(rule).toContainText("> 10%");
  await expect(rule).toContainText("60 minutes");

  // Three refused requests beside the one answered: 75 % of the hour's requests failed.
  for (let i = 0; i < 3; i++) {
    expect(
      (await request.post(`/api/endpoints/${name}/score`, { headers: { authorization: "Bearer wrong" }, data: { rows: rows.slice(0, 1) } })).status(),
    ).toBe(401);
  }
  await alerts.getByRole("button", { name: "Evaluate now" }).click();
  const firing = alerts.getByRole("list", { name: "Alerts" }).locator('li[data-state="firing"]');
  await expect(firing).toHaveCount(1);
  await expect(firing).toContainText("Error rate > 10%");
  await expect(firing).toContainText("measured 75%");
  await expect(firing).toContainText(/fired .+ UTC/);

  // Back to training: a challenger like the champion, compared on the 30 matched actuals, then promoted.
  const training = page.getByRole("region", { name: "Back to training" });
  await training.getByRole("button", { name: "Retrain with the newest data" }).click();
  await expect(training.getByLabel("Challenger status")).toBeVisible();
  await training.getByRole("button", { name: "Compare" }).click({ timeout: 180_000 });
  const table = training.getByRole("table", { name: "Champion vs challenger" });
  await expect(table).toBeVisible();
  await expect(training.getByLabel("Comparison data")).toContainText("Both models scored the same 30 rows: the matched actuals");
  await expect(table.getByRole("columnheader", { name: `Champion (${model.name} v1)` })).toBeVisible();
  await expect(table.getByRole("columnheader", { name: `Challenger (${model.name} v2)` })).toBeVisible();
  await expect(table.locator('td[data-better="true"]')).toHaveCount(1);
  await training.getByRole("button", { name: "Promote challenger" }).click();
  await training.getByRole("button", { name: "Confirm promote" }).click();
  await expect(training.getByLabel("Retrain outcome")).toHaveText(`Promoted: ${name} now serves ${model.name} v2.`);
  // The page's endpoint line follows, and so does the API.
  await expect(page.getByText(`(realtime, ${model.name} v2)`)).toBeVisible();
  const after = await json<{ model: ModelRef }>(await request.get(`/api/endpoints/${name}`), 200);
  expect(after.model.version).toBe(2);
});
