import { createHash } from "node:crypto";
import { eq } from "drizzle-orm";
import { getDb } from "@/db/client";
import { endpointKeys, endpoints, type EndpointRow } from "@/db/schema";
import { AppError, notFound } from "@/lib/shared/errors";
import { runEvery } from "@/lib/shared/server/every";
import { compilePredictor, type Predictor } from "./predictors";

/** How long a serving process trusts its cached endpoint row and keys before reading them again. */
const REFRESH_MS = 1000;

/** Keys are stored and compared as their SHA-256, never as sent. */
export const hashKey = (key: string) => createHash("sha256").update(key).digest("hex");

// ---------------------------------------------------------------------------------------------
// Serving state: per endpoint, its row, its key hashes and its compiled predictors, in memory.

interface Serving {
  row: EndpointRow;
  keyHashes: Set<string>;
  predictors: Map<string, Predictor>;
  checkedAt: number;
}

/**
 * The serving state of this process, on globalThis: the production server's scoring front
 * (lib/integrate/server/serving/front.ts) and Next's bundled route handlers are two copies of this module
 * in one process, and a deploy, a version switch or a key rotation made through either must be
 * what both serve.
 */
declare global {
  var __workbenchServing: ServingState | undefined;
}
const shared: ServingState = (globalThis.__workbenchServing ??= {
  compiled: new Map(),
  ready: new Map(),
  serving: new Map(),
  knownKeyHashes: new Map(),
  buckets: new Map(),
});
interface ServingState {
  /** Compiled predictors by model id, shared by every endpoint that serves the version. */
  compiled: Map<string, Promise<Predictor>>;
  /** The same, once compiled (what the endpoint's description reads its input schema from). */
  ready: Map<string, Predictor>;
  serving: Map<string, Serving>;
  /** SHA-256 of keys seen valid: a client sends the same key on every request, and hashing it each time was a tenth of our share of a one-row request. */
  knownKeyHashes: Map<string, string>;
  /** Rate-limit token buckets by key hash. */
  buckets: Map<string, { tokens: number; at: number }>;
}
const { compiled, ready, serving, knownKeyHashes, buckets } = shared;

export function predictorFor(modelId: string): Promise<Predictor> {
  let p = compiled.get(modelId);
  if (!p) {
    p = compilePredictor(modelId);
    compiled.set(modelId, p);
    p.then(
      (done) => ready.set(modelId, done),
      () => compiled.delete(modelId),
    );
  }
  return p;
}

/** The compiled predictor of a version, once compiled in this process. */
export const compiledPredictor = (modelId: string): Predictor | undefined => ready.get(modelId);

/** Drops this process's cached serving state of an endpoint (it was created anew or deleted). */
export function forgetServing(name: string): void {
  serving.delete(name);
}

/** Reads the endpoint's row and keys again now (after a change made through this process). */
export function refreshServing(name: string): void {
  refresh(name, true);
}

function refresh(name: string, force = false): Serving | undefined {
  const cached = serving.get(name);
  if (cached && !force && performance.now() - cached.checkedAt < REFRESH_MS) return cached;
  const row = getDb().select().from(endpoints).where(eq(endpoints.name, name)).get();
  if (!row) {
    serving.delete(name);
    return undefined;
  }
  const keys = getDb().select({ hash: endpointKeys.hash }).from(endpointKeys).where(eq(endpointKeys.endpointName, name)).all();
  const next: Serving = { row, keyHashes: new Set(keys.map((k) => k.hash)), predictors: cached?.predictors ?? new Map(), checkedAt: performance.now() };
  serving.set(name, next);
  return next;
}

/** The endpoint as the serving path sees it (cached for a second); 404 when there is none. */
export function servingEndpoint(name: string): Serving {
  const s = refresh(name);
  if (!s) throw notFound("Endpoint", name);
  return s;
}

/** 401 unless `authorization` carries one of the endpoint's two current keys as a bearer token. */
export function authenticate(s: Serving, authorization: string | null): string {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "");
  if (!match) throw new AppError("UNAUTHORIZED", "Send the endpoint's key as 'Authorization: Bearer <key>'.", [{ field: "authorization", message: "missing" }]);
  const hash = knownKeyHashes.get(match[1]) ?? hashKey(match[1]);
  if (!s.keyHashes.has(hash))
    throw new AppError("UNAUTHORIZED", "The key is not valid for this endpoint (rotated or mistyped?).", [{ field: "authorization", message: "invalid key" }]);
  // Remember only keys that were valid (so made-up keys cannot grow the map); validity is still checked every time.
  if (knownKeyHashes.size >= KNOWN_KEYS_MAX) knownKeyHashes.clear();
  knownKeyHashes.set(match[1], hash);
  return hash;
}

