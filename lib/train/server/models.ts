import fs from "node:fs";
import path from "node:path";
import { and, desc, eq, max } from "drizzle-orm";
import { z } from "zod";
import { getDb } from "@/db/client";
import { datasetVersions, models, projects, runs, type ModelRow } from "@/db/schema";
import { env } from "@/lib/shared/env";
import { AppError, notFound } from "@/lib/shared/errors";
import { newId } from "@/lib/shared/ids";
import { parseWith } from "@/lib/shared/http";
import { packTar, unpackTar } from "../tar";
import { runArtifactsDir } from "./execute";

export const BUNDLE_FORMAT_VERSION = 1;
/** The files of a bundle: tfjs's model.json + weights.bin, and the workbench's own beside them. */
const BUNDLE_FILES = ["manifest.json", "model.json", "weights.bin", "extras.json", "recipe.json", "reference.json"] as const;
export const MAX_BUNDLE_BYTES = 256 * 1024 * 1024;

export interface ModelVersion {
  id: string;
  name: string;
  version: number;
  runId: string | null;
  projectId: string | null;
  manifest: Record<string, unknown>;
  createdAt: string;
}

const present = (m: ModelRow): ModelVersion => ({
  id: m.id,
  name: m.name,
  version: m.version,
  runId: m.runId,
  projectId: m.projectId,
  manifest: m.manifest,
  createdAt: m.createdAt.toISOString(),
});

export const modelDir = (id: string) => path.join(env.dataDir, "artifacts", "models", id);

const registerSchema = z.object({ runId: z.string().min(1), name: z.string().trim().min(1).max(200).optional() }).strict();

/** Stores one version of a name, numbered after the newest; the files are written first. */
function insertVersion(name: string, row: Omit<ModelRow, "version" | "name">): ModelVersion {
  return getDb().transaction((tx) => {
    const last = tx
      .select({ v: max(models.version) })
      .from(models)
      .where(eq(models.name, name))
      .get();
    const full: ModelRow = { ...row, name, version: (last?.v ?? 0) + 1 };
    full.manifest = { ...full.manifest, name, version: full.version };
    tx.insert(models).values(full).run();
    return present(full);
  });
}

/** Registers a succeeded run as the next version of a model name (default: the project's name). */
export function registerModel(input: unknown): ModelVersion {
  const body = parseWith(registerSchema, input);
  const db = getDb();
  const run = db.select().from(runs).where(eq(runs.id, body.runId)).get();
  if (!run) throw new AppError("VALIDATION", `Run "${body.runId}" does not exist.`, [{ field: "runId", message: "unknown run" }]);
  if (run.status !== "succeeded") {
    throw new AppError("CONFLICT", `Only a succeeded run can be registered; this one is ${run.status}.`, [{ field: "runId", message: run.status }]);
  }
  const project = db.select().from(projects).where(eq(projects.id, run.projectId)).get();
  const dataset = db.select().from(datasetVersions).where(eq(datasetVersions.id, run.datasetId)).get();
  const src = runArtifactsDir(run.id);
  const recipe = JSON.parse(fs.readFileSync(path.join(src, "recipe.json"), "utf8")) as { target: string; inputColumns: unknown[] };
  const id = newId("mdl");
  const manifest: Record<string, unknown> = {
    formatVersion: BUNDLE_FORMAT_VERSION,
    task: project?.task ?? null,
    inputSchema: recipe.inputColumns,
    target: recipe.target,
    algorithm: run.algorithm,
    hyperparameters: run.params,
    dataset: dataset ? { id: dataset.id, name: dataset.name, version: dataset.version, contentHash: dataset.contentHash } : { id: run.datasetId },
    recipe: { id: run.recipeId, version: run.recipeVersion },
    metrics: run.metrics,
    baselineMetrics: run.baseline,
    runId: run.id,
    createdAt: new Date().toISOString(),
    files: BUNDLE_FILES,
  };
  const dir = modelDir(id);
  fs.mkdirSync(dir, { recursive: true });
  for (const f of BUNDLE_FILES) if (f !== "manifest.json") fs.copyFileSync(path.join(src, f), path.join(dir, f));
  const version = insertVersion(body.name ?? project?.name ?? run.algorithm, { id, runId: run.id, projectId: run.projectId, manifest, createdAt: new Date() });
  fs.writeFileSync(path.join(dir, "manifest.json"), JSON.stringify(version.manifest, null, 2));
  return version;
}

