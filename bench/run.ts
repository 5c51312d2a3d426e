/**
 * `npm run bench`: prints the figures the issues ask for, each target beside its figure (PASS/FAIL,
 * printed, never asserted). The whole run: the data figures in-process (ingest, profile, stored size
 * of a 1,000,000-row CSV), MLP training speed, the serving figures (one-row, 100-row and
 * recommendation scoring, the batch job, catalog, drift), the cars-shaped batch job, and
 * 10,000,000 rows on the production server.
 *   BENCH_ROWS=200000 npm run bench   for a quicker ingest
 *   BENCH_ONLY=data npm run bench     only ingest + profile + stored size of a 1,000,000 × 20 CSV in-process, with pandas' read_csv beside it (BENCH_ROWS to change)
 *   BENCH_ONLY=batchdata npm run bench only the 1,000,000-row cars-shaped batch job (impute + datepart + onehot + scale, mlp), from a CSV file and from a dataset version, and pandas + scikit-learn doing the same (BENCH_CARS_ROWS to change)
 *   BENCH_ONLY=big npm run bench      only 10,000,000 × 20 on the production server: upload, profile, training, batch job, dataset page, each process's peak RSS (BENCH_BIG_ROWS to change)
 *   BENCH_ONLY=serving npm run bench  only the serving figures (production server, HTTP)
 *   BENCH_ONLY=scoring npm run bench  only floor, one-row and 100-row scoring (no samples; BENCH_CPU_PROF=dir profiles the server)
 *   BENCH_ONLY=batch npm run bench    only the 1,000,000-row batch job, alone and beside one-row scoring (BENCH_BATCH_ROWS to change)
 *   BENCH_ONLY=catalog npm run bench  only recommendation top-10 over a 50,000-item catalog, in-process
 *   BENCH_ONLY=monitor npm run bench  only the monitor page's reads over a 300,000-row request log beside one-row scoring (BENCH_MONITOR_ROWS to change)
 *   BENCH_ONLY=drift npm run bench    only drift of a 1,000,000-row window against a 500-row reference, in-process
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { benchBatchData, benchBig, benchData } from "./data";
import { benchDrift } from "./drift";
import { benchCatalog, benchServing } from "./serving";

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "workbench-bench-"));
process.env.WORKBENCH_DATA_DIR = path.join(dir, "data");
process.env.WORKBENCH_SEED_SAMPLES = "0";
// The generated files (a 10,000,000-row CSV is a gigabyte) go too when a signal stops the bench.
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    fs.rmSync(dir, { recursive: true, force: true });
    process.kill(process.pid, signal);
  });
}

async function main() {
  if (process.env.BENCH_ONLY === "data") return benchData(dir, ROWS);
  if (process.env.BENCH_ONLY === "batchdata") return benchBatchData(dir);
  if (process.env.BENCH_ONLY === "big") return benchBig(dir);
  if (process.env.BENCH_ONLY === "serving") return benchServing();
  if (process.env.BENCH_ONLY === "scoring") return benchServing("scoring");
  if (process.env.BENCH_ONLY === "batch") return benchServing("batch");
  if (process.env.BENCH_ONLY === "monitor") return benchServing("monitor");
  if (process.env.BENCH_ONLY === "catalog") return benchCatalog();
  if (process.env.BENCH_ONLY === "drift") return benchDrift();
  await benchData(dir, ROWS);
  await benchTraining();
  await benchServing();
  await benchBatchData(dir);
  await benchBig(dir);
}

/** Issue 3's speed figure: server-side MLP training, 10k rows × 8 features, 20 epochs, wasm backend. */
async function benchTraining() {
  const { initServerBackend } = await import("@/lib/train/server/backend");
  const { trainTabular } = await import("@/lib/train/algorithms/tabular/train");
  const { TABULAR_DEFAULTS } = await import("@/lib/train/algorithms/tabular/params");
  const { mulberry32 } = await import("@/lib/shared/random");
  const backend = await initServerBackend();
  const rand = mulberry32(1);
  const make = (rows: number) => {
    const data = new Float32Array(rows * 8);
    const y: number[] = [];
    for (let i = 0; i < rows; i++) {
      let t = 0;
      for (let j = 0; j < 8; j++) {
        const v = rand() * 2 - 1;
        data[i * 8 + j] = v;
        t += Math.sin(v * (j + 1));
      }
      y.push(t + (rand() - 0.5) * 0.1);
    }
    return { x: { data, rows, cols: 8 }, y };
  };
  const train = make(10_000);
  const validation = make(2_000);
  const t = performance.now();
  const model = await trainTabular({ algorithm: "mlp", task: "regression", params: { epochs: 20, earlyStoppingPatience: 0 }, train, validation });
  const sec = (performance.now() - t) / 1000;
  const last = model.history[model.history.length - 1];
  console.log(
    `train mlp ${JSON.stringify(TABULAR_DEFAULTS.mlp.hiddenUnits)} on 10,000 × 8, 20 epochs (${backend}, batch ${TABULAR_DEFAULTS.mlp.batchSize})   ${sec.toFixed(1)} s, val loss ${last.valLoss?.toFixed(3)}`,
  );
  model.dispose();
}

main()
  .catch((e) => {
    console.error(e);
    process.exitCode = 1;
  })
  .finally(() => fs.rmSync(dir, { recursive: true, force: true }));
