import { expect, test } from "./test";
import { regressionProjectWithRecipe } from "./fixtures";

test("a person trains a linear model and reads its curve, metrics and verdict", async ({ page, request }) => {
  // The run may wait behind other tests' runs in the one training worker.
  test.setTimeout(150_000);
  const project = await regressionProjectWithRecipe(request, "Train");

  await page.goto(`/projects/${project.id}/define`);
  await page
    .getByRole("navigation", { name: "Steps" })
    .getByRole("link", { name: /^Train/ })
    .click();
  await expect(page).toHaveURL(/\/train$/);

  const form = page.getByRole("form", { name: "New run" });
  await form.getByLabel("Algorithm").selectOption("linear");
  await expect(form.getByLabel(/^Hidden units/)).toHaveCount(0);
  await form.getByLabel(/^Epochs/).fill("40");
  await form.getByRole("button", { name: "Start run" }).click();

  const runs = page.getByRole("table", { name: "Runs" });
  const row = runs.getByRole("row").filter({ has: page.getByRole("button", { name: /^Details of linear/ }) });
  await expect(row).toHaveCount(1);
  await expect(row.getByText("Succeeded")).toBeVisible({ timeout: 90_000 });
  await expect(row.getByText("best")).toBeVisible();
  await expect(row.getByRole("button", { name: /^Cancel/ })).toHaveCount(0);

  const curves = page.getByRole("region", { name: "Learning curves" });
  await expect(curves.getByRole("figure", { name: "Learning curves chart" }).locator("svg").first()).toBeVisible();
  await expect(curves.locator(".recharts-line").first()).toBeVisible();

  const detail = page.getByRole("region", { name: /^Run details/ });
  const metrics = detail.getByRole("table", { name: "Metrics of the model and its baseline" });
  await expect(metrics.getByRole("rowheader", { name: /^R²/ })).toBeVisible();
  await expect(metrics.getByRole("columnheader", { name: "Baseline (val.)" })).toBeVisible();
  await expect(detail.getByText("Baseline: mean.", { exact: false })).toBeVisible();
  await expect(detail.getByText(/Beats its baseline: R² on validation/)).toBeVisible();
  await expect(detail.getByText(/It meets the success criterion R² ≥ 0\.9/)).toBeVisible();
  await expect(detail.getByRole("list", { name: "Features used" }).getByText("a", { exact: true })).toBeVisible();
});

test("a bad hyperparameter is named next to its field", async ({ page, request }) => {
  const project = await regressionProjectWithRecipe(request, "Train");
  await page.goto(`/projects/${project.id}/train`);
  const form = page.getByRole("form", { name: "New run" });
  await form.getByLabel("Algorithm").selectOption("mlp");
  await form.getByLabel(/^Learning rate/).fill("5");
  await form.getByRole("button", { name: "Start run" }).click();
  await expect(form.getByLabel(/^Learning rate/)).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByText("No runs yet")).toBeVisible();
});
