import { desc, eq } from "drizzle-orm";
import { getDb } from "@/db/client";
import { projects, recipes, datasetVersions, runs, type ProjectRow } from "@/db/schema";
import { notFound, validation } from "@/lib/shared/errors";
import { newId } from "@/lib/shared/ids";
import { withoutUndefined } from "@/lib/shared/objects";
import { parseWith } from "@/lib/shared/http";
import type { ColumnInfo } from "@/lib/shared/columns";
import { checkMetric, createProjectSchema, updateProjectSchema, type CreateProjectInput, type UpdateProjectInput } from "../schemas";
import { describeCriterion, metricInfo, type StepReport, type Task } from "../tasks";
import { z } from "zod";

/**
 * A project as define keeps it. Where it stands in each step is each step's to say (the app shows
 * them together: lib/steps/state.ts).
 */
export interface ProjectRecord {
  id: string;
  name: string;
  description: string;
  task: Task;
  target: string | null;
  successMetric: string | null;
  successThreshold: number | null;
  criterion: string | null;
  delivery: "realtime" | "batch";
  datasetId: string | null;
  /** The attached dataset version; null when none is attached, or it is gone or not ready. */
  dataset: { id: string; name: string; version: number; rowCount: number } | null;
  createdAt: string;
  updatedAt: string;
}

type DatasetBrief = { id: string; name: string; version: number; rowCount: number; columns: ColumnInfo[] };

function loadDataset(id: string | null): DatasetBrief | null {
  if (!id) return null;
  const row = getDb()
    .select({
      id: datasetVersions.id,
      name: datasetVersions.name,
      version: datasetVersions.version,
      rowCount: datasetVersions.rowCount,
      columns: datasetVersions.columns,
      status: datasetVersions.status,
    })
    .from(datasetVersions)
    .where(eq(datasetVersions.id, id))
    .get();
  if (row?.status !== "ready") return null;
  return { ...row, columns: row.columns as ColumnInfo[] };
}

/**
 * Define's own state: done once the project has its success criterion and, unless it recommends,
 * its target; needing attention when the target is not a column of the attached data.
 */
export function defineStepState(p: ProjectRecord): StepReport {
  const columns = p.target && p.dataset ? loadDataset(p.datasetId)?.columns : undefined;
  if (p.target && columns && !columns.some((c) => c.name === p.target)) {
    return { state: "attention", note: `Target "${p.target}" is not a column of the attached data.` };
  }
  const needsTarget = p.task !== "recommendation";
  const hasCriterion = !!p.successMetric && p.successThreshold !== null;
  if (hasCriterion && (!needsTarget || p.target)) return { state: "done" };
  return { state: "not-started", note: needsTarget && !p.target ? "Choose the target column." : "Set a success criterion." };
}

function present(p: ProjectRow): ProjectRecord {
  const dataset = loadDataset(p.datasetId);
  return {
    id: p.id,
    name: p.name,
    description: p.description,
    task: p.task,
    target: p.target,
    successMetric: p.successMetric,
    successThreshold: p.successThreshold,
    criterion: describeCriterion(p.task, p.successMetric, p.successThreshold),
    delivery: p.delivery,
    datasetId: p.datasetId,
    dataset: dataset ? { id: dataset.id, name: dataset.name, version: dataset.version, rowCount: dataset.rowCount } : null,
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
  };
}

function getRow(id: string): ProjectRow {
  const row = getDb().select().from(projects).where(eq(projects.id, id)).get();
  if (!row) throw notFound("Project", id);
  return row;
}

/** Checks the references a project holds: its dataset exists, its target is one of its columns. */
function checkReferences(v: {
  datasetId?: string | null;
  target?: string | null;
  task: Task;
  successMetric?: string | null;
  successThreshold?: number | null;
}) {
  const dataset = v.datasetId ? loadDataset(v.datasetId) : null;
  if (v.datasetId && !dataset) throw validation("datasetId", `Dataset version "${v.datasetId}" does not exist.`);
  if (v.target && dataset && !dataset.columns.some((c) => c.name === v.target)) {
    throw validation("target", `"${v.target}" is not a column of ${dataset.name} v${dataset.version}.`);
  }
  if (v.successMetric && v.successThreshold !== null && v.successThreshold !== undefined) {
    const info = metricInfo(v.task, v.successMetric);
    if (info && (v.successThreshold < info.min || v.successThreshold > info.max)) {
      throw validation("successThreshold", `${info.label} thresholds lie between ${info.min} and ${info.max}.`);
    }
  }
}

export function createProject(input: unknown, opts: { sampleKey?: string } = {}): ProjectRecord {
  const v: CreateProjectInput = parseWith(createProjectSchema, input);
  checkReferences(v);
  const now = new Date();
  const row: ProjectRow = {
    id: newId("prj"),
    name: v.name,
    description: v.description ?? "",
    task: v.task,
    target: v.target ?? null,
    successMetric: v.successMetric ?? null,
    successThreshold: v.successThreshold ?? null,
    delivery: v.delivery ?? (v.task === "forecasting" ? "batch" : "realtime"),
    datasetId: v.datasetId ?? null,
    sampleKey: opts.sampleKey ?? null,
    createdAt: now,
    updatedAt: now,
  };
  getDb().insert(projects).values(row).run();
  return present(row);
}

export function listProjects(): ProjectRecord[] {
  return getDb().select().from(projects).orderBy(desc(projects.createdAt)).all().map(present);
}

export function getProject(id: string): ProjectRecord {
  return present(getRow(id));
}

export function updateProject(id: string, input: unknown): ProjectRecord {
  const patch: UpdateProjectInput = parseWith(updateProjectSchema, input);
  const current = getRow(id);
  const merged = { ...current, ...withoutUndefined(patch) } as ProjectRow;
  // A change of task can orphan the metric: judge the merged project, not the patch alone.
  const metricCheck = z
    .object({ task: z.string(), successMetric: z.string().nullable() })
    .superRefine((val, ctx) => checkMetric(val as { task: Task; successMetric: string | null }, ctx));
  parseWith(metricCheck, { task: merged.task, successMetric: merged.successMetric });
  checkReferences(merged);
  merged.updatedAt = new Date();
  getDb()
    .update(projects)
    .set({
      name: merged.name,
      description: merged.description,
      task: merged.task,
      target: merged.target,
      successMetric: merged.successMetric,
      successThreshold: merged.successThreshold,
      delivery: merged.delivery,
      datasetId: merged.datasetId,
      updatedAt: merged.updatedAt,
    })
    .where(eq(projects.id, id))
    .run();
  return present(merged);
}

export function deleteProject(id: string): void {
  getRow(id);
  const db = getDb();
  db.transaction((tx) => {
    tx.delete(recipes).where(eq(recipes.projectId, id)).run();
    tx.delete(runs).where(eq(runs.projectId, id)).run();
    tx.delete(projects).where(eq(projects.id, id)).run();
  });
}

export function findProjectBySampleKey(key: string): ProjectRow | undefined {
  return getDb().select().from(projects).where(eq(projects.sampleKey, key)).get();
}
