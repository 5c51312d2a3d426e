import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { overrideColumnTypes, readTypedRows, versionColumns } from "@/lib/data/server/datasets";
import { ingestDataset } from "@/lib/data/server/ingest";
import { mulberry32 } from "@/lib/shared/random";
import { createProfiler, type DatasetProfile } from "../profile";
import { profileVersion } from "./profile-sql";

const unique = (p: string) => `${p}-${Math.random().toString(36).slice(2, 8)}`;

async function ingestCsv(csv: string): Promise<string> {
  const v = await ingestDataset(unique("profiled"), {
    sourceKind: "upload",
    source: "t.csv",
    fileName: "t.csv",
    stream: Readable.from([Buffer.from(csv)]),
    maxBytes: 1 << 26,
  });
  return v.id;
}

/** The streaming profiler over the version's typed rows, as the browser would compute it. */
async function profileInJs(id: string): Promise<DatasetProfile> {
  const { columns, rows } = await readTypedRows(id);
  const profiler = createProfiler(columns.map(({ name, type }) => ({ name, type })));
  for (const row of rows) profiler.add(columns.map((c) => row[c.name] ?? null));
  return profiler.finish();
}

/** The profile without what is summed (mean, std, correlations), which may differ in the last bits. */
function exactPart(p: DatasetProfile) {
  return {
    rowCount: p.rowCount,
    columns: p.columns.map(({ mean, std, ...rest }) => ({ ...rest, hasMean: mean !== undefined, hasStd: std !== undefined })),
    correlations: { columns: p.correlations.columns, nulls: p.correlations.matrix.map((row) => row.map((r) => r === null)) },
  };
}

const SUMMED_DIGITS = 9;

function expectSameProfile(sql: DatasetProfile, js: DatasetProfile): void {
  expect(exactPart(sql)).toEqual(exactPart(js));
  sql.columns.forEach((column, i) => {
    if (js.columns[i].mean !== undefined) expect(column.mean).toBeCloseTo(js.columns[i].mean!, SUMMED_DIGITS);
    if (js.columns[i].std !== undefined) expect(column.std).toBeCloseTo(js.columns[i].std!, SUMMED_DIGITS);
  });
  sql.correlations.matrix.forEach((row, a) => row.forEach((r, b) => r !== null && expect(r).toBeCloseTo(js.correlations.matrix[a][b]!, SUMMED_DIGITS)));
}

/**
 * Columns of every type and shape: nulls and missing spellings, ties, negatives, an integer range
 * under 20 (one bin per integer) and one over, values on bin edges (exactly, and where rounding
 * moves the edge: 3 · 0.1 > 0.3), a constant, a single value, a column with no values, keys that
 * are all distinct or nearly (sorted, not counted), dates with and without times, more than ten categories
 * with counts tied across the top ten's cut, free text.
 */
const COLORS = ["sky", "red", "blue", "green", "cyan", "teal", "plum", "rust", "gold", "jade", "ruby", "sand", "ash"];

function mixedCsv(rows: number): string {
  const random = mulberry32(7);
  const pick = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)];
  const header = "id,near,score,small,wide,edge,tenths,flag,day,stamp,color,note,constant,single,sparse,nanint,empty";
  const lines = [header];
  for (let i = 0; i < rows; i++) {
    const score = pick(["3.7", "-1.2", "0.5", "8.25", "2", "2", "11", "-4.5", "6.1", "", "NA"]);
    const small = pick(["0", "1", "1", "2", "2", "2", "5", " 3 ", ""]);
    const wide = String(Math.floor(random() * 400) - 100);
    const edge = String(i % 21);
    const tenths = String(Math.floor(random() * 21) / 10);
    const flag = pick(["yes", "no", "true", "False", " no ", "", "YES"]);
    const day = pick(["2024-01-01", "2024-01-02", "2024-01-02", "2023-12-31T23:30:00Z", "2024-02-29 12:00", "", "2024/03/01"]);
    const stamp = new Date(Date.UTC(2020, 0, 1) + i * 3_600_123).toISOString();
    const color = COLORS[i % COLORS.length];
    const note = `${pick(["a", "b", "c"])} note ${i % 7}`;
    const single = i === 17 ? "42.5" : "";
    const sparse = random() < 0.4 ? (random() * 10).toFixed(2) : "";
    const nanint = random() < 0.2 ? "NaN" : String(Math.floor(random() * 9));
    lines.push([i, (i % 299) * 1.5, score, small, wide, edge, tenths, flag, day, stamp, color, note, "7.25", single, sparse, nanint, ""].join(","));
  }
  return `${lines.join("\n")}\n`;
}

