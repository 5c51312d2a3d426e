import { randomBytes } from "node:crypto";
import { and, asc, eq } from "drizzle-orm";
import { z } from "zod";
import { getDb } from "@/db/client";
import { endpointKeys, endpoints, models, type EndpointRow } from "@/db/schema";
import { AppError, notFound } from "@/lib/shared/errors";
import { parseWith } from "@/lib/shared/http";
import { getModel } from "@/lib/train/server/models";
import { ITEM_ID_COLUMN, type Predictor } from "../serving/predictors";
import { compiledPredictor, forgetServing, hashKey, predictorFor, refreshServing } from "../serving/runtime";

/** Rows one request may carry unless the endpoint says otherwise. */
export const DEFAULT_MAX_ROWS = 1000;
export const MAX_ROWS_LIMIT = 10_000;
const KEY_PREFIX = "wbk_";
const SLOTS = ["primary", "secondary"] as const;
export type KeySlot = (typeof SLOTS)[number];

const nameSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "use 1–63 lower-case letters, digits and dashes, starting with a letter or digit");
const originsSchema = z.array(z.string().regex(/^(\*|https?:\/\/[^\s/]+)$/, 'an origin such as "https://shop.example.com", or "*"')).max(50);

const createSchema = z
  .object({
    name: nameSchema,
    modelId: z.string().min(1),
    mode: z.enum(["realtime", "batch"]).default("realtime"),
    corsOrigins: originsSchema.optional(),
    rateLimitPerMinute: z.number().int().min(1).max(1_000_000).nullable().optional(),
    maxRows: z.number().int().min(1).max(MAX_ROWS_LIMIT).optional(),
  })
  .strict();

const patchSchema = z
  .object({
    modelId: z.string().min(1).optional(),
    /** A second version answering `percent` of the requests; null ends the split. */
    split: z
      .object({ modelId: z.string().min(1), percent: z.number().int().min(0).max(100) })
      .strict()
      .nullable()
      .optional(),
    corsOrigins: originsSchema.optional(),
    rateLimitPerMinute: z.number().int().min(1).max(1_000_000).nullable().optional(),
    maxRows: z.number().int().min(1).max(MAX_ROWS_LIMIT).optional(),
    /** Drift thresholds of this endpoint's monitoring (lib/monitor/drift.ts); null restores the defaults. */
    driftThresholds: z
      .object({
        ksPValue: z.number().gt(0).lt(1),
        wasserstein: z.number().gt(0),
        chiSquaredPValue: z.number().gt(0).lt(1),
        jensenShannon: z.number().gt(0).max(1),
        smallReferenceRows: z.number().int().min(1),
        driftedShare: z.number().gt(0).max(1),
      })
      .partial()
      .strict()
      .nullable()
      .optional(),
  })
  .strict();

export interface EndpointKeyInfo {
  slot: KeySlot;
  prefix: string;
  createdAt: string;
}

export interface Endpoint {
  name: string;
  mode: "realtime" | "batch";
  url: string;
  model: { id: string; name: string; version: number };
  split: { model: { id: string; name: string; version: number }; percent: number } | null;
  projectId: string | null;
  corsOrigins: string[];
  rateLimitPerMinute: number | null;
  maxRows: number;
  driftThresholds: Record<string, number> | null;
  keys: EndpointKeyInfo[];
  inputSchema: { name: string; type: string }[];
  task: string;
  createdAt: string;
  updatedAt: string;
}

const newKey = () => KEY_PREFIX + randomBytes(24).toString("base64url");
export const scorePath = (name: string) => `/api/endpoints/${encodeURIComponent(name)}/score`;

function modelRef(id: string) {
  const m = getModel(id);
  return { id: m.id, name: m.name, version: m.version };
}

/**
 * The request columns of a version not compiled in this process yet, from its manifest: the same
 * answer the compiled predictor gives (a recommender reads `itemId`; a forecaster only its time,
 * series and known-ahead columns).
 */
function schemaFromManifest(manifest: Record<string, unknown>): { name: string; type: string }[] {
  if (manifest.task === "recommendation") return [{ name: ITEM_ID_COLUMN, type: "category" }];
  const schema = (manifest.inputSchema as { name: string; type: string }[] | undefined) ?? [];
  if (manifest.task !== "forecasting") return schema;
  const p = (manifest.hyperparameters ?? {}) as { timeColumn?: string; seriesColumns?: string[]; exogenous?: string[] };
  const reads = new Set([p.timeColumn, ...(p.seriesColumns ?? []), ...(p.exogenous ?? [])]);
  return schema.filter((c) => reads.has(c.name));
}

