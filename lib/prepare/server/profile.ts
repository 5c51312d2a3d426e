import { eq } from "drizzle-orm";
import { getDb } from "@/db/client";
import { datasetProfiles } from "@/db/schema";
import { versionColumns } from "@/lib/data/server/datasets";
import type { DatasetProfile } from "../profile";
import { profileVersion } from "./profile-sql";

export interface StoredProfile extends DatasetProfile {
  datasetId: string;
  durationMs: number;
  computedAt: string;
}

/** Profiles being computed right now, so concurrent requests share one computation. */
const inFlight = new Map<string, Promise<StoredProfile>>();

/** A dataset version's profile: computed once, by DuckDB over its file, then served from the cache. */
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
  const profile = await profileVersion(datasetId, versionColumns(datasetId));
  const durationMs = Math.round(performance.now() - started);
  const computedAt = new Date();
  getDb()
    .insert(datasetProfiles)
    .values({ versionId: datasetId, profile, durationMs, computedAt })
    .onConflictDoUpdate({ target: datasetProfiles.versionId, set: { profile, durationMs, computedAt } })
    .run();
  return { ...profile, datasetId, durationMs, computedAt: computedAt.toISOString() };
}
