import { test, expect, type Locator } from "./test";

/** The state of each step as the strip says it in words ("Define: Done"), in loop order. */
async function expectSteps(card: Locator, states: string[]) {
  const steps = card.getByRole("list", { name: "Progress through the six steps" }).getByRole("listitem");
  await expect(steps).toHaveCount(6);
  const labels = ["Define", "Get data", "Prepare", "Train", "Integrate", "Monitor"];
  for (const [i, state] of states.entries()) await expect(steps.nth(i)).toContainText(`${labels[i]}: ${state}`);
}

test("the seeded sample projects are listed with their step states", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { name: "Projects", level: 1 })).toBeVisible();

  const oj = page.getByRole("article", { name: "Orange juice sales", exact: true });
  await expect(oj).toBeVisible();
  await expect(oj).toContainText("Forecasting");
  await expect(oj).toContainText("Batch");
  await expect(oj).toContainText("WAPE ≤ 0.4");
  // The worker trains and deploys both samples' models at first start, so the later steps may be done already.
  await expectSteps(oj, ["Done", "Done", "Done"]);
  await expect(oj.getByText(/^[3-6] of 6 steps done$/)).toBeVisible();

  const shop = page.getByRole("article", { name: "Web shop recommendations", exact: true });
  await expect(shop).toBeVisible();
  await expect(shop).toContainText("Recommendation");
  await expect(shop).toContainText("Real-time");
  await expect(shop).toContainText("Hit rate @k ≥ 0.2");
  await expectSteps(shop, ["Done", "Done", "Done"]);
});

test("a sample project opens on its Define step with the loop of steps", async ({ page }) => {
  await page.goto("/");
  await page.getByRole("link", { name: "Orange juice sales", exact: true }).click();
  await expect(page).toHaveURL(/\/projects\/[^/]+\/define$/);
  await expect(page.getByRole("heading", { name: "Orange juice sales", level: 1 })).toBeVisible();
  const steps = page.getByRole("navigation", { name: "Steps" });
  await expect(steps.getByRole("link", { name: /^Define/ })).toHaveAttribute("aria-current", "page");
  await expect(steps.getByRole("link", { name: "↺ back to Get data" })).toBeVisible();
  await expect(page.getByLabel("Target column")).toHaveValue("Quantity");
});

test("creating a project without a name shows the error next to the field", async ({ page }) => {
  await page.goto("/");
  const form = page.getByRole("form", { name: "New project" });
  await form.getByRole("button", { name: "Create project" }).click();
  await expect(form.getByText("must not be empty")).toBeVisible();
  await expect(form.getByLabel("Name", { exact: true })).toHaveAttribute("aria-invalid", "true");
});
