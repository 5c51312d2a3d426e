/**
 * Issue 16's figures for dataset versions stored as Parquet and read through DuckDB: ingest,
 * profile and stored size of a 1,000,000-row CSV in-process (`benchData`); a 1,000,000-row batch
 * job from a file and from a dataset version against pandas + scikit-learn (`benchBatchData`);
 * and a 10,000,000-row dataset taken through upload, profile, training, batch scoring and its
 * page on the production server, every process under 1 GiB (`benchBig`). Targets are printed
 * beside the figures as PASS/FAIL, never asserted: a missed target does not fail the bench.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { CARS_MISSING, generateCarsCsv, generateCsv } from "./generate";
import {
  type BenchRun,
  benchClient,
  deployRun,
  type ProcessPeak,
  runBatchJob,
  send,
  sendFile,
  tokenHeader,
  trackGroupPeaks,
  trainRegression,
  withServer,
} from "./serving";

const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
const seconds = (since: number) => (performance.now() - since) / 1000;

/** "PASS" when a figure is within its target, else "FAIL": printed beside it, never asserted. */
export const verdict = (value: number, limit: number): "PASS" | "FAIL" => (value <= limit ? "PASS" : "FAIL");

/** Issue 16's targets. */
const TARGET = {
  ingestSec: 2,
  profileSec: 1,
  sizeRatio: 0.5,
  batchSec: 2.5,
  batchWorkerMb: 300,
  bigProcessMb: 1024,
};

/**
 * The first Python that imports these modules (comma-separated), or null: BENCH_PYTHON, else
 * `python3` on the PATH, else the system's /usr/bin/python3 (where apt installs pandas when the
 * PATH's is a pyenv or venv one without it). The baselines run only where one does.
 */
function pythonWith(modules: string): string | null {
  const candidates = process.env.BENCH_PYTHON ? [process.env.BENCH_PYTHON] : ["python3", "/usr/bin/python3"];
  return candidates.find((python) => spawnSync(python, ["-c", `import ${modules}`], { stdio: "ignore" }).status === 0) ?? null;
}

/** Bytes of every file under `dir`. */
function dirBytes(dir: string): number {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .reduce((sum, e) => sum + (e.isDirectory() ? dirBytes(path.join(dir, e.name)) : fs.statSync(path.join(dir, e.name)).size), 0);
}

/** Samples this process's resident memory every 50 ms; returns the peak seen. */
function trackPeakRss() {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  return { stop: () => (clearInterval(timer), Math.max(peak, process.memoryUsage().rss)) };
}

/**
 * A `rows` × 20 CSV (generateCsv) through the real ingest (`ingestDataset`) and profile
 * (`getProfile`, its first call computing it) in this process, on the data folder
 * WORKBENCH_DATA_DIR names: times, memory, event-loop delay, the stored size against the CSV's,
 * and pandas' read_csv of the same file where python3 has pandas.
 */
