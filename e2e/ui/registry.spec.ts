import fs from "node:fs";
import { expect, test } from "./test";
import { json, regressionProjectWithRecipe } from "./fixtures";

interface ApiRun {
  id: string;
  status: string;
}

test("a person registers a run, downloads its bundle from the registry and imports it back as version 2", async ({ page, request }) => {
  test.setTimeout(180_000);
  const project = await regressionProjectWithRecipe(request, "Registry");
  const queued = await json<ApiRun>(await request.post(`/api/projects/${project.id}/runs`, { data: { algorithm: "linear", params: { epochs: 30 } } }), 202);
  await expect
    .poll(async () => (await json<ApiRun>(await request.get(`/api/runs/${queued.id}`), 200)).status, { timeout: 120_000, intervals: [500, 1000] })
    .toBe("succeeded");

  // Register from the run's details; the name defaults to the project's.
  await page.goto(`/projects/${project.id}/train`);
  const detail = page.getByRole("region", { name: /^Run details/ });
  const register = detail.getByRole("form", { name: "Register as a model" });
  await expect(register.getByLabel("Model name")).toHaveValue(project.name);
  await register.getByRole("button", { name: "Register model" }).click();
  await expect(detail.getByText(`Registered as ${project.name} v1`)).toBeVisible();

  // The main navigation leads to the registry, where the version is listed with its facts.
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Models" }).click();
  await expect(page).toHaveURL(/\/models$/);
  const group = page.getByRole("region", { name: project.name, exact: true });
  const versions = group.getByRole("table", { name: `Versions of ${project.name}` });
  const v1 = versions.getByRole("row").filter({ has: page.getByRole("rowheader", { name: "v1", exact: true }) });
  await expect(v1).toHaveCount(1);
  await expect(v1.getByRole("cell", { name: "linear", exact: true })).toBeVisible();
  await expect(v1.getByRole("cell", { name: "Regression", exact: true })).toBeVisible();
  await expect(v1.getByText("R²", { exact: true })).toBeVisible();
  await expect(v1.getByRole("link", { name: project.name, exact: true })).toHaveAttribute("href", `/projects/${project.id}/train`);

  // The bundle downloads as a non-empty tar archive.
  const downloading = page.waitForEvent("download");
  await v1.getByRole("link", { name: `Download bundle of ${project.name} v1` }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/-v1\.tar$/);
  const bundlePath = await download.path();
  const bytes = fs.readFileSync(bundlePath);
  expect(bytes.byteLength).toBeGreaterThan(1024);
  expect(bytes.subarray(257, 262).toString("latin1")).toBe("ustar");

  // Imported back under the name it carries, it becomes version 2 of the same model.
  const importForm = page.getByRole("form", { name: "Import a model bundle" });
  await importForm.getByLabel("Bundle file").setInputFiles({ name: download.suggestedFilename(), mimeType: "application/x-tar", buffer: bytes });
  await importForm.getByRole("button", { name: "Import bundle" }).click();
  await expect(importForm.getByText(`Imported as ${project.name} v2`)).toBeVisible();
  const v2 = versions.getByRole("row").filter({ has: page.getByRole("rowheader", { name: "v2", exact: true }) });
  await expect(v2).toHaveCount(1);
  await expect(v2.getByText(`Imported from ${project.name} v1`)).toBeVisible();
  await expect(group.getByText("2 versions · latest v2")).toBeVisible();
});

test("a file that is not a bundle is refused next to the file field", async ({ page }) => {
  await page.goto("/models");
  const importForm = page.getByRole("form", { name: "Import a model bundle" });
  await importForm.getByLabel("Bundle file").setInputFiles({ name: "notes.tar", mimeType: "application/x-tar", buffer: Buffer.from("not a tar at all") });
  await importForm.getByRole("button", { name: "Import bundle" }).click();
  await expect(importForm.getByLabel("Bundle file")).toHaveAttribute("aria-invalid", "true");
  await expect(importForm.getByText(/not a tar bundle|missing/)).toBeVisible();
});
