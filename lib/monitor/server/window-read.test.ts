import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { insertJobRow } from "@/lib/integrate/server/batch/test-fixtures";
import type { Row } from "@/lib/data/types";
import { readTraffic } from "@/lib/monitor/server/traffic-read";
import { newId } from "@/lib/shared/ids";
import { readOffThread } from "@/lib/shared/server/read-pool";
import { driftReport, DEFAULT_DRIFT_THRESHOLDS, qualityReport } from "../drift";
import { EVERY_ROW, priorityOf } from "@/lib/monitor/server/log-sample";
import { readDrift, readQuality, syncWindow, windowSignature, windowStoreState, type WindowSpec, evictJobs } from "./window-read";

const MODULE = "lib/monitor/server/window-read.ts";
const columns = [
  { name: "a", type: "number" as const },
  { name: "colour", type: "category" as const },
];
const T0 = Date.UTC(2026, 0, 5, 12);
const MIN = 60_000;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "window-read-"));
const referenceFile = path.join(dir, "reference.json");
const reference = {
  inputs: Array.from({ length: 50 }, (_, i) => ({ a: i / 10, colour: i % 2 ? "red" : "blue" })),
  predictions: Array.from({ length: 50 }, (_, i) => i / 5),
};

const spec = (name: string, sinceMs: number, untilMs: number): WindowSpec => ({
  name,
  sinceMs,
  untilMs,
  model: { id: "mdl_unit", name: "unit", version: 1 },
  columns,
  recommender: false,
  itemColumn: "itemId",
  itemIdColumn: "itemId",
  referenceFile,
  thresholds: DEFAULT_DRIFT_THRESHOLDS,
});

const insertLog = (name: string, status: number, createdAt: number, inputs: Row[] | null, outputs: unknown[] | null, latencyMs = 2) =>
  getDb()
    .$client.prepare(
      "INSERT INTO request_logs (id, endpoint_name, model_id, model_version, status, latency_ms, rows, format, inputs, outputs, error, created_at) VALUES (?, ?, 'mdl_unit', 1, ?, ?, ?, 'rows', ?, ?, NULL, ?)",
    )
    .run(newId("req"), name, status, latencyMs, inputs?.length ?? 0, inputs && JSON.stringify(inputs), outputs && JSON.stringify(outputs), createdAt);

function insertJob(name: string, finishedAt: number, rows: { a: number | null; colour: string; prediction: number | null; error: string | null }[]) {
  const id = newId("job");
  const table = `job_out_${id}`;
  const db = getDb();
  db.$client.exec(`CREATE TABLE "${table}" ("row" INTEGER, "a" REAL, "colour" TEXT, "extra" TEXT, "prediction" REAL, "error" TEXT)`);
  const insert = db.$client.prepare(`INSERT INTO "${table}" ("row", "a", "colour", "extra", "prediction", "error") VALUES (?, ?, ?, 'x', ?, ?)`);
  rows.forEach((r, i) => insert.run(i, r.a, r.colour, r.prediction, r.error));
  const at = new Date(finishedAt);
  // Its counts as a job's commits leave them (job-commit.ts).
  insertJobRow(id, {
    endpointName: name,
    modelId: "mdl_unit",
    status: "succeeded",
    sourceName: "x.csv",
    outputTable: table,
    rowsDone: rows.length,
    rowsFailed: rows.filter((r) => r.error).length,
    createdAt: at,
    finishedAt: at,
    updatedAt: at,
  });
}

