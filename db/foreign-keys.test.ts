import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import Database from "better-sqlite3";
import { eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { deleteDataset, getDataset } from "@/lib/data/server/datasets";
import { ingestDataset } from "@/lib/data/server/ingest";
import { createProject, deleteProject, updateProject } from "@/lib/define/server/projects";
import { saveRecipe } from "@/lib/prepare/server/recipes";
import { getDb, MIGRATIONS_DIR, runMigrations, type Db } from "./client";
import * as schema from "./schema";

const FOREIGN_KEYS_MIGRATION = "0012_foreign_keys";
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "workbench-fk-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A copy of the migrations folder that stops before `tag`: a database as the release before it left it. */
function migrationsBefore(tag: string): string {
  const dir = path.join(tmp, `before-${tag}`);
  fs.cpSync(MIGRATIONS_DIR, dir, { recursive: true });
  const journalFile = path.join(dir, "meta", "_journal.json");
  const journal = JSON.parse(fs.readFileSync(journalFile, "utf8")) as { entries: { idx: number; tag: string }[] };
  const cut = journal.entries.findIndex((e) => e.tag === tag);
  expect(cut).toBeGreaterThan(0);
  journal.entries = journal.entries.slice(0, cut);
  fs.writeFileSync(journalFile, JSON.stringify(journal));
  return dir;
}

const now = new Date();
const run = (id: string, projectId: string, recipeId: string, datasetId: string): typeof schema.runs.$inferInsert => ({
  id,
  projectId,
  algorithm: "linear",
  params: {},
  status: "succeeded",
  location: "server",
  datasetId,
  recipeId,
  recipeVersion: 1,
  seed: 1,
  history: [],
  createdAt: now,
});

describe("the foreign keys' migration", () => {
  it("keeps every row and index of a database made before it, and the keys hold afterwards", () => {
    const sqlite = new Database(path.join(tmp, "old.sqlite"));
    const db = drizzle({ client: sqlite, schema, casing: "snake_case" }) as Db;
    runMigrations(db, migrationsBefore(FOREIGN_KEYS_MIGRATION));

    db.insert(schema.datasetVersions)
      .values({ id: "ds_1", name: "d", version: 1, status: "ready", sourceKind: "upload", source: "d.csv", format: "csv", columns: [], createdAt: now })
      .run();
    db.insert(schema.datasetRows)
      .values([0, 1, 2].map((idx) => ({ versionId: "ds_1", idx, data: `[${idx}]` })))
      .run();
    // A row whose version is gone: nothing prevented that before; the migration keeps it as it is.
    db.insert(schema.datasetRows).values({ versionId: "ds_gone", idx: 0, data: "[0]" }).run();
    db.insert(schema.datasetProfiles).values({ versionId: "ds_1", profile: {}, durationMs: 1, computedAt: now }).run();
    db.insert(schema.projects).values({ id: "prj_1", name: "p", task: "regression", datasetId: "ds_1", sampleKey: "k", createdAt: now, updatedAt: now }).run();
    db.insert(schema.recipes).values({ id: "rcp_1", projectId: "prj_1", version: 1, datasetId: "ds_1", spec: {}, createdAt: now }).run();
    // Raw SQL: the schema of today has columns (runs.sample_rows) that later migrations add.
    sqlite
      .prepare(
        "INSERT INTO runs (id, project_id, algorithm, params, status, location, dataset_id, recipe_id, recipe_version, seed, history, created_at) VALUES (?, ?, ?, '{}', 'succeeded', 'server', ?, ?, 1, 1, '[]', ?)",
      )
      .run("run_1", "prj_1", "linear", "ds_1", "rcp_1", now.getTime());
    db.insert(schema.endpoints).values({ name: "ep", mode: "realtime", modelId: "mdl_1", corsOrigins: [], maxRows: 10, createdAt: now, updatedAt: now }).run();
    db.insert(schema.endpointKeys).values({ endpointName: "ep", slot: "primary", hash: "h", prefix: "wbk_", createdAt: now }).run();
    db.insert(schema.reports)
      .values({
        id: "rep_1",
        name: "r",
        endpointName: "ep",
        historyDataset: "d",
        timeColumn: "t",
        valueColumn: "v",
        seriesColumns: [],
        createdAt: now,
        updatedAt: now,
      })
      .run();
    db.insert(schema.schedules)
      .values({
        id: "sch_1",
        name: "s",
        endpointName: "ep",
        datasetName: "d",
        cron: "0 * * * *",
        timezone: "UTC",
        reportId: "rep_1",
        createdAt: now,
        updatedAt: now,
      })
      .run();
    db.insert(schema.alertRules).values({ id: "alr_1", endpointName: "ep", kind: "drift", windowMinutes: 5, createdAt: now }).run();
    db.insert(schema.webhookDeliveries).values({ id: "msg_1", ruleId: "alr_1", event: "alert.firing", url: "http://x", ok: true, attempts: 1, at: now }).run();

    const tables = ["dataset_rows", "dataset_profiles", "projects", "recipes", "runs", "endpoint_keys", "schedules", "webhook_deliveries"];
    const counts = () => Object.fromEntries(tables.map((t) => [t, (sqlite.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n]));
    const indexes = () => sqlite.prepare("SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name").all();
    const countsBefore = counts();
    const indexesBefore = indexes();
    const rowsBefore = sqlite.prepare("SELECT * FROM runs").all();

    runMigrations(db);
    expect(counts()).toEqual(countsBefore);
    expect(indexes()).toEqual(indexesBefore);
    // The rows stay in their primary key's order, with no rowid beside it (drizzle-kit cannot say so; the migration does).
    expect(sqlite.prepare("SELECT sql FROM sqlite_master WHERE name = 'dataset_rows'").get()).toEqual({ sql: expect.stringMatching(/\) WITHOUT ROWID$/) });
    // The columns it had (later migrations add some, as runs.sample_rows, null for old rows).
    const had = Object.keys(rowsBefore[0] as object);
    const rowsAfter = (sqlite.prepare("SELECT * FROM runs").all() as Record<string, unknown>[]).map((r) => Object.fromEntries(had.map((k) => [k, r[k]])));
    expect(rowsAfter).toEqual(rowsBefore);
    const keys = (table: string) =>
      (sqlite.pragma(`foreign_key_list(${table})`) as { table: string; from: string; on_delete: string }[])
        .map((k) => `${k.from} → ${k.table} (${k.on_delete})`)
        .sort();
    expect(keys("runs")).toEqual(["dataset_id → dataset_versions (NO ACTION)", "project_id → projects (CASCADE)", "recipe_id → recipes (CASCADE)"]);
    expect(keys("schedules")).toEqual(["report_id → reports (SET NULL)"]);
    // The row that was already orphaned is the only one the check finds.
    expect(sqlite.pragma("foreign_key_check")).toEqual([{ table: "dataset_rows", rowid: null, parent: "dataset_versions", fkid: 0 }]);

    expect(sqlite.pragma("foreign_keys", { simple: true })).toBe(1);
    expect(() =>
      db
        .insert(schema.runs)
        .values(run("run_2", "prj_missing", "rcp_1", "ds_1"))
        .run(),
    ).toThrow(/FOREIGN KEY/);
    db.delete(schema.reports).where(eq(schema.reports.id, "rep_1")).run();
    expect(db.select({ reportId: schema.schedules.reportId }).from(schema.schedules).get()).toEqual({ reportId: null });
    db.delete(schema.alertRules).where(eq(schema.alertRules.id, "alr_1")).run();
    db.delete(schema.endpoints).where(eq(schema.endpoints.name, "ep")).run();
    db.delete(schema.projects).where(eq(schema.projects.id, "prj_1")).run();
    expect(counts()).toMatchObject({ projects: 0, recipes: 0, runs: 0, endpoint_keys: 0, webhook_deliveries: 0, schedules: 1 });
    db.delete(schema.datasetVersions).where(eq(schema.datasetVersions.id, "ds_1")).run();
    expect(counts()).toMatchObject({ dataset_rows: 1, dataset_profiles: 0 });
    sqlite.close();
  });
});

describe("the app's own deletes with the keys on", () => {
  const csv = (text: string) => ({ sourceKind: "upload" as const, source: "t.csv", stream: Readable.from([Buffer.from(text)]), maxBytes: 1 << 20 });

  it("checks foreign keys on the app's connection", () => {
    expect(getDb().$client.pragma("foreign_keys", { simple: true })).toBe(1);
  });

  it("a project goes with its recipes and runs; its dataset version then with its rows and profile", async () => {
    const db = getDb();
    const ds = await ingestDataset(`fk-${Date.now()}`, csv("x,y\n1,2\n2,4\n3,6\n4,8\n5,10\n"));
    const project = createProject({ name: "fk", task: "regression", datasetId: ds.id, target: "y" });
    const recipe = await saveRecipe(project.id, { datasetId: ds.id, target: "y", steps: [], split: { method: "random", validation: 0.2, seed: 1 } });
    db.insert(schema.runs)
      .values(run(`run_fk_${project.id}`, project.id, recipe.id, ds.id))
      .run();
    db.insert(schema.datasetProfiles).values({ versionId: ds.id, profile: {}, durationMs: 1, computedAt: now }).run();

    // Still attached and built on: the dataset version stays, refused by the code before the keys would.
    expect(() => deleteDataset(ds.id)).toThrow(/uses this dataset version/);
    updateProject(project.id, { datasetId: null });
    expect(() => deleteDataset(ds.id)).toThrow(/was built on this dataset version/);

    deleteProject(project.id);
    expect(db.select().from(schema.recipes).where(eq(schema.recipes.projectId, project.id)).all()).toEqual([]);
    expect(db.select().from(schema.runs).where(eq(schema.runs.projectId, project.id)).all()).toEqual([]);
    deleteDataset(ds.id);
    expect(() => getDataset(ds.id)).toThrow(/does not exist/);
    expect(db.select().from(schema.datasetRows).where(eq(schema.datasetRows.versionId, ds.id)).all()).toEqual([]);
    expect(db.select().from(schema.datasetProfiles).where(eq(schema.datasetProfiles.versionId, ds.id)).all()).toEqual([]);
  });
});
