/**
 * The UI tests' `test`: the browser is signed in as the editor (storage state from
 * e2e/global-setup.ts), and the `request` fixture the tests make their data with calls the API as
 * the editor with a personal API token, as a script would.
 */
import { test as base } from "@playwright/test";
import { editorHeaders } from "../api/auth-helpers";

export const test = base.extend({
  request: async ({ playwright, baseURL }, use) => {
    const ctx = await playwright.request.newContext({ baseURL, extraHTTPHeaders: editorHeaders() });
    await use(ctx);
    await ctx.dispose();
  },
});

export { expect } from "@playwright/test";
export type { APIRequestContext, Locator, Page } from "@playwright/test";
