import { expect, test, type APIRequestContext } from "./test";
import { json, regressionProjectWithRecipe } from "./fixtures";

interface ApiModel {
  id: string;
  name: string;
  version: number;
}
interface Deployed {
  name: string;
  key: string;
}

type Row = Record<string, number | null>;

/** Inputs like the fixture's training data (a, b uniform on [−5, 5]) from a seeded generator, `shiftA` added to a. */
function inputRows(n: number, seed: number, shiftA = 0): Row[] {
  let s = seed >>> 0;
  const rand = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  return Array.from({ length: n }, () => ({ a: Number((rand() * 10 - 5 + shiftA).toFixed(3)), b: Number((rand() * 10 - 5).toFixed(3)) }));
}

async function deployModel(request: APIRequestContext, modelId: string, prefix: string): Promise<Deployed> {
  const name = `${prefix}-${Math.random().toString(36).slice(2, 8)}`;
  return json<Deployed>(await request.post("/api/endpoints", { data: { name, modelId, mode: "realtime" } }), 201);
}

test("the Monitor step shows an endpoint's traffic, the shifted feature drifted first with its histogram, and data quality", async ({ page, request }) => {
  test.setTimeout(180_000);
  // Through the API: a linear model of y = 2a − b + 1 on two endpoints; traffic on one of them with a shifted by +6 (≈ 2 std).
  const project = await regressionProjectWithRecipe(request, "Monitor");
  // A recipe that imputes, so a row with a missing b is scored (and shows in data quality).
  const { datasetId } = await json<{ datasetId: string }>(await request.get(`/api/projects/${project.id}`), 200);
  const steps = [{ op: "impute", columns: ["a", "b"], strategy: "mean" }];
  await json(
    await request.put(`/api/projects/${project.id}/recipe`, { data: { datasetId, target: "y", steps, split: { method: "random", validation: 0.2, seed: 1 } } }),
    201,
  );
  const run = await json<{ id: string }>(
    await request.post(`/api/projects/${project.id}/runs`, { data: { algorithm: "linear", params: { epochs: 20 } } }),
    202,
  );
  await expect
    .poll(async () => (await json<{ status: string }>(await request.get(`/api/runs/${run.id}`), 200)).status, { timeout: 120_000, intervals: [500, 1000] })
    .toBe("succeeded");
  const model = await json<ApiModel>(await request.post("/api/models", { data: { runId: run.id } }), 201);
  const quiet = await deployModel(request, model.id, "monitor-quiet");
  const busy = await deployModel(request, model.id, "monitor-busy");
  const rows = inputRows(200, 7, 6);
  rows[0] = { a: 1, b: null };
  for (let i = 0; i < rows.length; i += 100) {
    await json(
      await request.post(`/api/endpoints/${busy.name}/score`, { headers: { authorization: `Bearer ${busy.key}` }, data: { rows: rows.slice(i, i + 100) } }),
      200,
    );
  }
  expect(
    (await request.post(`/api/endpoints/${busy.name}/score`, { headers: { authorization: "Bearer wrong" }, data: { rows: rows.slice(0, 1) } })).status(),
  ).toBe(401);

  await page.goto(`/projects/${project.id}/monitor`);
  await expect(page.getByRole("heading", { name: "Monitor", exact: true })).toBeVisible();
  await page.getByLabel("Endpoint").selectOption(busy.name);
  await expect(page.getByRole("button", { name: "Last day" })).toHaveAttribute("aria-pressed", "true");

  // Traffic: two answered requests and one refused, with latency figures.
  const figures = page.getByLabel("Traffic figures");
  const figure = (label: string) =>
    figures
      .locator("div")
      .filter({ has: page.getByText(label, { exact: true }) })
      .locator("dd");
  await expect(figure("Requests")).toHaveText("3");
  await expect(figure("Errors")).toHaveText("1");
  await expect(figure("Rows scored")).toHaveText("200");
  await expect(figure("p99 latency")).toHaveText(/ms$/);
  await expect(page.getByRole("figure", { name: "Requests and errors per bucket" }).locator(".recharts-bar-rectangle").first()).toBeVisible();

  // Drift: a, and only a, drifted — one of two features, half of the input, so the input drifted.
  await expect(page.getByLabel("Drift summary")).toContainText("1 of 2 features drifted — the input as a whole drifted");
  const driftRows = page.getByRole("table", { name: "Feature drift" }).locator("tbody tr");
  await expect(driftRows.first().getByRole("rowheader")).toHaveText("a");
  await expect(driftRows.first()).toContainText("drifted");
  await expect(driftRows.first()).toContainText("KS p-value");
  await expect(
    driftRows
      .filter({ has: page.getByRole("rowheader", { name: "b", exact: true }) })
      .getByRole("cell")
      .nth(3),
  ).toHaveText("no");
  await expect(driftRows.filter({ has: page.getByRole("rowheader", { name: "prediction", exact: true }) })).toContainText("drifted");
  // Histograms follow the table's order; a's overlays reference and current bars.
  const histograms = page.getByRole("figure", { name: /^Histogram of / });
  await expect(histograms.first()).toHaveAttribute("aria-label", "Histogram of a");
  const aBars = page.getByRole("figure", { name: "Histogram of a" }).locator("svg .recharts-bar-rectangle");
  await expect(aBars.first()).toBeVisible();
  expect(await aBars.count()).toBeGreaterThan(4);

  // Data quality: b's null (1 of 200) and a's values beyond the training range are highlighted.
  const quality = page.getByRole("table", { name: "Data quality" });
  const qualityRow = (name: string) => quality.locator("tbody tr").filter({ has: page.getByRole("rowheader", { name, exact: true }) });
  await expect(qualityRow("b").getByRole("cell").nth(2)).toHaveText("0.5%");
  await expect(qualityRow("b").getByRole("cell").nth(2)).toHaveAttribute("data-nonzero", "true");
  await expect(qualityRow("a").getByRole("cell").nth(4)).toHaveAttribute("data-nonzero", "true");
  await expect(qualityRow("a").getByRole("cell").nth(2)).toHaveAttribute("data-nonzero", "false");

  // The other endpoint has had no traffic.
  await page.getByRole("button", { name: "Last hour" }).click();
  await expect(page.getByRole("button", { name: "Last hour" })).toHaveAttribute("aria-pressed", "true");
  await expect(figure("Requests")).toHaveText("3");
  await page.getByLabel("Endpoint").selectOption(quiet.name);
  await expect(figure("Requests")).toHaveText("0");
  await expect(page.getByText("No scored rows in this window.").first()).toBeVisible();
});

test("a project without an endpoint is sent to Integrate", async ({ page, request }) => {
  const project = await regressionProjectWithRecipe(request, "Monitor empty");
  await page.goto(`/projects/${project.id}/monitor`);
  await expect(page.getByText("No endpoint yet")).toBeVisible();
  await page.getByRole("link", { name: "Go to Integrate" }).click();
  await expect(page).toHaveURL(new RegExp(`/projects/${project.id}/integrate$`));
});
