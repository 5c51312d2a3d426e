import os from "node:os";
import path from "node:path";
import { defineConfig } from "@playwright/test";

/**
 * The test server's port: one per test run (chosen by the runner and inherited by its workers), so
 * two runs on one machine never share a server or its data folder. TEST_PORT pins it.
 */
const PORT = Number((process.env.TEST_PORT ??= String(3200 + (process.pid % 700))));
/** A local server the URL-import tests serve files from; the workbench may reach only this host. */
export const FIXTURE_HOST = "localhost:3199";

export default defineConfig({
  testDir: "e2e",
  fullyParallel: true,
  workers: 2,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: [["list"]],
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    trace: "retain-on-failure",
  },
  projects: [
    { name: "api", testMatch: /api\/.*\.spec\.ts/ },
    {
      name: "e2e",
      testMatch: /ui\/.*\.spec\.ts/,
      use: {
        browserName: "chromium",
        launchOptions: {
          executablePath: "/usr/bin/chromium",
          args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
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
      URL_IMPORT_ALLOWED_HOSTS: FIXTURE_HOST,
      MAX_UPLOAD_BYTES: String(8 * 1024 * 1024),
    },
  },
});