beforeAll(() => fs.writeFileSync(referenceFile, JSON.stringify(reference)));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("a monitoring window read on a reader thread", () => {
  // The fixture: scored and refused requests inside the window and outside it, and a batch job's output table.
  const name = `unit-window-${newId("x").slice(2)}`;
  const inWindow = { scored: [] as Row[], predictions: [] as unknown[], rejected: [] as Row[] };
  beforeAll(() => {
    for (let i = 0; i < 40; i++) {
      const rows = [{ a: 2 + i / 10, colour: i % 3 ? "red" : "green" }];
      insertLog(name, 200, T0 + i * 1000, rows, [i]);
      inWindow.scored.push(...rows);
      inWindow.predictions.push(i);
    }
    insertLog(name, 422, T0 + 5000, [{ a: "lots", colour: "red" }], null);
    inWindow.rejected.push({ a: "lots", colour: "red" });
    insertLog(name, 500, T0 + 6000, null, null);
    insertLog(name, 200, T0 - 10 * MIN, [{ a: 99, colour: "blue" }], [1]); // before the window
    const batch = Array.from({ length: 30 }, (_, i) => ({
      a: i % 7 === 0 ? null : i,
      colour: "blue",
      prediction: i % 5 === 0 ? null : i * 2,
      error: i === 4 ? "bad cell" : null,
    }));
    insertJob(name, T0 + 30_000, batch);
    // In the newest-first order the old implementation read the jobs in; a failed row counts for quality only.
    for (const r of batch) (r.error ? inWindow.rejected : inWindow.scored).push({ a: r.a, colour: r.colour });
    for (const r of batch) if (!r.error) inWindow.predictions.push(r.prediction);
    insertJob(name, T0 + 2 * 60 * MIN, [{ a: 1, colour: "red", prediction: 1, error: null }]); // after it
  });

  it("gives drift and quality as computed over the same rows on the web server's thread before", async () => {
    const s = spec(name, T0 - MIN, T0 + 60 * MIN);
    const window = {
      since: new Date(s.sinceMs).toISOString(),
      until: new Date(s.untilMs).toISOString(),
      rows: 69,
      sampledRows: 69,
      requests: 40,
      jobs: 1,
      referenceRows: 50,
      model: s.model,
    };
    const drift = await readOffThread({ module: MODULE, fn: "readDrift", local: readDrift, args: [s] });
    expect(drift).toEqual({
      window,
      thresholds: DEFAULT_DRIFT_THRESHOLDS,
      ...driftReport(columns, reference.inputs, inWindow.scored, {
        thresholds: DEFAULT_DRIFT_THRESHOLDS,
        predictions: { reference: reference.predictions, current: inWindow.predictions },
      }),
    });
    const quality = await readOffThread({ module: MODULE, fn: "readQuality", local: readQuality, args: [s] });
    expect(quality).toEqual({
      window: { ...window, rejectedRows: 2 },
      features: qualityReport(columns, reference.inputs, [...inWindow.scored, ...inWindow.rejected]),
    });
    // The same functions on this thread's connection (the fallback where no thread starts) agree.
    expect(readDrift(getDb().$client, s)).toEqual(drift);
    expect(readQuality(getDb().$client, s)).toEqual(quality);
  });

  it("gives the traffic as before: counts, percentiles, versions and the series", async () => {
    const w = { name, sinceMs: T0 - MIN, untilMs: T0 + 59 * MIN };
    const traffic = await readOffThread({ module: "lib/monitor/server/traffic-read.ts", fn: "readTraffic", local: readTraffic, args: [w] });
    expect(traffic).toEqual({
      since: new Date(w.sinceMs).toISOString(),
      until: new Date(w.untilMs).toISOString(),
      requests: 42,
      errors: 2,
      rows: 40,
      latencyMs: { p50: 2, p95: 2, p99: 2 },
      byVersion: [{ modelId: "mdl_unit", version: 1, requests: 40 }],
      series: [{ start: new Date(T0).toISOString(), requests: 42, errors: 2, p50: 2, p95: 2 }],
    });
  });

  it("an empty window says so", async () => {
    const s = spec(name, T0 + 3 * 60 * MIN, T0 + 4 * 60 * MIN);
    const drift = await readOffThread({ module: MODULE, fn: "readDrift", local: readDrift, args: [s] });
    expect(drift).toMatchObject({ features: [], prediction: null, driftedFeatures: 0, datasetDrifted: false, note: "No scored rows in this window." });
  });

  it("the signature changes with a request or a job landing in the window, not with another endpoint's request", async () => {
    const w = { name, sinceMs: T0 - MIN, untilMs: T0 + 60 * MIN };
    const sign = () => readOffThread({ module: MODULE, fn: "windowSignature", local: windowSignature, args: [w] });
    const before = await sign();
    insertLog(`${name}-other`, 200, T0 + 50 * MIN, [{ a: 1, colour: "red" }], [1]);
    expect(await sign()).toBe(before);
    insertLog(name, 200, T0 + 50 * MIN, [{ a: 1, colour: "red" }], [1]);
    const withRequest = await sign();
    expect(withRequest).not.toBe(before);
    insertJob(name, T0 + 40 * MIN, []);
    expect(await sign()).not.toBe(withRequest);
  });
});

/**
 * The rows as the reads gathered them before they were kept in columns: every request of the
 * window parsed anew, in created_at order, then the jobs' output rows newest job first.
 */
