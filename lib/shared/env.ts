import path from "node:path";
import { z } from "zod";

/**
 * The one place that reads process.env. Everything else imports `env`.
 * Invalid settings fail loudly at start-up rather than half-working later.
 */
const csvList = z
  .string()
  .optional()
  .transform((v) =>
    (v ?? "")
      .split(",")
      .map((s) => s.trim().toLowerCase())
      .filter(Boolean),
  );

const schema = z.object({
  WORKBENCH_DATA_DIR: z.string().min(1).default("./data"),
  /** Largest accepted upload, in bytes (default 512 MiB). */
  MAX_UPLOAD_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(512 * 1024 * 1024),
  /** Largest accepted URL import, in bytes (default 256 MiB). */
  URL_IMPORT_MAX_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(256 * 1024 * 1024),
  /** Time limit for a whole URL import, in milliseconds. */
  URL_IMPORT_TIMEOUT_MS: z.coerce.number().int().positive().default(60_000),
  /** Hosts (name or name:port) that URL imports may reach even on private addresses; for tests. */
  URL_IMPORT_ALLOWED_HOSTS: csvList,
  /**
   * The address people reach the workbench at when it runs behind a proxy (https://ml.example.org):
   * its origin is the only one state-changing browser requests may come from, and session cookies
   * are marked Secure when it is https. Unset: the origin each request was addressed to.
   */
  WORKBENCH_URL: z.string().url().optional(),
  /** Create this administrator at start when no one has an account yet (unattended installs, tests). */
  WORKBENCH_ADMIN_EMAIL: z.string().email().optional(),
  WORKBENCH_ADMIN_PASSWORD: z.string().min(8).max(256).optional(),
  /** "1" behind a reverse proxy: the client's address is the first of X-Forwarded-For (sign-in limits, audit). */
  WORKBENCH_TRUST_PROXY: z.enum(["0", "1"]).default("0"),
  /** Set to "0" to start without the bundled sample projects. */
  WORKBENCH_SEED_SAMPLES: z.enum(["0", "1"]).default("1"),
  /**
   * Tests only: each database connection of this process may grow the database by this many bytes,
   * then writes fail with SQLITE_FULL, as on a full disk (db/client.ts limitGrowth).
   */
  WORKBENCH_FAULT_DB_FULL_AFTER_BYTES: z.coerce.number().int().positive().optional(),
  /**
   * Tests only: a batch job's output.csv (job-commit.ts) or a dataset upload's file (ingest.ts)
   * may grow to this many bytes, then its writes fail with ENOSPC, as on a full disk.
   */
  WORKBENCH_FAULT_FILE_FULL_AFTER_BYTES: z.coerce.number().int().positive().optional(),
  /** Diagnostics (the soak): monitoring reads that take longer than this many ms, waiting included, are logged with where the time went (read-pool.ts). */
  WORKBENCH_SLOW_READ_MS: z.coerce.number().int().positive().optional(),
  /** Threads each process's DuckDB (dataset files) may use; default: every core. */
  WORKBENCH_DUCKDB_THREADS: z.coerce.number().int().positive().optional(),
  /** Memory each process's DuckDB may hold before it spills to the data folder's tmp (DuckDB's syntax: "512MB"). */
  WORKBENCH_DUCKDB_MEMORY: z
    .string()
    .regex(/^\d+(?:\.\d+)?\s*(?:KB|MB|GB|KiB|MiB|GiB)$/i)
    .default("400MB"),
});

function load() {
  const parsed = schema.safeParse(process.env);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`Invalid environment: ${detail}`);
  }
  const dataDir = path.resolve(parsed.data.WORKBENCH_DATA_DIR);
  return {
    ...parsed.data,
    dataDir,
    databaseFile: path.join(dataDir, "workbench.sqlite"),
  };
}

export const env = load();
export type Env = typeof env;
