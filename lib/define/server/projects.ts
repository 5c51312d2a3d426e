import { and, desc, eq } from "drizzle-orm";
import { getDb } from "@/db/client";
import { projects, recipes, datasetVersions, runs, endpoints, alerts, type ProjectRow } from "@/db/schema";
import { notFound, validation } from "@/lib/shared/errors";
import { newId } from "@/lib/shared/ids";
import { parseWith } from "@/lib/shared/http";
import type { ColumnInfo } from "@/lib/data/types";
import {
  checkMetric,
  createProjectSchema,
  updateProjectSchema,
  type CreateProjectInput,
  type UpdateProjectInput,
} from "../schemas";
import { describeCriterion, metricInfo, type StepKey, type StepState, type Task } from "../tasks";
import { z } from "zod";

export interface Project {
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
  dataset: { id: string; name: string; version: number; rowCount: number } | null;
  steps: Record<StepKey, StepState>;
  stepNotes: Partial<Record<StepKey, string>>;
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
  if (!row || row.status !== "ready") return null;
  return { ...row, columns: row.columns as ColumnInfo[] };
}

/** Where the project stands in each of the six steps, with a note where it needs attention. */
function assessSteps(p: ProjectRow, dataset: DatasetBrief | null) {
  const steps: Record<StepKey, StepState> = {
    define: "not-started",
    data: "not-started",
    prepare: "not-started",
    train: "not-started",
    deploy: "not-started",
    monitor: "not-started",
  };
  const notes: Partial<Record<StepKey, string>> = {};
  const columnNames = new Set(dataset?.columns.map((c) => c.name) ?? []);

  const needsTarget = p.task !== "recommendation";
  const hasCriterion = !!p.successMetric && p.successThreshold !== null;
  if (p.target && dataset && !columnNames.has(p.target)) {
    steps.define = "attention";
    notes.define = `Target "${p.target}" is not a column of the attached data.`;
  } else if (hasCriterion && (!needsTarget || p.target)) {
    steps.define = "done";
  } else {
    notes.define = needsTarget && !p.target ? "Choose the target column." : "Set a success criterion.";
  }

  if (p.datasetId && !dataset) {
    steps.data = "attention";
    notes.data = "The attached dataset version no longer exists.";
  } else if (dataset) steps.data = "done";

  const recipe = getDb()
    .select({ datasetId: recipes.datasetId, spec: recipes.spec, version: recipes.version })
    .from(recipes)
    .where(eq(recipes.projectId, p.id))
    .orderBy(desc(recipes.version))
    .limit(1)
    .get();
  if (recipe) {
    const target = (recipe.spec as { target?: string }).target;
    if (recipe.datasetId !== p.datasetId) {
      steps.prepare = "attention";
      notes.prepare = "The recipe was built on another dataset version than the one attached.";
    } else if (p.target && target !== p.target) {
      steps.prepare = "attention";
      notes.prepare = `The recipe predicts "${target}" but the project's target is "${p.target}".`;
    } else steps.prepare = "done";
  }

  const latestRun = getDb()
    .select({ status: runs.status, error: runs.error })
    .from(runs)
    .where(eq(runs.projectId, p.id))
    .orderBy(desc(runs.createdAt))
    .limit(1)
    .get();
  const anySucceeded = getDb()
    .select({ id: runs.id })
    .from(runs)
    .where(and(eq(runs.projectId, p.id), eq(runs.status, "succeeded")))
    .limit(1)
    .get();
  if (latestRun?.status === "failed") {
    steps.train = "attention";
    notes.train = `The latest run failed: ${latestRun.error ?? "unknown error"}`;
  } else if (anySucceeded) steps.train = "done";

  const endpoint = getDb().select({ name: endpoints.name }).from(endpoints).where(eq(endpoints.projectId, p.id)).limit(1).get();
  if (endpoint) steps.deploy = "done";

  const firing = getDb()
    .select({ endpoint: alerts.endpointName, kind: alerts.kind })
    .from(alerts)
    .innerJoin(endpoints, eq(endpoints.name, alerts.endpointName))
    .where(and(eq(endpoints.projectId, p.id), eq(alerts.state, "firing")))
    .limit(1)
    .get();
  if (firing) {
    steps.monitor = "attention";
    notes.monitor = `A ${firing.kind} alert is firing on endpoint ${firing.endpoint}.`;
  }
  return { steps, notes };
}

function present(p: ProjectRow): Project {
  const dataset = loadDataset(p.datasetId);
  const { steps, notes } = assessSteps(p, dataset);
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
    steps,
    stepNotes: notes,
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
function checkReferences(v: { datasetId?: string | null; target?: string | null; task: Task; successMetric?: string | null; successThreshold?: number | null }) {
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

export function createProject(input: unknown, opts: { sampleKey?: string } = {}): Project {
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

export function listProjects(): Project[] {
  return getDb().select().from(projects).orderBy(desc(projects.createdAt)).all().map(present);
}

export function getProject(id: string): Project {
  return present(getRow(id));
}

export function updateProject(id: string, input: unknown): Project {
  const patch: UpdateProjectInput = parseWith(updateProjectSchema, input);
  const current = getRow(id);
  const merged = { ...current, ...stripUndefined(patch) } as ProjectRow;
  // A change of task can orphan the metric: judge the merged project, not the patch alone.
  const metricCheck = z.object({ task: z.string(), successMetric: z.string().nullable() }).superRefine((val, ctx) =>
    checkMetric(val as { task: Task; successMetric: string | null }, ctx),
  );
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

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

