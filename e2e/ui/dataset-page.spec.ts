/**
 * The datasets catalog and a version's page: what the server rendered is what the schema table and
 * the rows read (one query for both), and a type changed in the schema table reaches the rows.
 */
import { json } from "./fixtures";
import { expect, test } from "./test";

test("a dataset's page reads a column by the type chosen in its schema, in the schema and the rows alike", async ({ page, request }) => {
  const name = `Dataset page ${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 7)}`;
  const csv = "code,amount\n7,1.5\n8,2.5\n9,3.5\n";
  const dataset = await json<{ id: string }>(
    await request.post("/api/datasets", { multipart: { name, file: { name: "codes.csv", mimeType: "text/csv", buffer: Buffer.from(csv) } } }),
    201,
  );

  await page.goto("/datasets");
  await expect(page.getByText(name, { exact: true })).toBeVisible();

  await page.goto(`/datasets/${dataset.id}`);
  await expect(page.getByRole("heading", { level: 1 })).toContainText(name);
  const type = page.getByLabel("Type of code");
  await expect(type).toHaveValue("integer");
  const rows = page.getByRole("table", { name: `Rows of ${name} v1` });
  await expect(rows.getByRole("row")).toHaveCount(4);
  await expect(rows.getByRole("columnheader", { name: /^code/ })).toHaveText("codeinteger");
  await expect(rows.getByRole("cell", { name: "2.5", exact: true })).toBeVisible();

  await type.selectOption("category");
  await expect(page.getByText("code is now read as category; the profile and rows follow.")).toBeVisible();
  await expect(page.getByRole("row", { name: /^code/ }).getByText("overridden")).toBeVisible();
  await expect(rows.getByRole("columnheader", { name: /^code/ })).toHaveText("codecategory");

  // Rendered again from the database, the page reads the column as it was left.
  await page.reload();
  await expect(page.getByLabel("Type of code")).toHaveValue("category");
  await expect(page.getByRole("table", { name: `Rows of ${name} v1` }).getByRole("columnheader", { name: /^code/ })).toHaveText("codecategory");
});