function gatheredBefore(s: WindowSpec, threshold = EVERY_ROW) {
  const db = getDb().$client;
  const sampled = (rowid: number) => priorityOf(rowid) < threshold;
  const counts = { rows: 0, all: 0 };
  const parse = (t: string | null) => (t === null ? null : JSON.parse(t));
  const inputs: Row[] = [];
  const predictions: unknown[] = [];
  const rejected: Row[] = [];
  const logged = db.prepare(
    "SELECT rowid AS r, inputs, outputs FROM request_logs WHERE endpoint_name = ? AND status = ? AND created_at >= ? AND created_at <= ?",
  );
  const logs = logged.all(s.name, 200, s.sinceMs, s.untilMs) as { r: number; inputs: string | null; outputs: string | null }[];
  for (const l of logs) {
    const rows = (parse(l.inputs) ?? []) as Row[];
    const outs = (parse(l.outputs) ?? []) as unknown[];
    counts.rows += rows.length;
    counts.all += rows.length;
    if (sampled(l.r)) rows.forEach((r, i) => (inputs.push(r), predictions.push(outs[i])));
  }
  for (const l of logged.all(s.name, 422, s.sinceMs, s.untilMs) as { r: number; inputs: string | null }[]) {
    const rows = (parse(l.inputs) ?? []) as Row[];
    counts.all += rows.length;
    if (sampled(l.r)) rejected.push(...rows);
  }
  const batch = db
    .prepare(
      "SELECT output_table AS t FROM jobs WHERE endpoint_name = ? AND status = 'succeeded' AND finished_at >= ? AND finished_at <= ? ORDER BY created_at DESC, rowid DESC",
    )
    .all(s.name, s.sinceMs, s.untilMs) as { t: string }[];
  for (const { t } of batch) {
    for (const r of db.prepare(`SELECT rowid AS r, a, colour, prediction, error FROM "${t}"`).all() as {
      r: number;
      a: number | null;
      colour: string;
      prediction: unknown;
      error: string | null;
    }[]) {
      counts.all++;
      if (r.error === null) counts.rows++;
      if (!sampled(r.r)) continue;
      if (r.error !== null) rejected.push({ a: r.a, colour: r.colour });
      else inputs.push({ a: r.a, colour: r.colour }), predictions.push(r.prediction ?? null);
    }
  }
  const window = {
    since: new Date(s.sinceMs).toISOString(),
    until: new Date(s.untilMs).toISOString(),
    rows: counts.rows,
    sampledRows: inputs.length,
    requests: logs.length,
    jobs: batch.length,
    referenceRows: 50,
    model: s.model,
  };
  // Distributions from the sampled rows; the rows counted exactly.
  const report = driftReport(columns, reference.inputs, inputs, {
    thresholds: s.thresholds,
    predictions: { reference: reference.predictions, current: predictions },
  });
  const exactRows = <T extends { currentRows: number } | null>(f: T): T => f && { ...f, currentRows: counts.rows };
  return {
    drift: counts.rows
      ? { window, thresholds: s.thresholds, ...report, features: report.features.map(exactRows), prediction: exactRows(report.prediction) }
      : { window, thresholds: s.thresholds, features: [], prediction: null, driftedFeatures: 0, datasetDrifted: false, note: "No scored rows in this window." },
    quality: {
      window: { ...window, rejectedRows: counts.all - counts.rows },
      features: counts.all ? qualityReport(columns, reference.inputs, [...inputs, ...rejected]).map((f) => ({ ...f, rows: counts.all })) : [],
    },
  };
}