export async function benchData(dir: string, rows: number): Promise<void> {
  const file = path.join(dir, "bench.csv");
  console.log(`# ML Workbench bench (${os.cpus().length} cores, node ${process.version})`);
  let t = performance.now();
  const size = await generateCsv(file, rows);
  console.log(`generated ${fmt(rows)} rows × 20 columns, ${mb(size)} MiB in ${seconds(t).toFixed(1)} s`);

  // Baseline: read the same file and count lines, the floor for any streaming ingest.
  t = performance.now();
  let lines = 0;
  for await (const chunk of fs.createReadStream(file)) for (const b of chunk as Buffer) if (b === 10) lines++;
  const readSec = seconds(t);
  console.log(`baseline: read + count lines       ${fmt(lines / readSec)} rows/s (${readSec.toFixed(2)} s)`);

  const { getDb } = await import("@/db/client");
  const { env } = await import("@/lib/shared/env");
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
  const ingestSec = seconds(t);
  loop.disable();
  const peak = rss.stop();
  console.log(
    `ingest (CSV → Parquet)             ${ingestSec.toFixed(2)} s, ${fmt(version.rowCount / ingestSec)} rows/s, ${((readSec / ingestSec) * 100).toFixed(1)}% of baseline speed — target ≤ ${TARGET.ingestSec} s: ${verdict(ingestSec, TARGET.ingestSec)}`,
  );
  console.log(`ingest peak RSS                    ${mb(peak)} MiB (${mb(peak - baseRss)} MiB above the ${mb(baseRss)} MiB before; file is ${mb(size)} MiB)`);
  console.log(
    `event-loop delay during ingest     p50 ${(loop.percentile(50) / 1e6).toFixed(1)} ms, p99 ${(loop.percentile(99) / 1e6).toFixed(1)} ms, max ${(loop.max / 1e6).toFixed(1)} ms (how long another request could wait)`,
  );
  console.log(`types inferred                     ${version.columns.map((c) => `${c.name}:${c.type}`).join(", ")}`);
  const stored = dirBytes(path.join(env.dataDir, "datasets", version.id));
  const ratio = stored / size;
  console.log(
    `stored size (datasets/<id>/)       ${mb(stored)} MiB, ${ratio.toFixed(2)}× the CSV's ${mb(size)} MiB — target ≤ ${TARGET.sizeRatio}×: ${verdict(ratio, TARGET.sizeRatio)}`,
  );

  const loop2 = monitorEventLoopDelay({ resolution: 10 });
  loop2.enable();
  const rss2 = trackPeakRss();
  t = performance.now();
  await getProfile(version.id);
  const profileSec = seconds(t);
  loop2.disable();
  console.log(
    `profile (first, computed)          ${profileSec.toFixed(2)} s, ${fmt(version.rowCount / profileSec)} rows/s, peak RSS ${mb(rss2.stop())} MiB — target ≤ ${TARGET.profileSec} s: ${verdict(profileSec, TARGET.profileSec)}`,
  );
  console.log(`event-loop delay during profile    p99 ${(loop2.percentile(99) / 1e6).toFixed(1)} ms, max ${(loop2.max / 1e6).toFixed(1)} ms`);
  t = performance.now();
  await getProfile(version.id);
  console.log(`profile (second, cached)           ${(performance.now() - t).toFixed(1)} ms`);
  console.log(`pandas read_csv (baseline)         ${pandasReadCsv(file)}`);
}

/** pandas' read_csv of the file, timed inside Python, with its peak memory; or why it was not run. */
function pandasReadCsv(file: string): string {
  const python = pythonWith("pandas");
  if (!python) return "pandas not present (python3 -c 'import pandas' failed)";
  const code = [
    "import resource, sys, time",
    "import pandas as pd",
    "t = time.perf_counter()",
    "df = pd.read_csv(sys.argv[1])",
    "print(time.perf_counter() - t, len(df), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)",
  ].join("\n");
  const run = spawnSync(python, ["-c", code, file], { encoding: "utf8" });
  if (run.status !== 0) return `failed: ${run.stderr.trim().split("\n").pop()}`;
  const [sec, rows, peakMb] = run.stdout.trim().split(" ").map(Number);
  return `${sec.toFixed(2)} s for ${fmt(rows)} rows (${python}), peak RSS ${peakMb.toFixed(0)} MiB`;
}

// ---------------------------------------------------------------------------------------------
// The batch job over cars-shaped rows

const CARS_ROWS = Number(process.env.BENCH_CARS_ROWS ?? 1_000_000);
/** The small sample the batch job's model is trained on. */
const CARS_TRAIN_ROWS = 5_000;
const CARS_NUMBERS = ["model_year", "odometer_km", "engine_l", "horsepower", "mpg", "weight_kg", "doors"];
const CARS_DATE_PARTS = ["year", "month", "dayofweek"];

/** The recipe of the cars model, as the workbench's API takes it (and bench/batch-baseline.py reads). */
export const CARS_STEPS = [
  { op: "impute", columns: Object.keys(CARS_MISSING), strategy: "mean" },
  { op: "datepart", columns: ["sold_on"], parts: CARS_DATE_PARTS },
  { op: "onehot", columns: ["make", "body"] },
  { op: "scale", columns: [...CARS_NUMBERS, ...CARS_DATE_PARTS.map((p) => `sold_on_${p}`)], method: "standard" },
];

