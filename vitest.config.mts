import os from "node:os";
import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
  test: {
    include: ["lib/**/*.test.ts", "components/**/*.test.ts", "db/**/*.test.ts", "scripts/**/*.test.ts", "bench/**/*.test.ts"],
    environment: "node",
    testTimeout: 30000,
    // Tests that touch the database get their own SQLite file, never ./data.
    env: {
      WORKBENCH_DATA_DIR: path.join(os.tmpdir(), `workbench-vitest-${process.pid}`),
      WORKBENCH_SEED_SAMPLES: "0",
    },
  },
});
