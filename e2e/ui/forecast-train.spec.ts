import { expect, test } from "./test";
import { json } from "./fixtures";

/** The seeded orange-juice project, trained from its Train page with the defaults the form shows. */
test("a person trains the forecaster on the orange-juice sample and reads its backtest", async ({ page, request }) => {
  // The run may wait behind other tests' runs in the one training worker.
  test.setTimeout(150_000);
  const { items } = await json<{ items: { id: string; name: string }[] }>(await request.get("/api/projects"), 200);
  const project = items.find((p) => p.name === "Orange juice sales");
  expect(project, "the seeded orange-juice project").toBeTruthy();

  await page.goto(`/projects/${project!.id}/train`);
  const form = page.getByRole("form", { name: "New run" });
  await expect(form.getByLabel("Algorithm")).toHaveValue("forecaster");
  // The defaults the server resolved from the recipe's columns are shown, not guessed.
  await expect(form.getByLabel(/^Time column/)).toHaveAttribute("placeholder", "WeekStarting");
  await expect(form.getByLabel(/^Series columns/)).toHaveAttribute("placeholder", "Store, Brand");
  await expect(form.getByLabel(/^Known-ahead columns/)).toHaveAttribute("placeholder", "Advert, Price");
  await expect(form.getByLabel(/^Horizon/)).toHaveAttribute("placeholder", "12");
  await form.getByLabel(/^Ensemble size/).fill("2");
  const started = page.waitForResponse((r) => r.request().method() === "POST" && r.url().endsWith(`/api/projects/${project!.id}/runs`));
  await form.getByRole("button", { name: "Start run" }).click();
  const answer = await started;
  expect(answer.status()).toBe(202);
  const run = (await answer.json()) as { id: string };

  // Until the server answers, the details shown are the project's newest run's: an earlier
  // forecaster, often succeeded too. Read this run's, named by its label (runLabel: the id's end).
  const detail = page.getByRole("region", { name: `Run details of forecaster #${run.id.slice(-4)}` });
  await expect(detail.getByText("Succeeded").first()).toBeVisible({ timeout: 120_000 });
  const metrics = detail.getByRole("table", { name: "Metrics of the model and its baseline" });
  await expect(metrics.getByRole("rowheader", { name: /^WAPE/ })).toBeVisible();
  await expect(detail.getByText("Baseline: last value.", { exact: false })).toBeVisible();
  await expect(detail.getByText(/Beats its baseline: WAPE on validation/)).toBeVisible();
  await expect(detail.getByRole("table", { name: "Model against further baselines" }).getByRole("rowheader", { name: "seasonal naive" })).toBeVisible();
  await expect(detail.getByText(/^Backtest: the last 12 periods of every series/)).toBeVisible();

  const perHorizon = detail.getByRole("figure", { name: "Error per horizon step" });
  await expect(perHorizon.locator(".recharts-bar-rectangle").first()).toBeVisible();
  const backtest = detail.getByRole("figure", { name: "Backtest forecasts" });
  await expect(backtest.locator(".recharts-line")).toHaveCount(2);
  await backtest.getByLabel("Series").selectOption({ label: "5 · tropicana" });
  await expect(backtest.getByText(/held-out periods? of 5 · tropicana/)).toBeVisible();
});