describe("a window read kept in columns between reads", () => {
  const name = `unit-incr-${newId("x").slice(2)}`;
  // Its job refers to an input file that is not there: gone before other files (backup's tests) look at the jobs.
  afterAll(() => {
    const db = getDb().$client;
    for (const { id, t } of db.prepare("SELECT id, output_table AS t FROM jobs WHERE endpoint_name = ?").all(name) as { id: string; t: string }[]) {
      db.exec(`DROP TABLE IF EXISTS "${t}"`);
      db.prepare("DELETE FROM jobs WHERE id = ?").run(id);
    }
  });
  const read = async (s: WindowSpec) => ({
    drift: await readOffThread({ module: MODULE, fn: "readDrift", local: readDrift, args: [s] }),
    quality: await readOffThread({ module: MODULE, fn: "readQuality", local: readQuality, args: [s] }),
  });
  const colours = ["red", "green", "blue", "teal", "7", "NA", ""];
  let n = 0;
  // Rows of every kind: numbers, numeric text, missing cells, categories the reference lacks, refused requests.
  const logSome = (count: number, at: (i: number) => number) => {
    for (let i = 0; i < count; i++, n++) {
      const a = n % 11 === 0 ? null : n % 13 === 0 ? String(n / 7) : (n % 17) / 3;
      const rows =
        n % 5 === 0
          ? [
              { a, colour: colours[n % 7] },
              { a: n, colour: colours[(n + 3) % 7] },
            ]
          : [{ a, colour: colours[n % 7] }];
      if (n % 19 === 0) insertLog(name, 422, at(i), [{ a: "lots", colour: colours[n % 7] }], null);
      else
        insertLog(
          name,
          200,
          at(i),
          rows,
          rows.map((_, k) => (n + k) % 9),
        );
    }
  };

  it("answers as the rows read anew would after new requests, a late-written one, a new job and a moving window", async () => {
    logSome(60, (i) => T0 + i * 1000);
    const first = spec(name, T0 - MIN, T0 + 10 * MIN);
    expect(await read(first)).toEqual(gatheredBefore(first));
    expect(readDrift(getDb().$client, first)).toEqual(gatheredBefore(first).drift);

    // New requests, and one written late: a larger rowid with an older created_at than the rows before it.
    logSome(40, (i) => T0 + 60_000 + i * 1000);
    logSome(1, () => T0 + 500);
    const later = spec(name, T0 - MIN, T0 + 11 * MIN);
    expect(await read(later)).toEqual(gatheredBefore(later));

    // A job that finished in the window: its rows come after the logged ones.
    insertJob(
      name,
      T0 + 5 * MIN,
      Array.from({ length: 25 }, (_, i) => ({
        a: i % 6 === 0 ? null : i / 2,
        colour: colours[(i * 3) % 7],
        prediction: i % 4 === 0 ? null : i,
        error: i === 7 ? "bad" : null,
      })),
    );
    expect(await read(later)).toEqual(gatheredBefore(later));

    // The window moves on: the first rows fall out of it, then it starts before every row kept.
    const moved = spec(name, T0 + 30_000, T0 + 12 * MIN);
    expect(await read(moved)).toEqual(gatheredBefore(moved));
    logSome(10, (i) => T0 + 2 * MIN + i);
    expect(await read(moved)).toEqual(gatheredBefore(moved));
    expect(await read(later)).toEqual(gatheredBefore(later));
    const empty = spec(name, T0 + 20 * MIN, T0 + 30 * MIN);
    expect(await read(empty)).toEqual(gatheredBefore(empty));
  });
});

describe("a window larger than the sample budget", () => {
  const name = `unit-sampled-${newId("x").slice(2)}`;
  afterAll(() => {
    const db = getDb().$client;
    for (const { id, t } of db.prepare("SELECT id, output_table AS t FROM jobs WHERE endpoint_name = ?").all(name) as { id: string; t: string }[]) {
      db.exec(`DROP TABLE IF EXISTS "${t}"`);
      db.prepare("DELETE FROM jobs WHERE id = ?").run(id);
    }
  });

  it("counts every row exactly and computes drift and quality over the rows below one priority threshold, in the log and the jobs alike", async () => {
    // 400 requests (some refused) and a 300-row job against a budget of 60 sampled rows.
    for (let i = 0; i < 400; i++) {
      const a = i % 9 === 0 ? null : (i % 23) / 2;
      if (i % 17 === 0) insertLog(name, 422, T0 + i * 500, [{ a: "lots", colour: "red" }], null);
      else insertLog(name, 200, T0 + i * 500, [{ a, colour: i % 3 ? "red" : "green" }], [i % 5]);
    }
    insertJob(
      name,
      T0 + 5 * MIN,
      Array.from({ length: 300 }, (_, i) => ({
        a: i % 8 === 0 ? null : i / 10,
        colour: i % 4 ? "blue" : "red",
        prediction: i % 6,
        error: i % 50 === 0 ? "bad" : null,
      })),
    );
    const read = async (s: WindowSpec) => ({
      drift: await readOffThread({ module: MODULE, fn: "readDrift", local: readDrift, args: [s] }),
      quality: await readOffThread({ module: MODULE, fn: "readQuality", local: readQuality, args: [s] }),
    });
    for (const s of [
      { ...spec(name, T0 - MIN, T0 + 10 * MIN), sampleBudget: 60 },
      { ...spec(name, T0 + 30_250, T0 + 150_700), sampleBudget: 60 }, // cut seconds at both ends
    ]) {
      const got = await read(s);
      expect(got.drift.window.rows).toBeGreaterThan(got.drift.window.sampledRows);
      expect(got.drift.window.sampledRows).toBeGreaterThan(0);
      // The threshold is a power of two: the one whose sample has as many scored rows as the answer says.
      const matching = Array.from({ length: 33 }, (_, k) => gatheredBefore(s, EVERY_ROW / 2 ** k)).find(
        (g) => g.drift.window.sampledRows === got.drift.window.sampledRows,
      );
      expect(matching).toBeDefined();
      expect(got).toEqual(matching);
      // Counts are exact: the same at every threshold.
      expect(got.quality.window).toEqual({ ...gatheredBefore(s).quality.window, sampledRows: got.quality.window.sampledRows });
    }
  });
});