export function getModel(id: string): ModelVersion {
  const row = getDb().select().from(models).where(eq(models.id, id)).get();
  if (!row) throw notFound("Model version", id);
  return present(row);
}

export function listModels(opts: { name?: string; projectId?: string } = {}): ModelVersion[] {
  const where = and(opts.name ? eq(models.name, opts.name) : undefined, opts.projectId ? eq(models.projectId, opts.projectId) : undefined);
  return getDb().select().from(models).where(where).orderBy(desc(models.createdAt)).all().map(present);
}

/** The bundle as one tar file: unpack it anywhere and tf.loadLayersModel reads its model.json. */
export function bundleOf(id: string): { fileName: string; bytes: Uint8Array } {
  const m = getModel(id);
  const dir = modelDir(id);
  const entries = BUNDLE_FILES.map((name) => ({ name, data: new Uint8Array(fs.readFileSync(path.join(dir, name))) }));
  const safe = m.name.replace(/[^\w.-]+/g, "-").replace(/^-+|-+$/g, "") || "model";
  return { fileName: `${safe}-v${m.version}.tar`, bytes: packTar(entries, new Date(m.createdAt)) };
}

/** Takes a downloaded bundle back as a new version (of its own name unless `name` is given). */
export function importBundle(bytes: Uint8Array, name?: string): ModelVersion {
  let files: Map<string, Uint8Array>;
  try {
    files = new Map(unpackTar(bytes).map((e) => [e.name, e.data]));
  } catch (e) {
    throw new AppError("VALIDATION", `Not a model bundle: ${(e as Error).message}.`, [{ field: "file", message: "not a tar bundle" }]);
  }
  const missing = BUNDLE_FILES.filter((f) => !files.has(f));
  if (missing.length)
    throw new AppError("VALIDATION", `The bundle lacks ${missing.join(", ")}.`, [{ field: "file", message: `missing ${missing.join(", ")}` }]);
  let manifest: Record<string, unknown>;
  try {
    manifest = JSON.parse(new TextDecoder().decode(files.get("manifest.json"))) as Record<string, unknown>;
    for (const f of ["model.json", "extras.json", "recipe.json", "reference.json"]) JSON.parse(new TextDecoder().decode(files.get(f)));
  } catch {
    throw new AppError("VALIDATION", "The bundle's JSON files do not parse.", [{ field: "file", message: "corrupt JSON" }]);
  }
  if (manifest.formatVersion !== BUNDLE_FORMAT_VERSION) {
    throw new AppError("VALIDATION", `Unknown bundle format version ${String(manifest.formatVersion)}.`, [{ field: "file", message: "unknown format" }]);
  }
  const finalName = name?.trim() || (typeof manifest.name === "string" ? manifest.name : "imported model");
  const id = newId("mdl");
  const dir = modelDir(id);
  fs.mkdirSync(dir, { recursive: true });
  for (const f of BUNDLE_FILES) if (f !== "manifest.json") fs.writeFileSync(path.join(dir, f), files.get(f)!);
  const version = insertVersion(finalName, {
    id,
    runId: null,
    projectId: null,
    manifest: { ...manifest, importedAt: new Date().toISOString(), importedFrom: { name: manifest.name, version: manifest.version } },
    createdAt: new Date(),
  });
  fs.writeFileSync(path.join(dir, "manifest.json"), JSON.stringify(version.manifest, null, 2));
  return version;
}
