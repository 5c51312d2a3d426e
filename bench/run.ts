/**
 * `npm run bench`: prints the figures the issues ask for. Runs the real ingest and profile code
 * in this process against a fresh data folder (no server needed).
 *   BENCH_ROWS=200000 npm run bench   for a quicker run
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
import { monitorEventLoopDelay } from "node:perf_hooks";
import { generateCsv } from "./generate";
import { benchDrift } from "./drift";
import { benchCatalog, benchServing } from "./serving";

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "workbench-bench-"));
process.env.WORKBENCH_DATA_DIR = path.join(dir, "data");
process.env.WORKBENCH_SEED_SAMPLES = "0";

const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

/** Samples resident memory every 50 ms; returns the peak seen. */
function trackPeakRss() {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  return { stop: () => (clearInterval(timer), Math.max(peak, process.memoryUsage().rss)) };
}

async function main() {
  if (process.env.BENCH_ONLY === "serving") return benchServing();
  if (process.env.BENCH_ONLY === "scoring") return benchServing("scoring");
  if (process.env.BENCH_ONLY === "batch") return benchServing("batch");
  if (process.env.BENCH_ONLY === "monitor") return benchServing("monitor");
  if (process.env.BENCH_ONLY === "catalog") return benchCatalog();
  if (process.env.BENCH_ONLY === "drift") return benchDrift();
  const file = path.join(dir, "bench.csv");
  console.log(`# ML Workbench bench (${os.cpus().length} cores, node ${process.version})`);
  let t = performance.now();
  const size = await generateCsv(file, ROWS);
  console.log(`generated ${fmt(ROWS)} rows × 20 columns, ${mb(size)} MiB in ${((performance.now() - t) / 1000).toFixed(1)} s`);

  // Baseline: read the same file and count lines, the floor for any streaming ingest.
  t = performance.now();
  let lines = 0;
  for await (const chunk of fs.createReadStream(file)) for (const b of chunk as Buffer) if (b === 10) lines++;
  const readSec = (performance.now() - t) / 1000;
  console.log(`baseline: read + count lines       ${fmt(lines / readSec)} rows/s (${readSec.toFixed(2)} s)`);

  const { getDb } = await import("@/db/client");
  const { ingestDataset } = await import("@/lib/data/server/ingest");
  const { getProfile } = await import("@/lib/prepare/server/profile");
  getDb();

  const baseRss = process.memoryUsage().rss;
  const rss = trackPeakRss();
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  t = performance.now();
  const version = await ingestDataset("bench", {
    sourceKind: "upload",
    source: "bench.csv",
    fileName: "bench.csv",
    stream: fs.createReadStream(file),
    maxBytes: 1 << 30,
  });
  const ingestSec = (performance.now() - t) / 1000;
  loop.disable();
  const peak = rss.stop();
  console.log(
    `ingest (parse + infer + SQLite)    ${fmt(version.rowCount / ingestSec)} rows/s (${ingestSec.toFixed(2)} s, ${((readSec / ingestSec) * 100).toFixed(1)}% of baseline speed)`,
  );
  console.log(`ingest peak RSS                    ${mb(peak)} MiB (${mb(peak - baseRss)} MiB above the ${mb(baseRss)} MiB before; file is ${mb(size)} MiB)`);
  console.log(
    `event-loop delay during ingest     p50 ${(loop.percentile(50) / 1e6).toFixed(1)} ms, p99 ${(loop.percentile(99) / 1e6).toFixed(1)} ms, max ${(loop.max / 1e6).toFixed(1)} ms (how long another request could wait)`,
  );
  console.log(`types inferred                     ${version.columns.map((c) => `${c.name}:${c.type}`).join(", ")}`);

  const loop2 = monitorEventLoopDelay({ resolution: 10 });
  loop2.enable();
  const rss2 = trackPeakRss();
  t = performance.now();
  await getProfile(version.id);
  const profileSec = (performance.now() - t) / 1000;
  loop2.disable();
  console.log(`profile (first, computed)          ${profileSec.toFixed(2)} s, ${fmt(version.rowCount / profileSec)} rows/s, peak RSS ${mb(rss2.stop())} MiB`);
  console.log(`event-loop delay during profile    p99 ${(loop2.percentile(99) / 1e6).toFixed(1)} ms, max ${(loop2.max / 1e6).toFixed(1)} ms`);
  t = performance.now();
  await getProfile(version.id);
  console.log(`profile (second, cached)           ${(performance.now() - t).toFixed(1)} ms`);
  await benchTraining();
  fs.rmSync(dir, { recursive: true, force: true });
  await benchServing();
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

main().catch((e) => {
  console.error(e);
  fs.rmSync(dir, { recursive: true, force: true });
  process.exit(1);
});
