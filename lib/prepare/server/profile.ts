import { eq } from "drizzle-orm";
import { getDb } from "@/db/client";
import { datasetProfiles } from "@/db/schema";
import { streamTypedRows } from "@/lib/data/server/datasets";
import { createProfiler, type DatasetProfile } from "../profile";

export interface StoredProfile extends DatasetProfile {
  datasetId: string;
  durationMs: number;
  computedAt: string;
}

/** Profiles being computed right now, so concurrent requests share one pass. */
const inFlight = new Map<string, Promise<StoredProfile>>();

/** A dataset version's profile: computed once, in one streaming pass, then served from the cache. */
export async function getProfile(datasetId: string): Promise<StoredProfile> {
  const cached = getDb().select().from(datasetProfiles).where(eq(datasetProfiles.versionId, datasetId)).get();
  if (cached) {
    return { ...(cached.profile as DatasetProfile), datasetId, durationMs: cached.durationMs, computedAt: cached.computedAt.toISOString() };
  }
  let pending = inFlight.get(datasetId);
  if (!pending) {
    pending = computeProfile(datasetId).finally(() => inFlight.delete(datasetId));
    inFlight.set(datasetId, pending);
  }
  return pending;
}

async function computeProfile(datasetId: string): Promise<StoredProfile> {
  const started = performance.now();
  let profiler: ReturnType<typeof createProfiler> | null = null;
  let names: string[] = [];
  for await (const page of streamTypedRows(datasetId)) {
    if (!profiler) {
      profiler = createProfiler(page.columns.map((c) => ({ name: c.name, type: c.type })));
      names = page.columns.map((c) => c.name);
    }
    for (const row of page.rows) profiler.add(names.map((n) => row[n] ?? null));
  }
  const profile = profiler ? profiler.finish() : { rowCount: 0, columns: [], correlations: { columns: [], matrix: [] } };
  const durationMs = Math.round(performance.now() - started);
  const computedAt = new Date();
  getDb()
    .insert(datasetProfiles)
    .values({ versionId: datasetId, profile, durationMs, computedAt })
    .onConflictDoUpdate({ target: datasetProfiles.versionId, set: { profile, durationMs, computedAt } })
    .run();
  return { ...profile, datasetId, durationMs, computedAt: computedAt.toISOString() };
}
