import fs from "node:fs";
import path from "node:path";
import { getDb } from "@/db/client";
import { createProject, findProjectBySampleKey } from "@/lib/define/server/projects";
import { findLatestVersion, overrideColumnTypes } from "@/lib/data/server/datasets";
import { ingestDataset } from "@/lib/data/server/ingest";
import { saveRecipe } from "@/lib/prepare/server/recipes";
import { env } from "@/lib/shared/env";
import type { DatasetVersion } from "@/lib/data/types";

const SAMPLES_DIR = path.join(process.cwd(), "samples");
const SAMPLE_MAX_BYTES = 64 * 1024 * 1024;

/** A sample file as a dataset: reused if a version of that name is already there. */
async function sampleDataset(name: string, file: string): Promise<DatasetVersion> {
  const existing = findLatestVersion(name);
  if (existing) return existing;
  const full = path.join(SAMPLES_DIR, file);
  return ingestDataset(name, {
    sourceKind: "sample",
    source: `samples/${file}`,
    fileName: path.basename(file),
    stream: fs.createReadStream(full),
    maxBytes: SAMPLE_MAX_BYTES,
  });
}

async function seedOrangeJuice() {
  if (findProjectBySampleKey("oj-sales")) return;
  let sales = await sampleDataset("Orange juice sales (9 series)", "oj/oj-sales-9-series.csv");
  // Store is a code, not a quantity: read it as a category.
  sales = overrideColumnTypes(sales.id, { columns: [{ name: "Store", type: "category" }] });
  await sampleDataset("Orange juice weeks to forecast", "oj/oj-sales-9-series-future.csv");
  const project = createProject(
    {
      name: "Orange juice sales",
      description:
        "Weekly orange-juice sales per store and brand (Dominick's Finer Foods). Forecast next weeks' Quantity from price, adverts and history; scored weekly in batch.",
      task: "forecasting",
      target: "Quantity",
      successMetric: "wape",
      successThreshold: 0.4,
      delivery: "batch",
      datasetId: sales.id,
    },
    { sampleKey: "oj-sales" },
  );
  await saveRecipe(project.id, {
    datasetId: sales.id,
    target: "Quantity",
    features: ["WeekStarting", "Store", "Brand", "Advert", "Price"],
    // The forecaster builds its own lags, rolling statistics, calendar and series features from
    // these raw columns; the recipe only fills a missing price.
    steps: [{ op: "impute", columns: ["Price"], strategy: "median" }],
    split: { method: "time", validation: 0.1, test: 0.1, timeColumn: "WeekStarting" },
  });
}

async function seedWebShop() {
  if (findProjectBySampleKey("web-shop")) return;
  const invoices = await sampleDataset("Online retail invoices", "online-retail/OnlineRetail_subset.csv");
  await sampleDataset("Product catalog", "online-retail/catalog_derived.csv");
  const project = createProject(
    {
      name: "Web shop recommendations",
      description: "Items that go with the one on screen, learned from a UK gift shop's invoices; served in real time to the product page.",
      task: "recommendation",
      target: "StockCode",
      successMetric: "hitRate",
      successThreshold: 0.2,
      delivery: "realtime",
      datasetId: invoices.id,
    },
    { sampleKey: "web-shop" },
  );
  await saveRecipe(project.id, {
    datasetId: invoices.id,
    target: "StockCode",
    features: ["InvoiceNo", "CustomerID", "Quantity", "InvoiceDate"],
    // Negative quantities are returns, not purchases.
    steps: [{ op: "filter", column: "Quantity", operator: ">", value: 0 }],
    split: { method: "time", validation: 0.2, timeColumn: "InvoiceDate" },
  });
}

/**
 * Migrates the database and seeds the two sample projects on first start. A marker file in
 * the data folder records that seeding ran, so samples a user deleted do not come back.
 */
export async function prepareWorkbench(): Promise<void> {
  getDb();
  const marker = path.join(env.dataDir, ".samples-seeded");
  if (env.WORKBENCH_SEED_SAMPLES === "0" || fs.existsSync(marker)) return;
  await seedOrangeJuice();
  await seedWebShop();
  fs.writeFileSync(marker, new Date().toISOString() + "\n");
}
