import fs from "node:fs";
import { expect, test, type APIRequestContext, type Locator } from "./test";
import { idCsv } from "../api/train-helpers";
import { json, regressionProjectWithRecipe } from "./fixtures";

interface ApiRun {
  id: string;
  status: string;
}

async function uploadDataset(request: APIRequestContext, name: string, csv: string) {
  return json<{ id: string; name: string; version: number }>(
    await request.post("/api/datasets", { multipart: { name, file: { name: "input.csv", mimeType: "text/csv", buffer: Buffer.from(csv) } } }),
    201,
  );
}

/** A linear model of y = 2a − b + 1, trained, registered and deployed as a batch endpoint: its name and primary key. */
async function deployLinear(request: APIRequestContext): Promise<{ name: string; key: string }> {
  const project = await regressionProjectWithRecipe(request, "Endpoint jobs");
  const queued = await json<ApiRun>(await request.post(`/api/projects/${project.id}/runs`, { data: { algorithm: "linear", params: { epochs: 30 } } }), 202);
  await expect
    .poll(async () => (await json<ApiRun>(await request.get(`/api/runs/${queued.id}`), 200)).status, { timeout: 150_000, intervals: [500, 1000] })
    .toBe("succeeded");
  const model = await json<{ id: string }>(await request.post("/api/models", { data: { runId: queued.id } }), 201);
  const name = `jobs-ui-${Math.random().toString(36).slice(2, 8)}`;
  return json<{ name: string; key: string }>(await request.post("/api/endpoints", { data: { name, modelId: model.id, mode: "batch" } }), 201);
}

test("a person runs batch jobs from the endpoint page: progress, download, cancel and row errors", async ({ page, request }) => {
  test.setTimeout(480_000);
  const tag = Math.random().toString(36).slice(2, 7);
  const [endpoint, input, big] = await Promise.all([
    deployLinear(request),
    uploadDataset(request, `Jobs input ${tag}`, idCsv(30_000)),
    uploadDataset(request, `Jobs big input ${tag}`, idCsv(200_000)),
  ]);

  // The key this tab was shown at deploy time, as the deploy panel leaves it in sessionStorage.
  await page.addInitScript(([name, key]) => sessionStorage.setItem(`workbench:endpoint-key:${name}`, key), [endpoint.name, endpoint.key] as const);
  await page.goto(`/endpoints/${endpoint.name}`);
  const panel = page.getByRole("region", { name: "Batch jobs" });
  const form = panel.getByRole("form", { name: "Start a batch job" });
  await expect(form.getByLabel("Key", { exact: true })).toHaveValue(endpoint.key);
  const list = panel.getByRole("list", { name: "Jobs of this endpoint" });
  const jobOn = (source: string): Locator => list.getByRole("listitem", { name: new RegExp(`^Job #\\S+ on ${source}$`) });
  await expect(panel.getByText("No batch jobs yet")).toBeVisible();

  // A dataset job of 30,000 rows: a progress bar, then succeeded with every row done and its output.
  await form.getByRole("combobox", { name: "Dataset version" }).selectOption(input.id);
  await form.getByRole("button", { name: "Start job" }).click();
  const first = jobOn(`${input.name} v${input.version}`);
  await expect(first.getByRole("progressbar")).toBeVisible();
  await expect(first.getByRole("progressbar")).toHaveAttribute("aria-valuemax", "30000");
  await expect(first.getByRole("status", { name: "Job status" })).toHaveText(/Succeeded/, { timeout: 240_000 });
  await expect(first.getByText("30,000 / 30,000 rows", { exact: true })).toBeVisible();
  await expect(first.getByRole("progressbar")).toHaveAttribute("aria-valuenow", "30000");
  await expect(first.getByText(/rows\/s/)).toBeVisible();
  await expect(first.getByRole("button", { name: /^Cancel/ })).toHaveCount(0);
  const downloading = page.waitForEvent("download");
  await first.getByRole("link", { name: "Download output.csv" }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/\.csv$/);
  const lines = fs
    .readFileSync((await download.path())!, "utf8")
    .trim()
    .split("\n");
  expect(lines[0]).toBe("id,a,b,y,prediction,error");
  expect(lines).toHaveLength(30_001);

  // A 200,000-row job, cancelled from its row: cancelled, and no output is offered.
  await form.getByRole("combobox", { name: "Dataset version" }).selectOption(big.id);
  await form.getByRole("button", { name: "Start job" }).click();
  const second = jobOn(`${big.name} v${big.version}`);
  await expect(second.getByRole("progressbar")).toHaveAttribute("aria-valuemax", "200000");
  await second.getByRole("button", { name: /^Cancel job/ }).click();
  await expect(second.getByRole("status", { name: "Job status" })).toHaveText(/Cancelled/, { timeout: 120_000 });
  await expect(second.getByRole("link", { name: "Download output.csv" })).toHaveCount(0);
  await expect(second.getByRole("button", { name: /^Cancel/ })).toHaveCount(0);
  await expect(second.getByText("200,000 / 200,000 rows", { exact: true })).toHaveCount(0);

  // A CSV file with one unparseable value: the row is recorded with why, the others are scored.
  await form.getByRole("radio", { name: "An uploaded CSV" }).check();
  await form
    .getByLabel("CSV file", { exact: true })
    .setInputFiles({ name: "one-bad-row.csv", mimeType: "text/csv", buffer: Buffer.from("id,a,b\n0,1,2\n1,abc,2\n2,3,4\n3,0,0\n") });
  await form.getByLabel("Error threshold").fill("5");
  await form.getByRole("button", { name: "Start job" }).click();
  const third = jobOn("one-bad-row.csv");
  await expect(third.getByRole("status", { name: "Job status" })).toHaveText(/Succeeded/, { timeout: 180_000 });
  await expect(third.getByText("4 / 4 rows", { exact: true })).toBeVisible();
  await expect(third.getByText(/error threshold 5/)).toBeVisible();
  await third.getByRole("button", { name: "1 failed row" }).click();
  await expect(third.getByRole("list", { name: /^Row errors of job/ }).getByRole("listitem")).toHaveText([/^Row 1: a: expected a number/]);
  await expect(third.getByRole("link", { name: "Download output.csv" })).toBeVisible();

  // Newest first.
  await expect(list.getByRole("listitem", { name: /^Job #/ })).toHaveCount(3);
  await expect(list.getByRole("listitem", { name: /^Job #/ }).first()).toHaveAccessibleName(/one-bad-row\.csv$/);
  await expect(list.getByRole("listitem", { name: /^Job #/ }).last()).toHaveAccessibleName(new RegExp(`${input.name} v${input.version}$`));
});
