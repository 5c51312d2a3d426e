/**
 * `npx tsx bench/eval-models.ts` (`npm run eval`): the quality figures of issue 3 for the forecaster
 * and the recommender on the real data in ../shared/datasets (skipped with a note when absent), and
 * of the tabular models against scikit-learn (bench/eval-tabular.ts).
 *   EVAL_ONLY=forecaster|recommender|tabular   runs one of the three
 */
import fs from "node:fs";
import path from "node:path";
import { trainForecaster } from "@/lib/train/algorithms/forecaster/training";
import type { ForecastMetrics, RecommendationMetrics } from "@/lib/train/metrics";
import { trainRecommender } from "@/lib/train/algorithms/recommender/training";
import { initServerBackend } from "@/lib/train/server/backend";
import { evalTabular } from "./eval-tabular";
import { readCsv } from "./lib/csv";

const DATASETS_DIR = path.resolve(process.cwd(), "../shared/datasets");
const OJ_FILE = path.join(DATASETS_DIR, "oj/oj-sales-249-series.csv");
const RETAIL_FILE = path.join(DATASETS_DIR, "online-retail/OnlineRetail_subset.csv");
const FORECAST_HORIZON_WEEKS = 12;
const RECOMMEND_K = 10;
/** Reference figures from issue 3 (same split: the last 12 weeks of all 249 series). */
const REFERENCE_TREES_WAPE = 0.437;
const REFERENCE_LAST_VALUE_WAPE = 0.71;

const pct = (v: number) => `${(100 * v).toFixed(1)} %`;
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const forecastLine = (name: string, m: ForecastMetrics) =>
  `  ${name.padEnd(22)} MAPE ${pct(m.mape).padStart(7)}   WAPE ${pct(m.wape).padStart(7)}   RMSE ${m.rmse.toFixed(0).padStart(6)}   MAE ${m.mae.toFixed(0).padStart(6)}`;

async function evalForecaster(): Promise<void> {
  console.log(`\n## forecaster — orange juice, last ${FORECAST_HORIZON_WEEKS} weeks of every series held out (price and advert known)`);
  if (!fs.existsSync(OJ_FILE)) {
    console.log(`  skipped: ${OJ_FILE} not found`);
    return;
  }
  const { rows } = readCsv(OJ_FILE);
  const seriesCount = new Set(rows.map((r) => `${r.Store}|${r.Brand}`)).size;
  console.log(`  ${rows.length} rows, ${seriesCount} series`);
  const started = performance.now();
  const forecaster = await trainForecaster({
    rows,
    params: {
      timeColumn: "WeekStarting",
      seriesColumns: ["Store", "Brand"],
      target: "Quantity",
      exogenous: ["Price", "Advert"],
      horizon: FORECAST_HORIZON_WEEKS,
    },
  });
  const trainMs = performance.now() - started;
  const { backtest, history } = forecaster;
  const best = history.reduce((b, h) => ((h.valLoss ?? Infinity) < (b.valLoss ?? Infinity) ? h : b), history[0]);
  console.log(
    `  backtest rows ${backtest.rows}; ${history.length} epochs, early stopping kept epoch ${best.epoch} (validation loss ${best.valLoss?.toFixed(3)}); ensemble of ${forecaster.params.ensembleSize}; training ${seconds(trainMs)}`,
  );
  console.log(forecastLine("forecaster", backtest.metrics));
  console.log(forecastLine("last-value naive", backtest.baselines.lastValue));
  console.log(forecastLine("seasonal naive (52)", backtest.baselines.seasonalNaive));
  console.log(`  reference: gradient-boosted trees WAPE ${pct(REFERENCE_TREES_WAPE)}, last-value naive ${pct(REFERENCE_LAST_VALUE_WAPE)}`);
  console.log(`  beats the trees: ${backtest.metrics.wape < REFERENCE_TREES_WAPE ? "yes" : "NO"}`);
  console.log(`  WAPE per step: ${backtest.perHorizon.map((h) => `${h.step}:${(100 * h.wape).toFixed(0)}`).join(" ")}`);
  forecaster.dispose();
}

async function evalRecommender(): Promise<void> {
  console.log(`\n## recommender — online-retail baskets, leave-one-item-out, k = ${RECOMMEND_K}`);
  if (!fs.existsSync(RETAIL_FILE)) {
    console.log(`  skipped: ${RETAIL_FILE} not found`);
    return;
  }
  const { rows } = readCsv(RETAIL_FILE);
  const started = performance.now();
  const recommender = await trainRecommender({ rows, params: {} });
  const trainMs = performance.now() - started;
  const { evaluation } = recommender;
  const { k } = evaluation;
  const line = (name: string, m: RecommendationMetrics) =>
    `    ${name.padEnd(22)} hit-rate@${k} ${pct(m.hitRate).padStart(7)}   NDCG@${k} ${m.ndcg.toFixed(3)}   coverage ${pct(m.coverage).padStart(7)}`;
  const ratio = (m: RecommendationMetrics, p: RecommendationMetrics) => m.hitRate / p.hitRate;
  console.log(
    `  ${rows.length} rows, ${recommender.items.length} items in the training catalog, ${evaluation.queries} queries from ${evaluation.heldOutBaskets} held-out baskets; ${recommender.history.length} epochs, training ${seconds(trainMs)}`,
  );
  console.log("  basket queries (the held-out item asked for with the rest of its basket):");
  console.log(line("recommender", evaluation.model));
  console.log(line("popularity", evaluation.popularity));
  console.log(line("co-occurrence counts", evaluation.cooccurrence));
  const basketRatio = ratio(evaluation.model, evaluation.popularity);
  console.log(`    hit-rate ratio to popularity: ${basketRatio.toFixed(2)}× (target ≥ 1.5×: ${basketRatio >= 1.5 ? "met" : "NOT met"})`);
  const single = evaluation.singleItem;
  console.log("  single-item queries (the same held-out items asked for with one other item of the basket):");
  console.log(line("recommender", single.model));
  console.log(line("popularity", single.popularity));
  console.log(line("co-occurrence counts", single.cooccurrence));
  const singleRatio = ratio(single.model, single.popularity);
  console.log(`    hit-rate ratio to popularity: ${singleRatio.toFixed(2)}× (target ≥ 1.5×: ${singleRatio >= 1.5 ? "met" : "NOT met"})`);
  const queries = recommender.items.slice(0, 1000);
  for (const item of queries) recommender.recommend(item, k); // warm-up: the JIT compiles the loop
  const t = performance.now();
  for (const item of queries) recommender.recommend(item, k);
  console.log(
    `  recommend(): ${(((performance.now() - t) * 1000) / queries.length).toFixed(0)} µs per call (${recommender.items.length} items × ${recommender.params.embeddingDim} dims)`,
  );
  recommender.dispose();
}

async function main(): Promise<void> {
  const backend = await initServerBackend();
  console.log(`# eval-models (tfjs backend: ${backend})`);
  const only = process.env.EVAL_ONLY;
  if (!only || only === "forecaster") await evalForecaster();
  if (!only || only === "recommender") await evalRecommender();
  if (!only || only === "tabular") await evalTabular();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
