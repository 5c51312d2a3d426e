import { expect, test } from "./test";

/**
 * The seed's real-time scenario: on first start the worker trains the sample recommender and
 * deploys it to the "web-shop" endpoint; the shop's product pages call it over HTTP with a key.
 */
test("a shopper opens a product and sees recommendations from the real-time endpoint, with the call's time", async ({ page, request }) => {
  // The shop's model trains on the worker at first start, possibly behind other tests' runs.
  test.setTimeout(240_000);
  await expect.poll(async () => (await request.get("/api/endpoints/web-shop")).status(), { timeout: 220_000, intervals: [1000, 2000, 5000] }).toBe(200);
  // Ready: the web server has compiled the model the worker deployed.
  await expect.poll(async () => (await request.get("/v2/models/web-shop/ready")).status(), { timeout: 30_000 }).toBe(200);
  const endpoint = (await (await request.get("/api/endpoints/web-shop")).json()) as { model: { name: string; version: number }; task: string };
  expect(endpoint.task).toBe("recommendation");

  await page.goto("/shop");
  const products = page.getByRole("list", { name: "Products" });
  await expect(products.getByRole("listitem")).toHaveCount(48);
  await page.getByRole("searchbox", { name: "Search products" }).fill("lantern");
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page).toHaveURL(/\/shop\?q=lantern/);
  const first = products.getByRole("link").first();
  // biome-ignore lint/performance/useDomNodeTextContent: Playwright's Locator.innerText, the text as rendered, not a DOM node's.
  const name = (await first.getByRole("paragraph").first().innerText()).trim();
  expect(name.toLowerCase()).toContain("lantern");
  await first.click();

  const product = page.getByRole("article", { name: "Product" });
  await expect(product.getByRole("heading", { level: 2 })).toHaveText(name);
  const recommendations = page.getByRole("list", { name: "Recommendations" });
  await expect(recommendations.getByRole("listitem")).toHaveCount(8);
  await expect(recommendations.getByText(name, { exact: true })).toHaveCount(0);
  await expect(page.getByTestId("recommendation-timing")).toContainText(/8 recommendations in \d+(\.\d)? ms from the “web-shop” endpoint/);

  // A recommendation is a product page of its own, with recommendations of its own.
  await recommendations.getByRole("link").first().click();
  await expect(page.getByRole("list", { name: "Recommendations" }).getByRole("listitem")).toHaveCount(8);
});

test("an unknown product is a 404 page, not an error", async ({ page }) => {
  const res = await page.goto("/shop/NO-SUCH-ITEM");
  expect(res?.status()).toBe(404);
});
