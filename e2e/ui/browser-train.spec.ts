import { expect, test, type APIRequestContext, type APIResponse } from "@playwright/test";

/** y = 2a − b + 1 with a little noise: a linear model fits it almost perfectly (R² ≈ 1). */
function planeCsv(rows: number): string {
  let seed = 23;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const lines = ["a,b,y"];
  for (let i = 0; i < rows; i++) {
    const a = rand() * 10 - 5;
    const b = rand() * 10 - 5;
    lines.push(`${a.toFixed(4)},${b.toFixed(4)},${(2 * a - b + 1 + (rand() - 0.5) * 0.2).toFixed(4)}`);
  }
  return lines.join("\n") + "\n";
}

async function json<T>(res: APIResponse, status: number): Promise<T> {
  expect(res.status(), await res.text()).toBe(status);
  return (await res.json()) as T;
}

async function regressionProject(request: APIRequestContext) {
  const tag = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 7)}`;
  const dataset = await json<{ id: string }>(
    await request.post("/api/datasets", {
      multipart: { name: `browser plane ${tag}`, file: { name: "plane.csv", mimeType: "text/csv", buffer: Buffer.from(planeCsv(200)) } },
    }),
    201,
  );
  const project = await json<{ id: string }>(
    await request.post("/api/projects", {
      data: { name: `Browser train ${tag}`, task: "regression", datasetId: dataset.id, target: "y", successMetric: "r2", successThreshold: 0.9 },
    }),
    201,
  );
  await json(
    await request.put(`/api/projects/${project.id}/recipe`, {
      data: { datasetId: dataset.id, target: "y", steps: [], split: { method: "random", validation: 0.2, seed: 1 } },
    }),
    201,
  );
  return project;
}

interface ApiRun {
  id: string;
  location: string;
  status: string;
  backend: string | null;
  metrics: { validation: Record<string, number> } | null;
}

test("a person trains a linear model in the browser, watches it learn and finds the saved run", async ({ page, request }) => {
  test.setTimeout(120_000);
  const project = await regressionProject(request);

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
  const row = page.getByRole("table", { name: "Runs" }).getByRole("row").filter({ has: page.getByRole("button", { name: `Details of linear #${suffix}` }) });
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
