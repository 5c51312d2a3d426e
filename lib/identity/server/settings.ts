import { eq } from "drizzle-orm";
import { z } from "zod";
import { getDb, schema } from "@/db/client";
import { parseWith } from "@/lib/shared/http";

/**
 * Workspace settings an administrator changes (`GET/PUT /api/settings`), stored as one JSON value
 * per key in the `settings` table, so every process (web servers, workers) reads the same.
 */
export const QUOTA_DEFAULTS = {
  /** Runs a person may have queued or running at once (sweep trials count). */
  maxQueuedRunsPerUser: 20,
  /** Runs one project may have queued or running at once. */
  maxQueuedRunsPerProject: 40,
  /** Trials one sweep may queue. */
  maxSweepTrials: 50,
  /** Batch jobs a person may have queued or running at once. */
  maxQueuedJobsPerUser: 10,
};

const quotaSchema = z
  .object({
    maxQueuedRunsPerUser: z.number().int().min(1).max(10_000),
    maxQueuedRunsPerProject: z.number().int().min(1).max(10_000),
    maxSweepTrials: z.number().int().min(1).max(1_000),
    maxQueuedJobsPerUser: z.number().int().min(1).max(10_000),
  })
  .strict();

const hostSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(:\d{1,5})?$/, "a host name or host:port");

export const settingsSchema = z
  .object({
    /** Hosts (name or name:port) that alert webhooks may reach even on loopback or private addresses. */
    webhookAllowedHosts: z.array(hostSchema).max(100),
    quotas: quotaSchema,
  })
  .strict();

export type Settings = z.infer<typeof settingsSchema>;
const DEFAULTS: Settings = { webhookAllowedHosts: [], quotas: { ...QUOTA_DEFAULTS } };
const KEYS = Object.keys(DEFAULTS) as (keyof Settings)[];

/** The workspace settings, defaults filled in. */
export function getSettings(): Settings {
  const rows = getDb().select().from(schema.settings).all();
  const out: Settings = structuredClone(DEFAULTS);
  for (const r of rows) {
    if (r.key === "webhookAllowedHosts") {
      const parsed = settingsSchema.shape.webhookAllowedHosts.safeParse(r.value);
      if (parsed.success) out.webhookAllowedHosts = parsed.data;
    } else if (r.key === "quotas") {
      const parsed = quotaSchema.partial().safeParse(r.value);
      if (parsed.success) out.quotas = { ...out.quotas, ...parsed.data };
    }
  }
  return out;
}

/** Changes some settings (`{webhookAllowedHosts?, quotas?: {…partial}}`); 422 naming the field for a bad value. */
export function updateSettings(input: unknown, userId: string | null): Settings {
  const patch = parseWith(settingsSchema.extend({ quotas: quotaSchema.partial() }).partial().strict(), input);
  const current = getSettings();
  const next: Settings = {
    webhookAllowedHosts: patch.webhookAllowedHosts ?? current.webhookAllowedHosts,
    quotas: { ...current.quotas, ...(patch.quotas ?? {}) },
  };
  const db = getDb();
  const now = new Date();
  db.transaction((tx) => {
    for (const key of KEYS) {
      if (patch[key] === undefined) continue;
      tx.insert(schema.settings)
        .values({ key, value: next[key], updatedAt: now, updatedBy: userId })
        .onConflictDoUpdate({ target: schema.settings.key, set: { value: next[key], updatedAt: now, updatedBy: userId } })
        .run();
    }
  });
  return next;
}

/** A server-held secret by name (created at random the first time, then the same for every process sharing the database). */
export function serverSecret(key: string, make: () => string): string {
  const db = getDb();
  const name = `secret:${key}`;
  db.insert(schema.settings).values({ key: name, value: make(), updatedAt: new Date() }).onConflictDoNothing().run();
  const row = db.select().from(schema.settings).where(eq(schema.settings.key, name)).get();
  return String(row?.value);
}
