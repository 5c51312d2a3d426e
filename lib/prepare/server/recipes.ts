import { desc, eq, max } from "drizzle-orm";
import { z } from "zod";
import { getDb } from "@/db/client";
import { projects, recipes, type RecipeRow } from "@/db/schema";
import { getDataset, readTypedRows } from "@/lib/data/server/datasets";
import type { ColumnInfo, Row } from "@/lib/data/types";
import { AppError, invalidFields, notFound } from "@/lib/shared/errors";
import { newId } from "@/lib/shared/ids";
import { parseWith } from "@/lib/shared/http";
import { applyRecipe, fitRecipe, validateRecipe, type FeatureColumn, type FittedRecipe } from "../recipe";
import { recipeSpec, type RecipeSpec } from "../recipe-schema";
import { splitIndices } from "../split";

/** Rows a preview fits on at most; the full data is fitted when a model trains. */
export const PREVIEW_MAX_ROWS = 200_000;
export const PREVIEW_DEFAULT_ROWS = 20;

export interface Recipe {
  id: string;
  projectId: string;
  version: number;
  datasetId: string;
  spec: RecipeSpec;
  createdAt: string;
}

function present(r: RecipeRow): Recipe {
  return { id: r.id, projectId: r.projectId, version: r.version, datasetId: r.datasetId, spec: r.spec as RecipeSpec, createdAt: r.createdAt.toISOString() };
}

function requireProject(projectId: string) {
  const p = getDb().select({ id: projects.id }).from(projects).where(eq(projects.id, projectId)).get();
  if (!p) throw notFound("Project", projectId);
}

/** Parses a recipe and checks every column it names against the dataset version's columns. */
async function checkSpec(input: unknown): Promise<{ spec: RecipeSpec; columns: ColumnInfo[] }> {
  const spec = parseWith(recipeSpec, input);
  let columns: ColumnInfo[];
  try {
    columns = getDataset(spec.datasetId).columns;
  } catch {
    throw new AppError("VALIDATION", `Dataset version "${spec.datasetId}" does not exist.`, [{ field: "datasetId", message: "unknown dataset" }]);
  }
  const errors = validateRecipe(spec, columns);
  if (errors.length) throw invalidFields(errors);
  return { spec, columns };
}

/** Saves a recipe as the project's next version; earlier versions never change. */
export async function saveRecipe(projectId: string, input: unknown): Promise<Recipe> {
  requireProject(projectId);
  const { spec } = await checkSpec(input);
  const db = getDb();
  return db.transaction((tx) => {
    const last = tx
      .select({ v: max(recipes.version) })
      .from(recipes)
      .where(eq(recipes.projectId, projectId))
      .get();
    const row: RecipeRow = {
      id: newId("rcp"),
      projectId,
      version: (last?.v ?? 0) + 1,
      datasetId: spec.datasetId,
      spec,
      createdAt: new Date(),
    };
    tx.insert(recipes).values(row).run();
    return present(row);
  });
}

export function getLatestRecipe(projectId: string): Recipe {
  requireProject(projectId);
  const row = getDb().select().from(recipes).where(eq(recipes.projectId, projectId)).orderBy(desc(recipes.version)).limit(1).get();
  if (!row) throw new AppError("NOT_FOUND", "This project has no recipe yet; PUT one first.");
  return present(row);
}

export function listRecipeVersions(projectId: string): Recipe[] {
  requireProject(projectId);
  return getDb().select().from(recipes).where(eq(recipes.projectId, projectId)).orderBy(desc(recipes.version)).all().map(present);
}

export function getRecipeVersion(projectId: string, version: number): Recipe {
  requireProject(projectId);
  const row = getDb()
    .select()
    .from(recipes)
    .where(eq(recipes.projectId, projectId))
    .all()
    .find((r) => r.version === version);
  if (!row) throw notFound("Recipe version", String(version));
  return present(row);
}

const previewOptions = z.object({ limit: z.number().int().min(1).max(500).optional() });

export interface RecipePreview {
  rows: Row[];
  columns: FeatureColumn[];
  target: string;
  split: { train: number; validation: number; test: number };
  fittedOnRows: number;
  sampled: boolean;
  fitted: FittedRecipe;
}

/**
 * Fits the recipe on the training split and shows the first rows after it. With no body,
 * previews the saved recipe. The fit never sees validation or test rows.
 */
export async function previewRecipe(projectId: string, input: unknown): Promise<RecipePreview> {
  requireProject(projectId);
  if (input !== undefined && input !== null && (typeof input !== "object" || Array.isArray(input))) {
    throw new AppError("VALIDATION", "The body must be a JSON object: a recipe, or {limit}.", [{ field: "body", message: "must be an object" }]);
  }
  const { limit, ...rest } = (input ?? {}) as Record<string, unknown>;
  const options = parseWith(previewOptions, { limit });
  const specInput = Object.keys(rest).length > 0 ? rest : getLatestRecipe(projectId).spec;
  const { spec } = await checkSpec(specInput);

  const data = await readTypedRows(spec.datasetId, PREVIEW_MAX_ROWS);
  const parts = splitIndices(data.rows, spec.split);
  const pick = (idx: number[]) => idx.map((i) => data.rows[i]);
  const fitted = fitRecipe(spec, pick(parts.train), data.columns);
  const out = applyRecipe(fitted, data.rows, { mode: "train" });
  // Sizes after the recipe's filters: the rows each part really contributes.
  const kept = (idx: number[]) => applyRecipe(fitted, pick(idx), { mode: "train" }).rows.length;
  const train = kept(parts.train);
  return {
    rows: out.rows.slice(0, options.limit ?? PREVIEW_DEFAULT_ROWS),
    columns: out.columns,
    target: spec.target,
    split: { train, validation: kept(parts.validation), test: kept(parts.test) },
    fittedOnRows: train,
    sampled: data.rows.length >= PREVIEW_MAX_ROWS,
    fitted,
  };
}
