import { expect, test } from "./test";
import { json, regressionProjectWithRecipe } from "./fixtures";

interface ApiRun {
  id: string;
  location: string;
  status: string;
  backend: string | null;
  metrics: { validation: Record<string, number> } | null;
}

test("a person trains a linear model in the browser, watches it learn and finds the saved run", async ({ page, request }) => {
  test.setTimeout(120_000);
  const project = await regressionProjectWithRecipe(request, "Browser train");

  await page.goto(`/projects/${project.id}/train`);
  const panel = page.getByRole("region", { name: "Train in this browser" });
  const form = panel.getByRole("form", { name: "Train in this browser" });
  await form.getByLabel("Algorithm").selectOption("linear");
  await form.getByLabel("Epochs").fill("30");
  await form.getByRole("button", { name: "Start in browser" }).click();

  // The live chart draws while training; the progress bar reaches the last epoch.
  await expect(panel.getByRole("figure", { name: "Live loss chart" }).locator("svg").first()).toBeVisible({ timeout: 60_000 });
  await expect(panel.locator(".recharts-line").first()).toBeVisible();
  const progress = panel.getByRole("progressbar", { name: "Browser training progress" });
  await expect(progress).toHaveAttribute("aria-valuemax", "30");
  await expect(progress).toHaveAttribute("aria-valuenow", "30", { timeout: 60_000 });

  const saved = panel.getByText(/^Saved as run linear #(\w{4}) \(location browser, backend (webgl|cpu)\)/);
  await expect(saved).toBeVisible({ timeout: 30_000 });
  const savedText = (await saved.textContent()) ?? "";
  const suffix = /#(\w{4})/.exec(savedText)![1];
  const backend = /backend (\w+)/.exec(savedText)![1];
  test.info().annotations.push({ type: "backend", description: backend });

  // The run shows up in the runs table like any other run.
  const row = page
    .getByRole("table", { name: "Runs" })
    .getByRole("row")
    .filter({ has: page.getByRole("button", { name: `Details of linear #${suffix}` }) });
  await expect(row).toHaveCount(1);
  await expect(row.getByText("Succeeded")).toBeVisible();

  // Through the API: stored as a browser run, a good model, registrable like a server run.
  const runs = await json<{ items: ApiRun[] }>(await request.get(`/api/projects/${project.id}/runs`), 200);
  const run = runs.items.find((r) => r.id.endsWith(suffix));
  expect(run, "the saved run is listed").toBeDefined();
  expect(run!.location).toBe("browser");
  expect(run!.status).toBe("succeeded");
  expect(run!.backend).toBe(backend);
  expect(run!.metrics!.validation.r2).toBeGreaterThan(0.9);
  await json(await request.post("/api/models", { data: { runId: run!.id } }), 201);
});
