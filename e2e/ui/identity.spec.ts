import type { Browser, Page, PlaywrightWorkerArgs } from "@playwright/test";
import { ADMIN_EMAIL, ADMIN_PASSWORD, adminHeaders } from "../api/auth-helpers";
import { json, REPORT, seededReport } from "./fixtures";
import { expect, test } from "./test";

/**
 * Identity and access in the browser: signing in and out, an administrator inviting a viewer
 * through Admin → People, and what a viewer sees (everything) and may change (nothing).
 */

const unique = () => `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 7)}`;

/** A person of `role` made through the API (an administrator's invite, accepted), with a fresh password. */
async function createMember(playwright: PlaywrightWorkerArgs["playwright"], baseURL: string, role: "viewer" | "editor", label: string) {
  const tag = unique();
  const person = { email: `${label}-${tag}@workbench.test`, name: `${label} ${tag}`, password: `pw-${tag}-long-enough` };
  // A context of its own: the accepted invite's session cookie stays out of every other one.
  const api = await playwright.request.newContext({ baseURL, storageState: { cookies: [], origins: [] } });
  try {
    const invite = await json<{ token: string }>(
      await api.post("/api/invites", { data: { role, email: person.email }, headers: { ...adminHeaders(), origin: baseURL } }),
      201,
    );
    await json(await api.post("/api/invites/accept", { data: { token: invite.token, ...person }, headers: { origin: baseURL } }), 201);
  } finally {
    await api.dispose();
  }
  return person;
}

/** A browser context with no session at all (the project's default is the editor's). */
const signedOutContext = (browser: Browser) => browser.newContext({ storageState: undefined });

async function signInThroughForm(page: Page, email: string, password: string) {
  const form = page.getByRole("form", { name: "Sign in" });
  await form.getByLabel("Email").fill(email);
  await form.getByLabel("Password").fill(password);
  await form.getByRole("button", { name: "Sign in" }).click();
}

test.describe("signed out", () => {
  test.use({ storageState: { cookies: [], origins: [] } });

  test("sign-in refuses a wrong password and takes the right one home; after signing out, pages lead back to sign-in", async ({
    page,
    playwright,
    baseURL,
  }) => {
    const person = await createMember(playwright, baseURL!, "editor", "sign-in");

    await page.goto("/sign-in");
    // Signed out, there is no header: no sections, no account.
    await expect(page.getByRole("navigation", { name: "Main" })).toHaveCount(0);
    await signInThroughForm(page, person.email, "not-the-password");
    const form = page.getByRole("form", { name: "Sign in" });
    await expect(form.getByRole("alert")).toContainText(/password/i);
    await expect(page).toHaveURL(/\/sign-in$/);

    await signInThroughForm(page, person.email, person.password);
    await expect(page).toHaveURL(`${baseURL}/`);
    await expect(page.getByRole("heading", { level: 1, name: "Projects" })).toBeVisible();
    const signedIn = page.getByRole("group", { name: "Signed in" });
    await expect(signedIn).toContainText(person.name);
    await expect(signedIn.getByTestId("role-badge")).toHaveText("Editor");
    await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Admin" })).toHaveCount(0);

    await signedIn.getByRole("button", { name: "Sign out" }).click();
    await expect(page).toHaveURL(/\/sign-in$/);
    await page.goto("/models");
    await expect(page).toHaveURL(/\/sign-in\?next=%2Fmodels$/);

    // Signing in again returns to the page that was asked for.
    await signInThroughForm(page, person.email, person.password);
    await expect(page).toHaveURL(/\/models$/);
    await expect(page.getByRole("heading", { level: 1, name: "Models" })).toBeVisible();
  });
});

