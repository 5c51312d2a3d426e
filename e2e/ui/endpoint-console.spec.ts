import { expect, test, type Page } from "./test";
import { json, regressionProjectWithRecipe } from "./fixtures";

interface ApiRun {
  id: string;
  status: string;
}
interface ApiModel {
  id: string;
  name: string;
  version: number;
}

/** The body of the console's last answer, parsed. */
async function answerBody(page: Page) {
  // biome-ignore lint/performance/useDomNodeTextContent: Playwright's Locator.innerText, the text as rendered, not a DOM node's.
  return JSON.parse(await page.getByRole("region", { name: "Answer" }).getByLabel("Answer body").innerText()) as { predictions: unknown[]; model: ApiModel };
}

test("a person deploys a model from the Integrate step, tests it in the console, rotates a key and sees the traffic", async ({ page, request }) => {
  test.setTimeout(180_000);
  // Set up through the API: a trained linear model of y = 2a − b + 1, registered twice (v1 and v2).
  const project = await regressionProjectWithRecipe(request, "Endpoint console");
  const queued = await json<ApiRun>(await request.post(`/api/projects/${project.id}/runs`, { data: { algorithm: "linear", params: { epochs: 30 } } }), 202);
  await expect
    .poll(async () => (await json<ApiRun>(await request.get(`/api/runs/${queued.id}`), 200)).status, { timeout: 120_000, intervals: [500, 1000] })
    .toBe("succeeded");
  const v1 = await json<ApiModel>(await request.post("/api/models", { data: { runId: queued.id } }), 201);
  const v2 = await json<ApiModel>(await request.post("/api/models", { data: { runId: queued.id } }), 201);
  expect([v1.version, v2.version]).toEqual([1, 2]);

  // Deploy v1 from the Integrate step; the name is suggested from the project's.
  await page.goto(`/projects/${project.id}/integrate`);
  const steps = page.getByRole("navigation", { name: "Steps" });
  await expect(steps.getByRole("link", { name: /Integrate/ })).toContainText("Not started");
  const deploy = page.getByRole("form", { name: "Deploy a model version" });
  const nameField = deploy.getByLabel("Endpoint name");
  await expect(nameField).toHaveValue(/^endpoint-console-[a-z0-9-]+$/);
  const endpointName = await nameField.inputValue();
  await deploy.getByLabel("Model version").selectOption(v1.id);
  await deploy.getByRole("button", { name: "Deploy" }).click();

  // Both keys, shown once, in a marked panel with copy buttons.
  const keysPanel = page.getByRole("region", { name: "Keys — shown only once" });
  await expect(keysPanel).toBeVisible();
  const primaryKey = await keysPanel.getByLabel("Primary key", { exact: true }).inputValue();
  const secondaryKey = await keysPanel.getByLabel("Secondary key", { exact: true }).inputValue();
  expect(primaryKey).toMatch(/^wbk_\S{20,}$/);
  expect(secondaryKey).toMatch(/^wbk_\S{20,}$/);
  expect(secondaryKey).not.toBe(primaryKey);
  await expect(keysPanel.getByRole("button", { name: "Copy primary key" })).toBeVisible();
  await expect(keysPanel.getByRole("button", { name: "Copy secondary key" })).toBeVisible();
  await expect(steps.getByRole("link", { name: /Integrate/ })).toContainText("Done");

  // Shown once: after a reload the keys are gone; the endpoint is listed with its version.
  await page.reload();
  await expect(page.getByRole("heading", { name: "Endpoints" })).toBeVisible();
  await expect(page.getByRole("region", { name: "Keys — shown only once" })).toHaveCount(0);
  const row = page.getByRole("table", { name: "Endpoints of this project" }).getByRole("row").filter({ hasText: endpointName });
  await expect(row.getByRole("cell", { name: `${project.name} v1`, exact: true })).toBeVisible();
  await row.getByRole("link", { name: endpointName }).click();

  // The endpoint page: ready, serving v1, the key of this browser session already in the console.
  await expect(page).toHaveURL(new RegExp(`/endpoints/${endpointName}$`));
  const overview = page.getByRole("region", { name: "Overview" });
  await expect(overview.getByRole("status").filter({ hasText: "Ready" })).toBeVisible();
  await expect(overview.getByText(`${project.name} v1`, { exact: true })).toBeVisible();
  const consoleForm = page.getByRole("form", { name: "Test request" });
  await expect(consoleForm.getByLabel("Key", { exact: true })).toHaveValue(primaryKey);

  // The generated form has one number input per column; a row scores 2·1 − 2 + 1 = 1.
  await consoleForm.getByLabel("a", { exact: true }).fill("1");
  await consoleForm.getByLabel("b", { exact: true }).fill("2");
  await consoleForm.getByRole("button", { name: "Send" }).click();
  const answer = page.getByRole("region", { name: "Answer" });
  await expect(answer.getByText("Status 200")).toBeVisible();
  await expect(answer.getByText(`${project.name}@1`, { exact: true })).toBeVisible();
  await expect(answer.getByText(/^req_/)).toBeVisible();
  await expect(answer.getByText(/^\d[\d,]* ms$/)).toBeVisible();
  const scored = await answerBody(page);
  expect(typeof scored.predictions[0]).toBe("number");
  expect(Math.abs((scored.predictions[0] as number) - 1)).toBeLessThan(0.5);
  expect(scored.model).toMatchObject({ id: v1.id, version: 1 });

  // The snippets carry the absolute URL, the key from the environment and the console's body.
  const snippets = page.getByRole("region", { name: "Snippets" });
  const origin = new URL(page.url()).origin;
  await expect(snippets.getByLabel("curl snippet", { exact: true })).toContainText(`${origin}/api/endpoints/${endpointName}/score`);
  await expect(snippets.getByLabel("curl snippet", { exact: true })).toContainText("$WORKBENCH_KEY");
  await expect(snippets.getByLabel("curl snippet", { exact: true })).toContainText(`{"rows":[{"a":1,"b":2}]}`);
  await snippets.getByRole("tab", { name: "Python (requests)" }).click();
  await expect(snippets.getByLabel("Python (requests) snippet", { exact: true })).toContainText(`os.environ['WORKBENCH_KEY']`);
  await expect(snippets.getByRole("button", { name: "Copy Python (requests) snippet" })).toBeVisible();

  // The raw JSON tab starts from the form's body; a wrong type comes back as a field error.
  await consoleForm.getByRole("tab", { name: "Raw JSON" }).click();
  const raw = consoleForm.getByLabel("Request body (JSON)");
  await expect(raw).toHaveValue(/"a": 1,\s*"b": 2/);
  await raw.fill(JSON.stringify({ rows: [{ a: "lots", b: 2 }] }));
  await consoleForm.getByRole("button", { name: "Send" }).click();
  await expect(answer.getByText("Status 422")).toBeVisible();
  await expect(answer.getByRole("list", { name: "Field errors" }).getByRole("listitem")).toContainText(['rows[0].a: expected a number, got "lots"']);

  // Live traffic shows the two requests just sent, one of them an error.
  const traffic = page.getByRole("region", { name: "Live traffic" });
  await expect(traffic.locator("dt:text-is('Requests') + dd")).toHaveText("2");
  await expect(traffic.locator("dt:text-is('Errors') + dd")).toHaveText("1");
  await expect(traffic.locator("dt:text-is('p95 latency') + dd")).toHaveText(/^[\d.,]+ ms$/);
  // The chart draws a bar for the minute with traffic.
  await expect(traffic.getByRole("figure", { name: "Requests and p95 latency per minute" }).locator(".recharts-bar-rectangle path").first()).toBeVisible();

  // Rotate the secondary key: a new key is shown once, the old one stops, the primary keeps working.
  const keys = page.getByRole("region", { name: "Keys", exact: true });
  await keys.getByRole("button", { name: "Rotate secondary key" }).click();
  await keys.getByRole("button", { name: "Confirm rotating the secondary key" }).click();
  const newKeyPanel = keys.getByRole("region", { name: "New key — shown only once" });
  const newSecondary = await newKeyPanel.getByLabel("Secondary key", { exact: true }).inputValue();
  expect(newSecondary).toMatch(/^wbk_\S{20,}$/);
  expect(newSecondary).not.toBe(secondaryKey);
  await expect(keys.getByRole("row", { name: /secondary/i })).toContainText(`${newSecondary.slice(0, 10)}…`);
  const score = (key: string) =>
    request.post(`/api/endpoints/${endpointName}/score`, { headers: { authorization: `Bearer ${key}` }, data: { rows: [{ a: 0, b: 0 }] } });
  expect((await score(secondaryKey)).status()).toBe(401);
  expect((await score(newSecondary)).status()).toBe(200);
  expect((await score(primaryKey)).status()).toBe(200);

  // Switch to v2: the next answer names it.
  const switchForm = page.getByRole("form", { name: "Switch model version" });
  await switchForm.getByLabel("Serve version").selectOption({ label: `${project.name} v2` });
  await switchForm.getByRole("button", { name: "Switch version" }).click();
  await expect(overview.getByText(`${project.name} v2`, { exact: true })).toBeVisible();
  await consoleForm.getByRole("tab", { name: "Form" }).click();
  await consoleForm.getByRole("button", { name: "Send" }).click();
  await expect(answer.getByText(`${project.name}@2`, { exact: true })).toBeVisible();
  expect((await answerBody(page)).model).toMatchObject({ id: v2.id, version: 2 });
});
