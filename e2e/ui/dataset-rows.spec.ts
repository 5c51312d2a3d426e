/**
 * A dataset's rows on its page: a click on a column's name sorts by it (ascending, descending,
 * then file order), filters narrow the rows on the server, and paging walks what matches.
 */
import { json } from "./fixtures";
import { expect, test } from "./test";

/** Thirty rows: prices 30 down to 1 except a missing one (row 15), every sixth row blue, the rest red. */
const CSV =
  ["id,price,color", ...Array.from({ length: 30 }, (_, k) => `${k + 1},${k + 1 === 15 ? "" : 31 - (k + 1)},${(k + 1) % 6 === 0 ? "blue" : "red"}`)].join("\n") +
  "\n";

test("the rows table sorts by a clicked column and pages through the rows a filter keeps", async ({ page, request }) => {
  const name = `Rows table ${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 7)}`;
  const dataset = await json<{ id: string }>(
    await request.post("/api/datasets", { multipart: { name, file: { name: "prices.csv", mimeType: "text/csv", buffer: Buffer.from(CSV) } } }),
    201,
  );
  await page.goto(`/datasets/${dataset.id}`);
  const table = page.getByRole("table", { name: `Rows of ${name} v1` });
  const status = page.getByText(/^Rows \d+–\d+ of/);
  await expect(status).toHaveText("Rows 1–20 of 30");
  const priceHeader = table.getByRole("columnheader", { name: /^price/ });
  const firstRow = table.getByRole("row").nth(1);
  await expect(firstRow.getByRole("cell").nth(1)).toHaveText("1");

  // Ascending: the cheapest first; the missing price last, on the second page.
  await priceHeader.getByRole("button", { name: "price" }).click();
  await expect(priceHeader).toHaveAttribute("aria-sort", "ascending");
  await expect(firstRow.getByRole("cell").nth(2)).toHaveText("1");
  await expect(firstRow.getByRole("cell").first()).toHaveText("30");
  await page.getByRole("button", { name: "Next →" }).click();
  await expect(status).toHaveText("Rows 21–30 of 30");
  await expect(table.getByRole("row").last().getByRole("cell").nth(2)).toHaveText("null");

  // Descending starts again at the first page; a third click goes back to file order.
  await priceHeader.getByRole("button", { name: "price" }).click();
  await expect(priceHeader).toHaveAttribute("aria-sort", "descending");
  await expect(status).toHaveText("Rows 1–20 of 30");
  await expect(firstRow.getByRole("cell").nth(2)).toHaveText("30");
  await priceHeader.getByRole("button", { name: "price" }).click();
  await expect(priceHeader).not.toHaveAttribute("aria-sort");
  await expect(firstRow.getByRole("cell").first()).toHaveText("1");

  // A value that is no number is named beside the form, and nothing is asked of the server.
  await page.getByLabel("Filter by", { exact: true }).selectOption("price");
  await page.getByLabel("Condition", { exact: true }).selectOption(">");
  await page.getByLabel("Value", { exact: true }).fill("lots");
  await page.getByRole("button", { name: "Add filter" }).click();
  await expect(page.getByText("Enter a number, such as 2 or 1.5.")).toBeVisible();
  await expect(status).toHaveText("Rows 1–20 of 30");

  // color = red keeps 25 of 30 rows: two pages of them.
  await page.getByLabel("Filter by", { exact: true }).selectOption("color");
  await page.getByLabel("Condition", { exact: true }).selectOption("==");
  await page.getByLabel("Value", { exact: true }).fill("red");
  await page.getByRole("button", { name: "Add filter" }).click();
  const filters = page.getByRole("list", { name: "Filters in force" });
  await expect(filters.getByRole("listitem")).toHaveText([/^color = "red"/]);
  await expect(status).toHaveText("Rows 1–20 of 25 · 25 of 30 rows match");
  await page.getByRole("button", { name: "Next →" }).click();
  await expect(status).toHaveText("Rows 21–25 of 25 · 25 of 30 rows match");
  await expect(page.getByRole("button", { name: "Next →" })).toBeDisabled();
  await expect(table.getByRole("cell", { name: "blue", exact: true })).toHaveCount(0);

  // With a sort and a second filter: red rows priced at least 20, most expensive first.
  await priceHeader.getByRole("button", { name: "price" }).click();
  await priceHeader.getByRole("button", { name: "price" }).click();
  await page.getByLabel("Filter by", { exact: true }).selectOption("price");
  await page.getByLabel("Condition", { exact: true }).selectOption(">=");
  await page.getByLabel("Value", { exact: true }).fill("20");
  await page.getByRole("button", { name: "Add filter" }).click();
  await expect(status).toHaveText("Rows 1–10 of 10 · 10 of 30 rows match");
  await expect(table.getByRole("row")).toHaveCount(11);
  await expect(firstRow.getByRole("cell").nth(2)).toHaveText("30");
  // The # column keeps each row's place in the version.
  await expect(firstRow.getByRole("cell").first()).toHaveText("1");

  // Removing the filters brings every row back, still sorted.
  await page.getByRole("button", { name: 'Remove filter color = "red"' }).click();
  await expect(status).toHaveText("Rows 1–11 of 11 · 11 of 30 rows match");
  await page.getByRole("button", { name: "Remove filter price ≥ 20" }).click();
  await expect(status).toHaveText("Rows 1–20 of 30");
  await expect(priceHeader).toHaveAttribute("aria-sort", "descending");
});