test("an administrator invites a viewer, who reads the report and the endpoint but is given no control to change them", async ({
  browser,
  request,
  baseURL,
}) => {
  test.setTimeout(360_000);
  const report = await seededReport(request);
  const endpoint = (await (await request.get("/api/endpoints/oj-weekly")).json()) as { projectId: string | null };
  const tag = unique();
  const person = { email: `viewer-${tag}@workbench.test`, name: `Viewer ${tag}`, password: `pw-${tag}-long-enough` };

  // The administrator signs in and invites the viewer from Admin → People; the link is shown once.
  const adminContext = await signedOutContext(browser);
  const admin = await adminContext.newPage();
  await admin.goto("/sign-in");
  await signInThroughForm(admin, ADMIN_EMAIL, ADMIN_PASSWORD);
  await expect(admin).toHaveURL(`${baseURL}/`);
  await admin.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Admin" }).click();
  await expect(admin).toHaveURL(/\/admin\/people$/);
  const inviteForm = admin.getByRole("form", { name: "Invite someone" });
  await inviteForm.getByLabel("Role").selectOption("viewer");
  await inviteForm.getByLabel("Email").fill(person.email);
  await inviteForm.getByRole("button", { name: "Create invite link" }).click();
  const link = admin.getByLabel("Invite link", { exact: true });
  await expect(link).toHaveValue(/\/invite\?token=\S+$/);
  const inviteUrl = await link.inputValue();
  const invites = admin.getByRole("table", { name: "Invites" });
  await expect(invites.getByRole("row").filter({ hasText: person.email })).toContainText("pending");

  // The viewer opens the link in a browser of their own and creates the account.
  const viewerContext = await signedOutContext(browser);
  const viewer = await viewerContext.newPage();
  await viewer.goto(inviteUrl);
  const join = viewer.getByRole("form", { name: "Accept the invite" });
  await join.getByLabel("Name").fill(person.name);
  await join.getByLabel("Email").fill(person.email);
  await join.getByLabel("Password", { exact: true }).fill(person.password);
  await join.getByLabel("Password again").fill(person.password);
  await join.getByRole("button", { name: "Create my account" }).click();
  await expect(viewer).toHaveURL(`${baseURL}/`);
  await expect(viewer.getByRole("heading", { level: 1, name: "Projects" })).toBeVisible();
  await expect(viewer.getByRole("group", { name: "Signed in" }).getByTestId("role-badge")).toHaveText("Viewer");
  await expect(viewer.getByRole("form", { name: "New project" })).toHaveCount(0);
  const nav = viewer.getByRole("navigation", { name: "Main" });
  await expect(nav.getByRole("link", { name: "Reports" })).toBeVisible();
  await expect(nav.getByRole("link", { name: "Datasets" })).toHaveCount(0);
  await expect(nav.getByRole("link", { name: "Admin" })).toHaveCount(0);

  // The administrator sees the invite used and the new person as a viewer.
  await admin.reload();
  await expect(invites.getByRole("row").filter({ hasText: person.email })).toContainText("used");
  await expect(admin.getByRole("combobox", { name: `Role of ${person.name}` })).toHaveValue("viewer");

  // The report: its chart, and nothing that refreshes or deletes it.
  await nav.getByRole("link", { name: "Reports" }).click();
  await viewer.getByRole("link", { name: REPORT }).click();
  await expect(viewer.getByRole("heading", { level: 1, name: REPORT })).toBeVisible();
  const chart = viewer.getByTestId("report-chart");
  await expect(chart.locator(".report-history-line path.recharts-line-curve")).toHaveCount(1);
  await expect(chart.locator(".report-forecast-line path.recharts-line-curve")).toHaveCount(1);
  await expect(viewer.getByRole("button", { name: "Export CSV" })).toBeEnabled();
  await expect(viewer.getByRole("button", { name: /refresh/i })).toHaveCount(0);
  await expect(viewer.getByRole("button", { name: /delete/i })).toHaveCount(0);

  // The endpoint: its keys listed, none to rotate; no version switch, split, job or deploy.
  await viewer.goto("/endpoints/oj-weekly");
  await expect(viewer.getByRole("heading", { level: 1, name: "Endpoint oj-weekly" })).toBeVisible();
  await expect(viewer.getByRole("table", { name: "Keys of oj-weekly" }).getByRole("row", { name: /primary/i })).toBeVisible();
  await expect(viewer.getByRole("button", { name: /rotate/i })).toHaveCount(0);
  await expect(viewer.getByRole("form", { name: "Switch model version" })).toHaveCount(0);
  await expect(viewer.getByRole("form", { name: "Traffic split" })).toHaveCount(0);
  await expect(viewer.getByRole("form", { name: "Start a batch job" })).toHaveCount(0);
  await expect(viewer.getByRole("button", { name: /deploy/i })).toHaveCount(0);

  // The project's Integrate step lists the endpoint but offers no deploy form.
  expect(endpoint.projectId).not.toBeNull();
  await viewer.goto(`/projects/${encodeURIComponent(endpoint.projectId!)}/integrate`);
  await expect(viewer.getByRole("table", { name: "Endpoints of this project" }).getByRole("link", { name: "oj-weekly" })).toBeVisible();
  await expect(viewer.getByRole("form", { name: "Deploy a model version" })).toHaveCount(0);

  // The API refuses the viewer's write for their role (the same-origin header rules out a cross-site refusal).
  const me = await viewer.request.get("/api/me");
  expect((await json<{ role: string }>(me, 200)).role).toBe("viewer");
  const refused = await viewer.request.post(`/api/reports/${encodeURIComponent(report.id)}/refresh`, { data: {}, headers: { origin: baseURL! } });
  expect(refused.status(), await refused.text()).toBe(403);

  await viewerContext.close();
  await adminContext.close();
});
