import { test, expect } from "./test";

/** A small file with a column name holding a space and brackets; price [USD] has mean 55. */
const CSV = [
  "id,color,price [USD],weight kg,sold",
  "1,red,10,1.5,true",
  "2,blue,20,2.5,false",
  "3,red,30,3.5,true",
  "4,green,40,4.5,false",
  "5,red,50,5.5,true",
  "6,blue,60,6.5,false",
  "7,red,70,7.5,true",
  "8,green,80,8.5,false",
  "9,red,90,9.5,true",
  "10,blue,100,10.5,false",
].join("\n");

test("a newcomer creates a project, uploads data, profiles it and saves a recipe", async ({ page }) => {
  const runId = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 7)}`;
  const projectName = `Newcomer ${runId}`;
  const datasetName = `fruit sales ${runId}`;

  // Define: a new project from the home page.
  await page.goto("/");
  const newProject = page.getByRole("form", { name: "New project" });
  await newProject.getByLabel("Name", { exact: true }).fill(projectName);
  await newProject.getByLabel("Task").selectOption("classification");
  await newProject.getByLabel("Success metric").selectOption("accuracy");
  await newProject.getByLabel("Threshold").fill("0.8");
  await newProject.getByRole("button", { name: "Create project" }).click();
  await expect(page).toHaveURL(/\/projects\/[^/]+\/define$/);
  await expect(page.getByRole("heading", { name: projectName, level: 1 })).toBeVisible();

  // Get data: upload a CSV, attach it, read its rows.
  const steps = page.getByRole("navigation", { name: "Steps" });
  await steps.getByRole("link", { name: /^Get data/ }).click();
  await expect(page).toHaveURL(/\/data$/);
  const upload = page.getByRole("form", { name: "Upload a data file" });
  await upload.getByLabel("Data file").setInputFiles({ name: "fruit-sales.csv", mimeType: "text/csv", buffer: Buffer.from(CSV) });
  await upload.getByLabel("Dataset name").fill(datasetName);
  await upload.getByRole("button", { name: "Upload" }).click();
  await expect(page.getByText(`Uploaded ${datasetName} v1: 10 rows, 5 columns`)).toBeVisible();
  await page.getByRole("button", { name: `Attach ${datasetName} v1 to this project` }).click();
  await expect(page.getByText("✓ Attached to this project")).toBeVisible();
  await expect(steps.getByRole("link", { name: /^Get data/ })).toContainText("Done");

  const rows = page.getByRole("table", { name: `Rows of ${datasetName} v1` });
  await expect(rows.getByRole("columnheader", { name: /price \[USD\]/ })).toBeVisible();
  await expect(rows.getByRole("columnheader", { name: /weight kg/ })).toBeVisible();
  await expect(rows.getByRole("cell", { name: "green" }).first()).toBeVisible();
  await expect(rows.getByRole("cell", { name: "100", exact: true })).toBeVisible();
  await expect(page.getByText("Rows 1–10 of 10")).toBeVisible();

  // Prepare: the profile of the attached version.
  await steps.getByRole("link", { name: /^Prepare/ }).click();
  await expect(page).toHaveURL(/\/prepare$/);
  const price = page.getByRole("region", { name: "price [USD]", exact: true });
  await expect(price.getByRole("row", { name: "Mean 55" })).toBeVisible();
  await expect(price.getByRole("figure", { name: "Histogram of price [USD]" }).locator("svg").first()).toBeVisible();
  const color = page.getByRole("region", { name: "color", exact: true });
  await expect(color.getByRole("figure", { name: "Top values of color" }).locator("svg").first()).toBeVisible();

  // Prepare: a recipe that one-hot encodes the colour, previewed live, then saved.
  await page.getByLabel("Target", { exact: true }).selectOption("sold");
  const features = page.getByRole("list", { name: "Feature columns" });
  await expect(features.getByText("price [USD]", { exact: true })).toBeVisible();
  await page.getByLabel("New step").selectOption("onehot");
  await page.getByRole("button", { name: "Add step" }).click();
  const onehot = page.getByRole("listitem", { name: "Step 1: One-hot encode" });
  await onehot.getByRole("checkbox", { name: /^color/ }).check();
  await expect(features.getByText("color=red", { exact: true })).toBeVisible();
  await expect(features.getByText("color", { exact: true })).toHaveCount(0);

  await page.getByRole("button", { name: "Save recipe" }).click();
  await expect(page.getByText("Saved as version 1")).toBeVisible();
  await expect(page.getByRole("list", { name: "Recipe versions" }).getByText("Version 1")).toBeVisible();
  await expect(steps.getByRole("link", { name: /^Prepare/ })).toContainText("Done");
});