describe("the web server's event loop during a large read", () => {
  const name = `unit-large-${newId("x").slice(2)}`;
  const ROWS = 200_000;
  let server: http.Server;
  let origin = "";
  beforeAll(async () => {
    const db = getDb().$client;
    const insert = db.prepare(
      "INSERT INTO request_logs (id, endpoint_name, model_id, model_version, status, latency_ms, rows, format, inputs, outputs, error, created_at) VALUES (?, ?, 'mdl_unit', 1, 200, ?, 1, 'rows', ?, ?, NULL, ?)",
    );
    // In slices: other test files write to the same database file meanwhile.
    const slice = db.transaction((from: number) => {
      for (let i = from; i < Math.min(ROWS, from + 20_000); i++)
        insert.run(`req_large_${name}_${i}`, name, i % 50, `[{"a":${i % 1000},"colour":"${i % 2 ? "red" : "blue"}"}]`, `[${i % 97}]`, T0 + i);
    });
    for (let from = 0; from < ROWS; from += 20_000) slice(from);
    // A tiny server in the same process: what scoring is to the web server.
    server = http.createServer((_req, res) => res.end("ok"));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }, 120_000);
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it("answers HTTP requests and runs its timers while drift over hundreds of thousands of logged rows is computed", async () => {
    const s = spec(name, T0, T0 + ROWS);
    const order: string[] = [];
    const read = readOffThread({ module: MODULE, fn: "readDrift", local: readDrift, args: [s] }).then((d) => {
      order.push("read");
      return d;
    });
    const ticked = new Promise<void>((r) => setImmediate(r)).then(() => order.push("tick"));
    const answered = fetch(origin).then(async (res) => order.push(`http ${await res.text()}`));
    const [drift] = await Promise.all([read, ticked, answered]);
    expect(drift.window).toMatchObject({ rows: ROWS, requests: ROWS });
    // On the event loop, the read would have held both back until it was done.
    expect(order.indexOf("tick")).toBeLessThan(order.indexOf("read"));
    expect(order.indexOf("http ok")).toBeLessThan(order.indexOf("read"));
  }, 120_000);
});

describe("evictJobs", () => {
  it("keeps the most recently used jobs up to the row cap and drops the rest, whatever their age", () => {
    const block = (length: number) => ({ length });
    const cached = new Map([
      ["old", { block: block(600_000), usedAt: 1 }],
      ["gone", { block: null, usedAt: 0 }],
      ["newer", { block: block(600_000), usedAt: 2 }],
      ["newest", { block: block(600_000), usedAt: 3 }],
    ]);
    evictJobs(cached, 1_300_000);
    expect([...cached.keys()].sort()).toEqual(["newer", "newest"]);
    evictJobs(cached, 2_000_000);
    expect(cached.size).toBe(2);
  });
});

describe("syncWindow (the monitor warmer)", () => {
  it("brings the store to the log's end from its own floor, and the next read agrees with a store made anew", () => {
    const name = `unit-sync-${newId("x").slice(2)}`;
    const db = getDb().$client;
    const top = () => (db.prepare("SELECT max(rowid) AS r FROM request_logs").get() as { r: number }).r;
    for (let i = 0; i < 10; i++) insertLog(name, 200, T0 + i * 1000, [{ a: i, colour: i % 2 ? "red" : "blue" }], [i]);
    const s = spec(name, T0 - MIN, T0 + 60 * MIN);
    expect(windowStoreState(db, s)).toBeNull();
    syncWindow(db, s);
    expect(windowStoreState(db, s)).toEqual({ floor: s.sinceMs, lastRowid: top(), sampled: 10 });
    for (let i = 10; i < 15; i++) insertLog(name, 200, T0 + i * 1000, [{ a: i, colour: "green" }], [i]);
    // A later window: synced from the store's floor (nothing dropped, nothing read again).
    syncWindow(db, spec(name, T0 + 30 * MIN, T0 + 90 * MIN));
    expect(windowStoreState(db, s)).toEqual({ floor: s.sinceMs, lastRowid: top(), sampled: 15 });
    // Another budget is another store, made anew from the log.
    expect(readDrift(db, s)).toEqual(readDrift(db, { ...s, sampleBudget: 1000 }));
    expect(readQuality(db, s)).toEqual(readQuality(db, { ...s, sampleBudget: 1000 }));
  });
});
