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
  MAX_UPLOAD_BYTES: z.coerce.number().int().positive().default(512 * 1024 * 1024),
  /** Largest accepted URL import, in bytes (default 256 MiB). */
  URL_IMPORT_MAX_BYTES: z.coerce.number().int().positive().default(256 * 1024 * 1024),
  /** Time limit for a whole URL import, in milliseconds. */
  URL_IMPORT_TIMEOUT_MS: z.coerce.number().int().positive().default(60_000),
  /** Hosts (name or name:port) that URL imports may reach even on private addresses; for tests. */
  URL_IMPORT_ALLOWED_HOSTS: csvList,
  /** Set to "0" to start without the bundled sample projects. */
  WORKBENCH_SEED_SAMPLES: z.enum(["0", "1"]).default("1"),
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