function present(row: EndpointRow): Endpoint {
  const keys = getDb().select().from(endpointKeys).where(eq(endpointKeys.endpointName, row.name)).orderBy(asc(endpointKeys.slot)).all();
  const manifest = getModel(row.modelId).manifest;
  const schema = compiledPredictor(row.modelId)?.inputSchema ?? schemaFromManifest(manifest);
  return {
    name: row.name,
    mode: row.mode,
    url: scorePath(row.name),
    model: modelRef(row.modelId),
    split: row.splitModelId && row.splitPercent > 0 ? { model: modelRef(row.splitModelId), percent: row.splitPercent } : null,
    projectId: row.projectId,
    corsOrigins: row.corsOrigins,
    rateLimitPerMinute: row.rateLimitPerMinute,
    maxRows: row.maxRows,
    driftThresholds: row.driftThresholds ?? null,
    keys: keys.map((k) => ({ slot: k.slot, prefix: k.prefix, createdAt: k.createdAt.toISOString() })),
    inputSchema: schema.map((c) => ({ name: c.name, type: c.type })),
    task: String(manifest.task ?? ""),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

function getRow(name: string): EndpointRow {
  const row = getDb().select().from(endpoints).where(eq(endpoints.name, name)).get();
  if (!row) throw notFound("Endpoint", name);
  return row;
}

/** A model version must exist and compile before any traffic is sent to it. */
async function requireServable(modelId: string, field: string): Promise<Predictor> {
  const exists = getDb().select({ id: models.id }).from(models).where(eq(models.id, modelId)).get();
  if (!exists) throw new AppError("VALIDATION", `Model version "${modelId}" does not exist.`, [{ field, message: "unknown model version" }]);
  return predictorFor(modelId);
}

/**
 * Deploys a model version under a name with two fresh keys. The keys are in this answer only;
 * the database keeps their SHA-256.
 */
export async function createEndpoint(input: unknown): Promise<Endpoint & { key: string; secondaryKey: string }> {
  const body = parseWith(createSchema, input);
  await requireServable(body.modelId, "modelId");
  const db = getDb();
  const now = new Date();
  const keys = { primary: newKey(), secondary: newKey() };
  db.transaction((tx) => {
    if (tx.select({ n: endpoints.name }).from(endpoints).where(eq(endpoints.name, body.name)).get()) {
      throw new AppError("CONFLICT", `An endpoint named "${body.name}" exists already.`, [{ field: "name", message: "taken" }]);
    }
    tx.insert(endpoints)
      .values({
        name: body.name,
        mode: body.mode,
        modelId: body.modelId,
        splitModelId: null,
        splitPercent: 0,
        projectId: getModel(body.modelId).projectId,
        corsOrigins: body.corsOrigins ?? [],
        rateLimitPerMinute: body.rateLimitPerMinute ?? null,
        maxRows: body.maxRows ?? DEFAULT_MAX_ROWS,
        driftThresholds: null,
        createdAt: now,
        updatedAt: now,
      })
      .run();
    for (const slot of SLOTS)
      tx.insert(endpointKeys)
        .values({ endpointName: body.name, slot, hash: hashKey(keys[slot]), prefix: keys[slot].slice(0, 10), createdAt: now })
        .run();
  });
  forgetServing(body.name);
  return { ...present(getRow(body.name)), key: keys.primary, secondaryKey: keys.secondary };
}

export function listEndpoints(opts: { projectId?: string } = {}): Endpoint[] {
  const rows = getDb()
    .select()
    .from(endpoints)
    .where(opts.projectId ? eq(endpoints.projectId, opts.projectId) : undefined)
    .orderBy(asc(endpoints.name))
    .all();
  return rows.map(present);
}

export function getEndpoint(name: string): Endpoint {
  return present(getRow(name));
}

/**
 * Switches the model version (or the split) atomically: the new version is compiled first, then
 * one row update swaps it in. Requests in flight hold the predictor they started with and finish
 * on it; the next request reads the new row.
 */
export async function updateEndpoint(name: string, input: unknown): Promise<Endpoint> {
  const body = parseWith(patchSchema, input);
  const current = getRow(name);
  if (body.modelId) await requireServable(body.modelId, "modelId");
  if (body.split && body.split.modelId === (body.modelId ?? current.modelId)) {
    throw new AppError("VALIDATION", "A split needs a second version: this one already answers the rest of the traffic.", [
      { field: "split.modelId", message: "same as the main version" },
    ]);
  }
  if (body.split) await requireServable(body.split.modelId, "split.modelId");
  const set: Partial<EndpointRow> = { updatedAt: new Date() };
  if (body.modelId) set.modelId = body.modelId;
  if (body.split !== undefined) {
    set.splitModelId = body.split && body.split.percent > 0 ? body.split.modelId : null;
    set.splitPercent = body.split?.percent ?? 0;
  }
  if (body.corsOrigins) set.corsOrigins = body.corsOrigins;
  if (body.rateLimitPerMinute !== undefined) set.rateLimitPerMinute = body.rateLimitPerMinute;
  if (body.maxRows) set.maxRows = body.maxRows;
  if (body.driftThresholds !== undefined) set.driftThresholds = body.driftThresholds;
  getDb().update(endpoints).set(set).where(eq(endpoints.name, current.name)).run();
  refreshServing(name);
  return getEndpoint(name);
}

/** A new key for one slot (default: the secondary, so clients on the primary keep working); the old key of that slot stops at once. */
export function rotateKey(name: string, input: unknown): EndpointKeyInfo & { key: string } {
  // No body reads as {}; a JSON null is a body, and not an object.
  const body = parseWith(z.object({ slot: z.enum(SLOTS).default("secondary") }).strict(), input === undefined ? {} : input);
  getRow(name);
  const key = newKey();
  const now = new Date();
  getDb()
    .update(endpointKeys)
    .set({ hash: hashKey(key), prefix: key.slice(0, 10), createdAt: now })
    .where(and(eq(endpointKeys.endpointName, name), eq(endpointKeys.slot, body.slot)))
    .run();
  refreshServing(name);
  return { slot: body.slot, prefix: key.slice(0, 10), createdAt: now.toISOString(), key };
}

export function deleteEndpoint(name: string): void {
  getRow(name);
  getDb().transaction((tx) => {
    tx.delete(endpointKeys).where(eq(endpointKeys.endpointName, name)).run();
    tx.delete(endpoints).where(eq(endpoints.name, name)).run();
  });
  forgetServing(name);
}
