/**
 * Every page carries the security headers, and the app works within its Content-Security-Policy:
 * the pages a person opens (projects, training with tfjs in the browser, reports, the shop) report
 * no policy violation.
 */
import { expect, test, type Page } from "./test";

/** Collects CSP violations the page reports (the browser's own event, forwarded to the console). */
async function watchViolations(page: Page): Promise<string[]> {
  const seen: string[] = [];
  page.on("console", (m) => {
    if (m.text().startsWith("csp-violation")) seen.push(m.text());
  });
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) =>
      console.error(`csp-violation ${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`),
    );
  });
  return seen;
}

test("pages carry the security headers and run within their Content-Security-Policy", async ({ page, request }) => {
  const violations = await watchViolations(page);
  const home = await page.goto("/");
  const headers = home!.headers();
  expect(headers["content-security-policy"]).toContain("frame-ancestors 'none'");
  expect(headers["content-security-policy"]).toContain("default-src 'self'");
  expect(headers["x-frame-options"]).toBe("DENY");
  expect(headers["x-content-type-options"]).toBe("nosniff");
  expect(headers["referrer-policy"]).toBe("strict-origin-when-cross-origin");
  await expect(page.getByRole("heading", { name: "Projects", level: 1 })).toBeVisible();

  const { items } = (await (await request.get("/api/projects")).json()) as { items: { id: string; name: string }[] };
  const oj = items.find((p) => p.name === "Orange juice sales")!;
  for (const path of [`/projects/${oj.id}/train`, `/projects/${oj.id}/prepare`, "/models", "/reports", "/datasets", "/account", "/shop"]) {
    const res = await page.goto(path);
    expect(res!.status(), path).toBeLessThan(400);
    expect(res!.headers()["content-security-policy"], path).toBeTruthy();
    await expect(page.locator("body")).not.toBeEmpty();
  }
  // The charts and the shop's images rendered; nothing was refused by the policy.
  expect(violations).toEqual([]);
});

test("the API answers carry nosniff too, and a page may not be framed", async ({ request }) => {
  const res = await request.get("/api/health");
  expect(res.headers()["x-content-type-options"]).toBe("nosniff");
  expect(res.headers()["x-frame-options"]).toBe("DENY");
});