const KNOWN_KEYS_MAX = 1000;

/** The version that answers this request: the split's share of requests goes to the second version. */
export async function pickPredictor(s: Serving): Promise<Predictor> {
  const modelId = pickModelId(s);
  const ready = s.predictors.get(modelId);
  if (ready) return ready;
  const p = await predictorFor(modelId);
  s.predictors.set(modelId, p);
  return p;
}

const pickModelId = ({ row }: Serving) => (row.splitModelId && row.splitPercent > 0 && Math.random() * 100 < row.splitPercent ? row.splitModelId : row.modelId);

/** The endpoint's main version's predictor when no split is set and it is compiled already: no promise to wait for on the hot path. */
export function readyPredictor(s: Serving): Predictor | undefined {
  return s.row.splitModelId && s.row.splitPercent > 0 ? undefined : s.predictors.get(s.row.modelId);
}

/** The compiled predictor of the endpoint's main version (for schemas and the V2 metadata). */
export async function mainPredictor(s: Serving): Promise<Predictor> {
  const ready = s.predictors.get(s.row.modelId);
  if (ready) return ready;
  const p = await predictorFor(s.row.modelId);
  s.predictors.set(s.row.modelId, p);
  return p;
}

/** How often the web server looks for deployed versions it has not compiled yet. */
const WARM_EVERY_MS = 2000;

/**
 * Keeps every endpoint's versions compiled in this process: at start-up, and within a couple of
 * seconds of a deploy made elsewhere (the worker deploys the demo models), so no request pays
 * for loading a bundle.
 */
export function startPredictorWarmer(): void {
  const failedAt = new Map<string, number>();
  const warm = () => {
    try {
      for (const row of getDb().select({ modelId: endpoints.modelId, splitModelId: endpoints.splitModelId }).from(endpoints).all()) {
        for (const id of [row.modelId, row.splitModelId]) {
          // A version that does not compile is tried again once a minute, not every round.
          if (!id || compiled.has(id) || Date.now() - (failedAt.get(id) ?? 0) < 60_000) continue;
          predictorFor(id).catch((e) => {
            failedAt.set(id, Date.now());
            console.error(`[endpoints] model ${id} does not compile`, e);
          });
        }
      }
    } catch (e) {
      console.error("[endpoints] warming predictors failed", e);
    }
  };
  runEvery("endpoints", WARM_EVERY_MS, warm, { now: true });
}

// ---------------------------------------------------------------------------------------------
// Rate limit: a token bucket per key, refilled continuously.

/** 429 when the key has used its requests of the last minute. */
export function takeToken(s: Serving, keyHash: string): void {
  const limit = s.row.rateLimitPerMinute;
  if (!limit) return;
  const now = performance.now();
  const b = buckets.get(keyHash) ?? { tokens: limit, at: now };
  b.tokens = Math.min(limit, b.tokens + ((now - b.at) / 60_000) * limit);
  b.at = now;
  if (b.tokens < 1) {
    buckets.set(keyHash, b);
    const retry = Math.ceil(((1 - b.tokens) / limit) * 60);
    throw new AppError(
      "TOO_MANY_REQUESTS",
      `This key may send ${limit} requests a minute; retry in ${retry} s.`,
      [{ field: "authorization", message: "rate limited" }],
      {
        retryAfterSeconds: retry,
      },
    );
  }
  b.tokens -= 1;
  buckets.set(keyHash, b);
}

/** CORS headers for a request from `origin`, when the endpoint allows it. */
export function corsHeaders(s: Serving | undefined, origin: string | null): Record<string, string> {
  if (!s || !origin) return {};
  const allowed = s.row.corsOrigins;
  if (!allowed.includes("*") && !allowed.includes(origin)) return {};
  return {
    "access-control-allow-origin": allowed.includes("*") ? "*" : origin,
    "access-control-allow-methods": "POST, OPTIONS",
    "access-control-allow-headers": "authorization, content-type",
    "access-control-expose-headers": "x-request-id, x-model-version, retry-after",
    "access-control-max-age": "600",
    vary: "origin",
  };
}
