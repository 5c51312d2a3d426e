import { expect, test } from "./test";
import { regressionProjectWithRecipe } from "./fixtures";

test("a person runs a small grid sweep and finds its best trial marked", async ({ page, request }) => {
  // The trials may wait behind other tests' runs in the one training worker.
  test.setTimeout(180_000);
  const project = await regressionProjectWithRecipe(request, "Sweep");
  await page.goto(`/projects/${project.id}/train`);

  const panel = page.getByRole("region", { name: "Hyperparameter sweeps" });
  await expect(panel.getByText("No sweeps yet.")).toBeVisible();
  const form = panel.getByRole("form", { name: "New sweep" });
  await form.getByLabel("Algorithm").selectOption("linear");
  await expect(form.getByLabel(/^Hidden units/)).toHaveCount(0);
  await form.getByLabel(/^Learning rates/).fill("0.001, 0.05");
  await form.getByLabel(/^Epochs/).fill("5");
  // The grid's size is shown before anything is queued.
  await expect(form.getByText("This grid makes 2 trials (2 × 1).")).toBeVisible();
  await form.getByRole("button", { name: "Start sweep" }).click();

  const sweep = panel.getByRole("region", { name: /^Grid sweep of linear #\w{4}$/ });
  await expect(sweep).toHaveCount(1);
  await expect(panel.getByText("No sweeps yet.")).toHaveCount(0);
  const trials = sweep.getByRole("table", { name: /^Trials of Grid sweep of linear/ });
  const rows = trials.getByRole("row").filter({ has: page.getByRole("rowheader") });
  await expect(rows).toHaveCount(2);
  await expect(trials.getByRole("columnheader", { name: "learningRate" })).toBeVisible();
  await expect(trials.getByRole("columnheader", { name: "R² validation" })).toBeVisible();
  await expect(rows.nth(0).getByRole("cell", { name: "0.001", exact: true })).toBeVisible();
  await expect(rows.nth(1).getByRole("cell", { name: "0.05", exact: true })).toBeVisible();

  await expect(sweep.getByText("Done")).toBeVisible({ timeout: 150_000 });
  await expect(sweep.getByRole("progressbar", { name: /^Progress of Grid sweep/ })).toHaveCount(0);
  await expect(rows.getByText("Succeeded")).toHaveCount(2);

  // Exactly one trial is marked best, and it is the one with the higher R².
  const r2 = async (i: number) => Number(((await rows.nth(i).getByRole("cell").last().textContent()) ?? "").replace(/,/g, ""));
  const values = [await r2(0), await r2(1)];
  expect(values.every(Number.isFinite)).toBe(true);
  const bestIndex = values[0] >= values[1] ? 0 : 1;
  await expect(rows.filter({ hasText: "best" })).toHaveCount(1);
  await expect(rows.nth(bestIndex).getByText("best")).toBeVisible();

  // The metric per trial as bars, one per trial.
  const chart = sweep.getByRole("figure", { name: "Validation R² per trial" });
  await expect(chart.locator(".recharts-bar-rectangle")).toHaveCount(2);

  // The trials are runs too, in the runs table.
  await expect(page.getByRole("table", { name: "Runs" }).getByRole("button", { name: /^Details of linear/ })).toHaveCount(2);
});

test("a value the server refuses is named next to its field and nothing is queued", async ({ page, request }) => {
  const project = await regressionProjectWithRecipe(request, "Sweep");
  await page.goto(`/projects/${project.id}/train`);
  const panel = page.getByRole("region", { name: "Hyperparameter sweeps" });
  const form = panel.getByRole("form", { name: "New sweep" });
  await form.getByLabel("Algorithm").selectOption("linear");
  await form.getByLabel(/^Learning rates/).fill("0.01, 7");
  await form.getByRole("button", { name: "Start sweep" }).click();

  const field = form.getByLabel(/^Learning rates/);
  await expect(field).toHaveAttribute("aria-invalid", "true");
  await expect(form.locator("#sweep-learningRate-error")).toBeVisible();
  await expect(panel.getByText("No sweeps yet.")).toBeVisible();
  await expect(page.getByText("No runs yet")).toBeVisible();
});
