import fs from "node:fs";
import path from "node:path";
import { and, eq } from "drizzle-orm";
import { z } from "zod";
import { getDb } from "@/db/client";
import { projects, recipes, runs, type RunRow } from "@/db/schema";
import { currentPrincipal } from "@/lib/identity/server/context";
import type { RecipeSpec } from "@/lib/prepare/recipe-schema";
import { AppError, notFound, validation } from "@/lib/shared/errors";
import { fieldErrors } from "@/lib/shared/http";
import { newId } from "@/lib/shared/ids";
import type { Params } from "../algorithms/algorithm";
import { algorithmsFor } from "../algorithms/registry";
import { runArtifactsDir } from "./execute";
import { presentRun, runContext, type Run } from "./runs";

/**
 * `POST /api/projects/{id}/runs/browser`: a model trained on the train page (tfjs in the browser)
 * is stored as a finished run with the same artifacts a server run writes, so it can be compared,
 * charted and registered like any other run.
 */

/** Largest upload of one browser run (model, weights, extras, recipe, reference sample). */
export const MAX_BROWSER_RUN_BYTES = 64 * 1024 * 1024;

/** The artifact parts of the form, besides `meta`; each is written as a file of the same name. */
export const BROWSER_RUN_FILES = ["model.json", "weights.bin", "extras.json", "recipe.json", "reference.json"] as const;
const JSON_FILES = new Set<string>(["model.json", "extras.json", "recipe.json", "reference.json"]);

const epochSchema = z.object({
  epoch: z.number().int().min(0),
  loss: z.number(),
  valLoss: z.number().optional(),
  metrics: z.record(z.string(), z.number()).optional(),
});

const metaSchema = z.object({
  algorithm: z.string().min(1),
  params: z.record(z.string(), z.unknown()),
  backend: z.string().min(1).max(40),
  history: z.array(epochSchema).max(10_000),
  metrics: z.object({ validation: z.record(z.string(), z.number()), test: z.record(z.string(), z.number()).optional() }).passthrough(),
  baseline: z.record(z.string(), z.unknown()),
  details: z.record(z.string(), z.unknown()).optional(),
  recipeId: z.string().min(1),
  /** ISO timestamps of the start and end of training in the browser. */
  startedAt: z.iso.datetime({ offset: true }),
  finishedAt: z.iso.datetime({ offset: true }),
  /** True when the person pressed Stop: the run is stored as cancelled. */
  stopped: z.boolean().optional(),
});

export type BrowserRunMeta = z.infer<typeof metaSchema>;

const tooLarge = () =>
  new AppError("TOO_LARGE", `A browser run's upload is limited to ${MAX_BROWSER_RUN_BYTES} bytes.`, [{ field: "body", message: "too large" }]);

function parseMeta(raw: FormDataEntryValue | null): BrowserRunMeta {
  if (raw === null) throw validation("meta", 'The form has no part named "meta".');
  const text = typeof raw === "string" ? raw : null;
  let value: unknown;
  try {
    value = JSON.parse(text ?? "");
  } catch {
    throw validation("meta", 'The "meta" part is not valid JSON.');
  }
  const parsed = metaSchema.safeParse(value);
  if (!parsed.success) {
    const errors = fieldErrors(parsed.error).map((e) => ({ field: `meta.${e.field === "body" ? "" : e.field}`.replace(/\.$/, ""), message: e.message }));
    throw new AppError("VALIDATION", `meta: ${errors[0].field}: ${errors[0].message}`, errors);
  }
  return parsed.data;
}