/**
 * Issue 16's batch figure: `CARS_ROWS` cars-shaped rows scored by an mlp behind impute +
 * datepart + onehot + scale (trained on a 5,000-row sample and deployed), as a job whose input
 * is an uploaded CSV and as a job over a dataset version: seconds from submit to succeeded and
 * the batch worker's peak memory; then the same work in pandas + scikit-learn where python3 has
 * them. The files are written in `tmp`.
 */
export async function benchBatchData(tmp: string): Promise<void> {
  const dir = fs.mkdtempSync(path.join(tmp, "batchdata-"));
  const trainFile = path.join(dir, "cars-train.csv");
  const batchFile = path.join(dir, "cars.csv");
  await generateCarsCsv(trainFile, CARS_TRAIN_ROWS, { seed: 11, target: true });
  const size = await generateCarsCsv(batchFile, CARS_ROWS, { seed: 7 });
  try {
    console.log(
      `\n# batch job: ${fmt(CARS_ROWS)} cars-shaped rows (a date, 2 categories, 7 numbers, 4 with missing cells; ${mb(size)} MiB CSV), an mlp behind impute + datepart + onehot + scale trained on ${fmt(CARS_TRAIN_ROWS)} rows → output.csv + output table`,
    );
    await withServer({ seed: false, env: { MAX_UPLOAD_BYTES: String(uploadLimit(size)) } }, async ({ pgid, dataDir }) => {
      const sample = await benchClient.upload("bench cars sample", fs.readFileSync(trainFile, "utf8"));
      const { run } = await trainRegression(benchClient, {
        name: "bench cars",
        datasetId: sample.id,
        target: "price",
        steps: CARS_STEPS,
        params: { epochs: 20 },
      });
      const ep = await deployRun(benchClient, run.id, "bench-cars");
      const printJob = (what: string, job: Awaited<ReturnType<typeof runBatchJob>>) =>
        console.log(
          `${what.padEnd(36)} ${job.total.toFixed(2)} s submit → succeeded (scoring ${job.scoring.toFixed(2)} s, ${fmt(job.rowsDone / job.scoring)} rows/s) — target ≤ ${TARGET.batchSec} s: ${verdict(job.total, TARGET.batchSec)}; ` +
            `batch worker peak RSS ${job.peakJob.toFixed(0)} MiB (${job.before.toFixed(0)} before) — target ≤ ${TARGET.batchWorkerMb} MiB: ${verdict(job.peakJob, TARGET.batchWorkerMb)}`,
        );
      printJob("job input: an uploaded CSV file", await runBatchJob(pgid, dataDir, ep, { file: batchFile }, false));
      const t = performance.now();
      const ds = await uploadCsv("bench cars", batchFile);
      console.log(`(the same file uploaded as a dataset version in ${seconds(t).toFixed(2)} s, not counted below)`);
      printJob("job input: a dataset version", await runBatchJob(pgid, dataDir, ep, { datasetId: ds.id }, false));
    });
    console.log(`pandas + scikit-learn, same steps   ${pandasBatch(dir, trainFile, batchFile)}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The server's upload limit for a file of `bytes`: its default (512 MiB) or enough for the file. */
const uploadLimit = (bytes: number) => Math.max(512 * 1024 * 1024, bytes + (1 << 20));

/** Uploads a CSV file as a new dataset version over HTTP (a streamed text/csv body); its id and row count. */
async function uploadCsv(name: string, file: string): Promise<{ id: string; rowCount: number }> {
  const res = await sendFile(`/api/datasets?name=${encodeURIComponent(name)}`, file, tokenHeader());
  if (res.status !== 201) throw new Error(`upload → ${res.status}: ${res.body.slice(0, 300)}`);
  return JSON.parse(res.body) as { id: string; rowCount: number };
}

/** bench/batch-baseline.py on the same files and recipe: its times and peak memory, or why it was not run. */
function pandasBatch(dir: string, trainFile: string, batchFile: string): string {
  const python = pythonWith("pandas, sklearn");
  if (!python) return "pandas not present: issue quotes 7.3 s / 0.93 GB";
  const stepsFile = path.join(dir, "steps.json");
  fs.writeFileSync(stepsFile, JSON.stringify(CARS_STEPS));
  const run = spawnSync(python, ["bench/batch-baseline.py", stepsFile, trainFile, "price", batchFile, path.join(dir, "pandas-out.csv")], {
    encoding: "utf8",
  });
  if (run.status !== 0) return `failed: ${run.stderr.trim().split("\n").pop()}`;
  const r = JSON.parse(run.stdout) as { rows: number; read: number; transform: number; predict: number; write: number; total: number; peakMb: number };
  return `${r.total.toFixed(2)} s for ${fmt(r.rows)} rows (${python}) (read ${r.read.toFixed(2)}, transform ${r.transform.toFixed(2)}, predict ${r.predict.toFixed(2)}, write ${r.write.toFixed(2)}), peak RSS ${r.peakMb.toFixed(0)} MiB`;
}

// ---------------------------------------------------------------------------------------------
// 10,000,000 rows on the production server

const BIG_ROWS = Number(process.env.BENCH_BIG_ROWS ?? 10_000_000);
/** Few: the stage measures a run's memory and time at the default sample size, not the model's quality. */
const BIG_EPOCHS = 3;
/** generateCsv's columns the big model reads, and its recipe (the rest: id, day, note, flag, the target). */
const BIG_NUMBERS = ["store", "week", "qty", "temp (°C)", "score", "units", "ratio", "cost", "margin", "visits", "rating"];
const BIG_CATEGORIES = ["brand", "region", "segment"];
const BIG_STEPS = [
  { op: "impute", columns: ["ratio"], strategy: "mean" },
  { op: "onehot", columns: BIG_CATEGORIES },
  { op: "scale", columns: BIG_NUMBERS, method: "standard" },
];

/**
 * What a training run says about the rows it trained on: every field of it, its params and its
 * details whose name has "sample" in it (a run trains on a seeded sample of a big version:
 * `sampleRows`, `details.sample`), and the rows of each part when it records them.
 */
export function describeSample(run: BenchRun): string {
  const found = [
    ...Object.entries(run).map(([k, v]) => [k, v] as const),
    ...Object.entries(run.params ?? {}).map(([k, v]) => [`params.${k}`, v] as const),
    ...Object.entries(run.details ?? {}).map(([k, v]) => [`details.${k}`, v] as const),
  ]
    .filter(([k]) => /sample/i.test(k))
    .map(([k, v]) => `${k} = ${JSON.stringify(v)}`);
  const rows = run.details?.rows;
  const parts = rows && typeof rows === "object" ? `rows per part ${JSON.stringify(rows)}` : null;
  if (found.length) return [...found, ...(parts ? [parts] : [])].join("; ");
  return `the run reports nothing about sampling${parts ? ` (${parts})` : ""}`;
}

/** Each process's peak, and PASS when every one stayed under the limit. */
export function describePeaks(peaks: ProcessPeak[], limitMb: number): string {
  const list = peaks.map((p) => `${p.role}[${p.pid}] ${p.peakMb.toFixed(0)} MiB${p.exited ? " (exited)" : ""}`).join(", ");
  const worst = Math.max(0, ...peaks.map((p) => p.peakMb));
  return `${list} — every process < ${limitMb} MiB: ${worst < limitMb ? "PASS" : "FAIL"}`;
}

/**
 * Issue 16's scale figure: `BIG_ROWS` × 20 (generateCsv) on the production server — upload over
 * HTTP, profile, an mlp trained with the default sample, a batch job over the dataset version,
 * the dataset's page and two pages of its rows — each stage's time and the peak memory of every
 * process of the server's group meanwhile. A stage that fails is printed as such and ends the
 * part. The CSV is written in `tmp`.
 */
export async function benchBig(tmp: string): Promise<void> {
  const file = path.join(tmp, "big.csv");
  const t = performance.now();
  const size = await generateCsv(file, BIG_ROWS);
  console.log(
    `\n# ${fmt(BIG_ROWS)} rows × 20 columns (${mb(size)} MiB CSV, generated in ${seconds(t).toFixed(1)} s) on the production server: each stage's time and the peak RSS of every process of the server's group`,
  );
  const overall = new Map<number, ProcessPeak>();
  try {
    await withServer({ seed: false, env: { MAX_UPLOAD_BYTES: String(uploadLimit(size)) } }, async ({ pgid, dataDir }) => {
      /** Runs one stage with the group's peaks tracked; prints its time, what it says and the peaks; undefined when it failed. */
      const stage = async <T>(name: string, fn: () => Promise<T>, say: (value: T, sec: number) => string): Promise<T | undefined> => {
        const peaks = trackGroupPeaks(pgid);
        const started = performance.now();
        let value: T | undefined;
        let said: string;
        let sec: number;
        try {
          value = await fn();
          sec = seconds(started);
          said = say(value, sec);
        } catch (e) {
          sec = seconds(started);
          said = `FAILED: ${e instanceof Error ? e.message : String(e)}`;
        }
        const seen = peaks.stop();
        for (const p of seen) overall.set(p.pid, { ...p, peakMb: Math.max(p.peakMb, overall.get(p.pid)?.peakMb ?? 0) });
        console.log(`${name.padEnd(30)} ${sec.toFixed(1).padStart(6)} s   ${said}`);
        console.log(`${"".padEnd(30)} peak RSS: ${describePeaks(seen, TARGET.bigProcessMb)}`);
        return value;
      };

      const ds = await stage(
        "upload over HTTP",
        () => uploadCsv("bench big", file),
        (v, sec) => `${fmt(v.rowCount)} rows, ${fmt(v.rowCount / sec)} rows/s`,
      );
      if (!ds) return console.log("profile, training, batch job, dataset page: not run (they need the uploaded version)");
      await stage(
        "profile (GET …/profile)",
        () => benchClient.api<{ rowCount: number; durationMs: number }>("GET", `/api/datasets/${ds.id}/profile`),
        (p) => `${fmt(p.rowCount)} rows profiled; the server's own figure ${(p.durationMs / 1000).toFixed(1)} s`,
      );
      const trained = await stage(
        `train mlp (${BIG_EPOCHS} epochs)`,
        () =>
          trainRegression(benchClient, {
            name: "bench big",
            datasetId: ds.id,
            target: "price",
            features: [...BIG_NUMBERS, ...BIG_CATEGORIES],
            steps: BIG_STEPS,
            params: { epochs: BIG_EPOCHS },
            timeoutMs: 3_600_000,
          }),
        ({ run }) => `default sample: ${describeSample(run)}`,
      );
      const ep =
        trained &&
        (await stage(
          "deploy",
          () => deployRun(benchClient, trained.run.id, "bench-big"),
          (e) => `endpoint ${e.name}`,
        ));
      if (ep) {
        await stage(
          "batch job over the version",
          () => runBatchJob(pgid, dataDir, ep, { datasetId: ds.id }, false),
          (job) => `${fmt(job.rowsDone)} rows scored, ${fmt(job.rowsDone / job.total)} rows/s submit → succeeded`,
        );
      }
      await stage(
        "dataset page + rows",
        () => openDatasetPage(ds.id, ds.rowCount),
        (s) => s,
      );
    });
  } finally {
    fs.rmSync(file, { force: true });
  }
  console.log(`${"whole part".padEnd(30)}          peak RSS: ${describePeaks([...overall.values()], TARGET.bigProcessMb)}`);
}

/** The dataset's page as a browser gets it (HTML), and its first and middle page of rows through the API: each one's time. */
async function openDatasetPage(id: string, rowCount: number): Promise<string> {
  const timed = async (what: string, url: string, check: (body: string) => string) => {
    const t = performance.now();
    const res = await send("GET", url, undefined, tokenHeader());
    const ms = performance.now() - t;
    if (res.status !== 200) throw new Error(`${what} → ${res.status}: ${res.body.slice(0, 200)}`);
    return `${what} ${ms.toFixed(0)} ms (${check(res.body)})`;
  };
  const rows = (body: string) => {
    const page = JSON.parse(body) as { rows?: unknown };
    if (!Array.isArray(page.rows)) throw new Error(`the answer has no rows: ${body.slice(0, 100)}`);
    return `${page.rows.length} rows`;
  };
  const middle = Math.floor(rowCount / 2);
  return [
    await timed("page HTML", `/datasets/${id}`, (body) => `${(body.length / 1024).toFixed(0)} KiB`),
    await timed("rows 0–49", `/api/datasets/${id}/rows?offset=0&limit=50`, rows),
    await timed(`rows ${fmt(middle)}–${fmt(middle + 49)}`, `/api/datasets/${id}/rows?offset=${middle}&limit=50`, rows),
  ].join(", ");
}
