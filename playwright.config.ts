import os from "node:os";
import path from "node:path";
import { defineConfig } from "@playwright/test";
import { ADMIN_EMAIL, ADMIN_PASSWORD } from "./e2e/api/auth-helpers";

/**
 * The test server's port: one per test run (chosen by the runner and inherited by its workers), so
 * two runs on one machine never share a server or its data folder. TEST_PORT pins it.
 */
// Not 3659: fetch refuses the ports of the WHATWG "bad ports" list ("bad port"), and that is the one in this range.
const byPid = 3200 + (process.pid % 700);
const PORT = Number((process.env.TEST_PORT ??= String(byPid === 3659 ? 3660 : byPid)));

export default defineConfig({
  testDir: "e2e",
  fullyParallel: true,
  workers: 2,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: [["list"]],
  // Signs in as the test administrator, makes an editor and a viewer with tokens (e2e/api/auth-helpers.ts).
  globalSetup: "./e2e/global-setup.ts",
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    trace: "retain-on-failure",
  },
  projects: [
    {
      name: "api",
      testMatch: /api\/.*\.spec\.ts/,
      // Every API test calls as the editor unless it sends other credentials (set by e2e/global-setup.ts).
      use: process.env.WB_EDITOR_TOKEN ? { extraHTTPHeaders: { authorization: `Bearer ${process.env.WB_EDITOR_TOKEN}` } } : {},
    },
    {
      name: "e2e",
      testMatch: /ui\/.*\.spec\.ts/,
      use: {
        browserName: "chromium",
        // The UI tests run signed in as the editor (a session cookie from e2e/global-setup.ts).
        storageState: process.env.WB_EDITOR_STATE,
        launchOptions: {
          executablePath: "/usr/bin/chromium",
          args: [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
          ],
        },
      },
    },
  ],
  webServer: {
    command: "node scripts/serve-test.mjs",
    url: `http://127.0.0.1:${PORT}/api/health`,
    reuseExistingServer: false,
    timeout: 120_000,
    env: {
      PORT: String(PORT),
      WORKBENCH_DATA_DIR: path.join(os.tmpdir(), `workbench-test-data-${PORT}`),
      MAX_UPLOAD_BYTES: String(8 * 1024 * 1024),
      WORKBENCH_ADMIN_EMAIL: ADMIN_EMAIL,
      WORKBENCH_ADMIN_PASSWORD: ADMIN_PASSWORD,
      // The sign-in limit tests name their address with X-Forwarded-For.
      WORKBENCH_TRUST_PROXY: "1",
      // No standby web server beside the shared one (it would compile every model the tests deploy
      // a second time); e2e/api/supervisor.spec.ts tests the standby on apps of its own.
      WORKBENCH_WEB_STANDBY: "0",
    },
  },
});