/** Validates the multipart upload of a browser-trained model and stores it as a finished run. */
export async function saveBrowserRun(projectId: string, req: Request): Promise<Run> {
  const db = getDb();
  const project = db.select().from(projects).where(eq(projects.id, projectId)).get();
  if (!project) throw notFound("Project", projectId);

  if (Number(req.headers.get("content-length") ?? "0") > MAX_BROWSER_RUN_BYTES) throw tooLarge();
  const type = (req.headers.get("content-type") ?? "").toLowerCase();
  if (!type.startsWith("multipart/form-data")) {
    throw new AppError(
      "UNSUPPORTED_MEDIA_TYPE",
      "Send a browser run as multipart/form-data (meta, model.json, weights.bin, extras.json, recipe.json, reference.json).",
      [{ field: "content-type", message: "unsupported" }],
    );
  }
  const form = await req.formData().catch(() => {
    throw new AppError("BAD_REQUEST", "Malformed multipart body.", [{ field: "body", message: "malformed" }]);
  });

  const meta = parseMeta(form.get("meta"));

  const recipe = db
    .select()
    .from(recipes)
    .where(and(eq(recipes.id, meta.recipeId), eq(recipes.projectId, projectId)))
    .get();
  if (!recipe) throw validation("meta.recipeId", `Recipe ${JSON.stringify(meta.recipeId)} is not one of this project's recipes.`);

  const allowed = algorithmsFor(project.task).filter((a) => a.trainsInBrowser);
  if (!allowed.length) throw validation("meta.algorithm", `${project.task} projects are not trained in the browser.`);
  const algorithm = allowed.find((a) => a.id === meta.algorithm);
  if (!algorithm) {
    throw validation("meta.algorithm", `${meta.algorithm} does not fit a ${project.task} project; use ${allowed.map((a) => a.id).join(" or ")}.`);
  }
  let params: Params;
  try {
    // No bound on the work: the person's own machine did it, not the training worker.
    params = algorithm.resolveParams(meta.params, { ...runContext(recipe.datasetId, recipe.spec as RecipeSpec), rows: undefined });
  } catch (e) {
    if (e instanceof AppError)
      throw new AppError(
        e.code,
        `meta: ${e.message}`,
        e.errors.map((x) => ({ ...x, field: `meta.${x.field}` })),
      );
    throw e;
  }

  // Every artifact part must be a file (a Blob); the JSON ones must parse.
  const files = new Map<string, Uint8Array>();
  let total = typeof form.get("meta") === "string" ? (form.get("meta") as string).length : 0;
  for (const name of BROWSER_RUN_FILES) {
    const part = form.get(name);
    if (part === null) throw validation(name, `The form has no part named "${name}".`);
    const bytes = typeof part === "string" ? new TextEncoder().encode(part) : new Uint8Array(await part.arrayBuffer());
    total += bytes.byteLength;
    if (total > MAX_BROWSER_RUN_BYTES) throw tooLarge();
    if (bytes.byteLength === 0) throw validation(name, `The "${name}" part is empty.`);
    if (JSON_FILES.has(name)) {
      try {
        JSON.parse(new TextDecoder().decode(bytes));
      } catch {
        throw validation(name, `The "${name}" part is not valid JSON.`);
      }
    }
    files.set(name, bytes);
  }

  const id = newId("run");
  const dir = runArtifactsDir(id);
  fs.mkdirSync(dir, { recursive: true });
  for (const [name, bytes] of files) fs.writeFileSync(path.join(dir, name), bytes);

  const row: RunRow = {
    id,
    projectId,
    algorithm: algorithm.id,
    params,
    status: meta.stopped ? "cancelled" : "succeeded",
    location: "browser",
    backend: meta.backend,
    datasetId: recipe.datasetId,
    recipeId: recipe.id,
    recipeVersion: recipe.version,
    seed: Number(params.seed ?? 42),
    epoch: meta.history.length,
    totalEpochs: Number(params.epochs ?? meta.history.length),
    history: meta.history,
    metrics: meta.metrics,
    baseline: meta.baseline,
    details: meta.details ?? null,
    error: null,
    cancelRequested: meta.stopped === true,
    sweepId: null,
    // Trained on the person's own machine: recorded, but no queued work to cap.
    createdBy: currentPrincipal()?.userId ?? null,
    createdAt: new Date(),
    startedAt: new Date(meta.startedAt),
    finishedAt: new Date(meta.finishedAt),
    claimedBy: null,
    sampleRows: null,
  };
  try {
    db.insert(runs).values(row).run();
  } catch (e) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  return presentRun(row);
}