describe("profileVersion", () => {
  it("gives createProfiler's profile of the typed rows", async () => {
    const id = await ingestCsv(mixedCsv(300));
    const columns = versionColumns(id);
    expect(Object.fromEntries(columns.map((c) => [c.name, c.type]))).toMatchObject({
      id: "integer",
      score: "number",
      flag: "boolean",
      day: "datetime",
      color: "category",
      note: "text",
      nanint: "integer",
    });
    const sql = await profileVersion(id, columns);
    expectSameProfile(sql, await profileInJs(id));
    // The shapes the data was made to have are there.
    const col = (name: string) => sql.columns.find((c) => c.name === name)!;
    expect(col("small").histogram!.map((b) => b.start)).toEqual([-0.5, 0.5, 1.5, 2.5, 3.5, 4.5]);
    expect(col("wide").histogram).toHaveLength(20);
    expect(col("color").topValues!.map((t) => t.value)).toEqual(["sky", "ash", "blue", "cyan", "gold", "green", "jade", "plum", "red", "ruby"]);
    // 0…20 over 300 rows: 0…5 fifteen times, 6…20 fourteen; the last bin holds 19 and 20.
    expect(col("edge").histogram!.map((b) => b.count)).toEqual([...Array(6).fill(15), ...Array(13).fill(14), 28]);
    expect(col("empty")).toMatchObject({ count: 0, nullCount: 300, distinctCount: 0 });
    expect(col("near")).toMatchObject({ count: 300, distinctCount: 299 });
    expect(col("single")).toMatchObject({ count: 1, std: 0, min: 42.5, max: 42.5 });
    expect(col("nanint").nullCount).toBeGreaterThan(0);
    const names = sql.correlations.columns;
    expect(sql.correlations.matrix[names.indexOf("constant")][names.indexOf("score")]).toBeNull();
  });

  it("follows type overrides as createProfiler does", async () => {
    const id = await ingestCsv(mixedCsv(120));
    overrideColumnTypes(id, {
      columns: [
        { name: "small", type: "category" },
        { name: "wide", type: "number" },
        { name: "score", type: "integer" },
        { name: "day", type: "text" },
        { name: "color", type: "boolean" },
        { name: "flag", type: "number" },
        // No value at all: its correlations have no first value to shift by.
        { name: "note", type: "number" },
      ],
    });
    expectSameProfile(await profileVersion(id, versionColumns(id)), await profileInJs(id));
  });

  it("caps distinct counts at DISTINCT_LIMIT as createProfiler does", async () => {
    // late has no value in the first rows, so its first value is looked up beyond them.
    const rows = Array.from({ length: 100_001 }, (_, i) => `${i},v${String(i).padStart(6, "0")},${(i * 7) % 1000},${i < 5000 ? "" : (i * 31) % 97}`);
    const id = await ingestCsv(`key,label,cycle,late\n${rows.join("\n")}\n`);
    const sql = await profileVersion(id, versionColumns(id));
    expect(sql.columns.map((c) => [c.name, c.distinctCount, c.distinctCapped])).toEqual([
      ["key", 100_000, true],
      ["label", 100_000, true],
      ["cycle", 1000, false],
      ["late", 97, false],
    ]);
    expectSameProfile(sql, await profileInJs(id));
  });
});
