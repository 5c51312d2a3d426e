import { type DuckDBConnection, DuckDBListValue } from "@duckdb/node-api";
import { withDuck } from "@/lib/data/server/duck";
import { rawColumn, typedRelation } from "@/lib/data/server/store";
import type { ColumnInfo, ColumnType } from "@/lib/data/types";
import { lerp, quantilePosition } from "@/lib/shared/stats";
import {
  type ColumnProfile,
  type DatasetProfile,
  type NumericStats,
  QUANTILES,
  TOP_VALUES,
  cappedDistinct,
  correlationOfSums,
  histogramEdges,
  histogramGrid,
  isNumericType,
  topValuesOf,
  usesIntegerBins,
} from "../profile";

/**
 * A stored version's profile computed by DuckDB: the same DatasetProfile that createProfiler
 * (lib/prepare/profile.ts) gives over the version's typed rows, with its definitions (edges, top
 * values, quantile ranks, the correlation rule) imported from there.
 *
 * Each column's values are counted (a GROUP BY) and everything of the column comes from its
 * counts: count, min, max, mean, std, distinct values, the runs of equal values that hold the
 * quantiles' ranks, histogram bins, top values. A column of all but distinct values (a key, a
 * timestamp) would have as many counts as values, so it is sorted instead. Correlations are the
 * streaming profiler's sums over the rows. The casts from stored text cost as much as the rest, so
 * the numbers and datetimes, which are read more than once, are cast once into a table of this
 * connection; categories, texts and booleans are counted straight from the file.
 *
 * Unlike the streaming profiler, nothing is sampled: quantiles, histograms and distinct counts are
 * exact at any size, and the top values of a column with more than DISTINCT_LIMIT values count
 * every value. Mean, std and correlations are summed in another order (last-bit differences).
 */

const ROWS_TABLE = "profile_rows";
const countsTable = (i: number) => `profile_counts_${i}`;
/** Rows read first, for each numeric column's first value and a guess of how many distinct values each ordered column has. */
const PROBE_ROWS = 4096;
/** A column whose first rows are at least this share distinct is sorted rather than counted (only speed depends on the guess). */
const SORTED_MIN_DISTINCT_SHARE = 0.99;

/** How a column's statistics are read: from its value counts, or by sorting its values. */
type Route = "counts" | "sorted";

/** A column's statistics; the ones its type does not have are null. */
interface Summary {
  count: number;
  min: number | null;
  max: number | null;
  mean: number | null;
  std: number | null;
  trues: number | null;
  distinct: number | null;
}
const SUMMARY_FIELDS = ["count", "min", "max", "mean", "std", "trues", "distinct"] as const;

/** A double as SQL, exactly (JavaScript's shortest round-trip text, parsed by DuckDB). */
const sqlDouble = (x: number) => `CAST('${x}' AS DOUBLE)`;

const hasOrder = (type: ColumnType) => isNumericType(type) || type === "datetime";
const isText = (type: ColumnType) => type === "category" || type === "text";

/** The profile of dataset version `id`, whose columns are `columns` (types as they are now). */
export async function profileVersion(id: string, columns: readonly ColumnInfo[]): Promise<DatasetProfile> {
  return withDuck(async (c) => {
    const relation = typedRelation(id, columns);
    const ordered = columns.flatMap((column, i) => (hasOrder(column.type) ? [i] : []));
    const tables: string[] = [];
    try {
      if (ordered.length > 0) {
        tables.push(ROWS_TABLE);
        await c.run(`CREATE OR REPLACE TEMP TABLE ${ROWS_TABLE} AS SELECT __row, ${ordered.map(rawColumn).join(", ")} FROM ${relation}`);
      }
      const source = (i: number) => (hasOrder(columns[i].type) ? ROWS_TABLE : relation);
      const probe = await readProbe(c, columns);
      const routes = columns.map(
        (column, i): Route => (hasOrder(column.type) && (probe.distinctShare[i] ?? 0) >= SORTED_MIN_DISTINCT_SHARE ? "sorted" : "counts"),
      );
      for (const [i, route] of routes.entries()) {
        if (route !== "counts") continue;
        tables.push(countsTable(i));
        const x = rawColumn(i);
        await c.run(
          `CREATE OR REPLACE TEMP TABLE ${countsTable(i)} AS SELECT ${x} AS x, count(*)::DOUBLE AS n FROM ${source(i)} WHERE ${x} IS NOT NULL GROUP BY ALL`,
        );
      }
      const rowCount = (await readRow(c, `SELECT count(*)::DOUBLE FROM ${relation}`))[0] ?? 0;
      const summaries = await readSummaries(c, columns, routes);
      const values = await readValueStats(c, columns, routes, summaries);
      const correlations = await readCorrelations(c, columns, summaries, rowCount, probe.first);
      return {
        rowCount,
        columns: columns.map((column, i) => ({
          name: column.name,
          type: column.type,
          count: summaries[i].count,
          nullCount: rowCount - summaries[i].count,
          ...typedProfile(column.type, summaries[i], values[i]),
        })),
        correlations,
      };
    } finally {
      for (const table of tables) await c.run(`DROP TABLE IF EXISTS ${table}`);
    }
  });
}

/** The first row of a query's answer, every value a number, a list of numbers, or null (the SQL casts to DOUBLE). */
async function readRow(c: DuckDBConnection, sql: string): Promise<(number | null)[]> {
  const [row] = (await c.runAndReadAll(sql)).getRows();
  return row as (number | null)[];
}

function numbersOf(value: unknown): (number | null)[] {
  if (!(value instanceof DuckDBListValue)) throw new Error("expected a list of numbers");
  return value.items as (number | null)[];
}

/**
 * The first rows of the ordered columns: each numeric column's first value (correlations shift by
 * it, as the streaming profiler does; null when these rows have none) and each ordered column's
 * share of distinct values among them.
 */
async function readProbe(c: DuckDBConnection, columns: readonly ColumnInfo[]): Promise<{ first: (number | null)[]; distinctShare: (number | null)[] }> {
  const none = columns.map(() => null);
  const select = columns.flatMap((column, i) => {
    const x = rawColumn(i);
    if (!hasOrder(column.type)) return [];
    const first = isNumericType(column.type) ? `arg_min(${x}, __row) FILTER (WHERE ${x} IS NOT NULL)` : "NULL";
    return [`[${first}, count(DISTINCT ${x}) / count(${x})]::DOUBLE[]`];
  });
  if (select.length === 0) return { first: none, distinctShare: none };
  const row = (await readRow(c, `SELECT ${select.join(", ")} FROM ${ROWS_TABLE} WHERE __row < ${PROBE_ROWS}`)).map(numbersOf);
  const at = (i: number) => row[columns.slice(0, i).filter((column) => hasOrder(column.type)).length];
  return {
    first: columns.map((column, i) => (hasOrder(column.type) ? at(i)[0] : null)),
    distinctShare: columns.map((column, i) => (hasOrder(column.type) ? at(i)[1] : null)),
  };
}

// ---------------------------------------------------------------------------------------------
// Summaries: from the value counts, or from the rows for a sorted column

/** The SQL of a column's summary as a list in SUMMARY_FIELDS order. */
function summarySql(type: ColumnType, i: number, route: Route): string {
  if (route === "sorted") {
    const x = rawColumn(i);
    return `(SELECT [count(${x}), min(${x}), max(${x}), avg(${x}), stddev_samp(${x}), NULL, NULL]::DOUBLE[] FROM ${ROWS_TABLE})`;
  }
  const v = countsTable(i);
  if (isText(type)) return `(SELECT [sum(n), NULL, NULL, NULL, NULL, NULL, count(*)]::DOUBLE[] FROM ${v})`;
  if (type === "boolean") return `(SELECT [sum(n), NULL, NULL, NULL, NULL, sum(n) FILTER (WHERE x = 1), count(*)]::DOUBLE[] FROM ${v})`;
  // The mean first, then the sample variance around it: two passes over the counts, not the rows.
  const mean = `(SELECT sum(x * n) / sum(n) FROM ${v})`;
  return `(SELECT [sum(n), min(x), max(x), any_value(m), sqrt(sum(n * (x - m) * (x - m)) / (sum(n) - 1)), NULL, count(*)]::DOUBLE[] FROM ${v}, (SELECT ${mean} AS m))`;
}

async function readSummaries(c: DuckDBConnection, columns: readonly ColumnInfo[], routes: Route[]): Promise<Summary[]> {
  if (columns.length === 0) return [];
  const lists = await readRow(c, `SELECT ${columns.map((column, i) => summarySql(column.type, i, routes[i])).join(", ")}`);
  return lists.map((list) => {
    const values = numbersOf(list);
    const summary = Object.fromEntries(SUMMARY_FIELDS.map((field, k) => [field, values[k] ?? null])) as Record<keyof Summary, number | null>;
    return { ...summary, count: summary.count ?? 0 };
  });
}

// ---------------------------------------------------------------------------------------------
// Distinct values, quantile neighbours, histogram bins, top values

/** What a column's values give beyond its summary. */
interface ValueStats {
  distinct: number;
  /** Runs of equal values in ascending order (start is the rank of the first): those holding the ranks the quantiles read. */
  runs: { value: number; start: number; count: number }[];
  bins: Map<number, number>;
  top: { value: string; count: number }[];
}

/** What a row of the value-statistics query is. */
const KIND = { distinct: 0, run: 1, bin: 2, top: 3 } as const;

/** The ranks (0-based, in ascending order) of the values the quantiles of `count` values interpolate between. */
function quantileRanks(count: number): number[] {
  const ranks = Object.values(QUANTILES).flatMap((q) => {
    const { below, above } = quantilePosition(count, q);
    return [below, above];
  });
  return [...new Set(ranks)];
}

/**
 * The values `x` with counts `n` of `relation` as (bin, n): a value's bin is the number of interior
 * edges at or below it (countIntoBins), the edges computed as histogramEdges computes them. The
 * guess from the value is checked against its two edges; counting the edges settles the values
 * where rounding put the guess off.
 */
function binnedSql(min: number, max: number, integerBins: boolean, relation: string): string {
  const { origin, step, bins } = histogramGrid(min, max, integerBins);
  const edge = (k: string) => `(${sqlDouble(origin)} + ${k} * ${sqlDouble(step)})`;
  const counted = `len(list_filter(range(1, ${bins}), lambda k: ${edge("k")} <= x))`;
  if (!Number.isFinite(max - min)) return `SELECT ${counted} AS bin, n FROM ${relation}`;
  const guess = `least(greatest(floor((x - ${sqlDouble(origin)}) / ${sqlDouble(step)}), 0), ${bins - 1})::BIGINT`;
  const fits = `(g = 0 OR x >= ${edge("g")}) AND (g = ${bins - 1} OR x < ${edge("(g + 1)")})`;
  return `SELECT CASE WHEN ${fits} THEN g ELSE ${counted} END AS bin, n FROM (SELECT x, n, ${guess} AS g FROM ${relation})`;
}

/** The rows of the value-statistics query for column i, (col, kind, a, b, n, s), and the tables they share. */
function valueStatsSql(type: ColumnType, i: number, route: Route, summary: Summary): { ctes: string[]; parts: string[] } {
  const none = { ctes: [], parts: [] };
  if (summary.count === 0 || type === "boolean") return none;
  const row = (kind: number, a: string, b: string, n: string, s: string) =>
    `SELECT ${i} AS col, ${kind} AS kind, (${a})::DOUBLE AS a, (${b})::DOUBLE AS b, (${n})::DOUBLE AS n, (${s})::VARCHAR AS s`;
  const v = countsTable(i);
  if (isText(type))
    return { ctes: [], parts: [`${row(KIND.top, "NULL", "NULL", "n", "x")} FROM (SELECT x, n FROM ${v} ORDER BY n DESC, x LIMIT ${TOP_VALUES})`] };
  const ranks = quantileRanks(summary.count);
  const ctes: string[] = [];
  const parts: string[] = [];
  let values = v;
  if (route === "sorted") {
    // The values in order, numbered, each marked when it differs from the one before.
    const x = rawColumn(i);
    values = `profile_sorted_${i}`;
    ctes.push(
      `${values} AS MATERIALIZED (SELECT ${x} AS x, 1 AS n, row_number() OVER w - 1 AS rank, ${x} IS DISTINCT FROM lag(${x}) OVER w AS new FROM ${ROWS_TABLE} WHERE ${x} IS NOT NULL WINDOW w AS (ORDER BY ${x}))`,
    );
    parts.push(`${row(KIND.distinct, "count(*) FILTER (WHERE new)", "NULL", "NULL", "NULL")} FROM ${values}`);
    if (isNumericType(type)) parts.push(`${row(KIND.run, "x", "rank", "1", "NULL")} FROM ${values} WHERE list_contains([${ranks.join(", ")}], rank)`);
  } else if (isNumericType(type)) {
    const holds = ranks.map((r) => `(start <= ${r} AND ${r} < start + n)`).join(" OR ");
    const runs = `(SELECT x, n, sum(n) OVER (ORDER BY x ROWS UNBOUNDED PRECEDING) - n AS start FROM ${v})`;
    parts.push(`${row(KIND.run, "x", "start", "n", "NULL")} FROM ${runs} WHERE ${holds}`);
  }
  const { min, max } = summary as { min: number; max: number };
  if (min < max)
    parts.push(`${row(KIND.bin, "bin", "NULL", "sum(n)", "NULL")} FROM (${binnedSql(min, max, usesIntegerBins(type, min, max), values)}) GROUP BY bin`);
  return { ctes, parts };
}

async function readValueStats(c: DuckDBConnection, columns: readonly ColumnInfo[], routes: Route[], summaries: Summary[]): Promise<ValueStats[]> {
  const stats: ValueStats[] = summaries.map((s) => ({ distinct: s.distinct ?? 0, runs: [], bins: new Map(), top: [] }));
  const pieces = columns.map((column, i) => valueStatsSql(column.type, i, routes[i], summaries[i]));
  const ctes = pieces.flatMap((p) => p.ctes);
  const parts = pieces.flatMap((p) => p.parts);
  if (parts.length === 0) return stats;
  const sql = `${ctes.length ? `WITH ${ctes.join(", ")} ` : ""}${parts.join(" UNION ALL ")}`;
  for (const [col, kind, a, b, n, s] of (await c.runAndReadAll(sql)).getRows() as [number, number, number, number, number, string][]) {
    const into = stats[col];
    if (kind === KIND.distinct) into.distinct = a;
    else if (kind === KIND.run) into.runs.push({ value: a, start: b, count: n });
    else if (kind === KIND.bin) into.bins.set(a, n);
    else into.top.push({ value: s, count: n });
  }
  return stats;
}

/** quantileOfSorted over the column's sorted values, from the runs that hold the ranks it reads. */
function quantilesOfRuns(runs: ValueStats["runs"], count: number): NumericStats["quantiles"] {
  const at = (rank: number) => {
    const run = runs.find((r) => r.start <= rank && rank < r.start + r.count);
    if (!run) throw new Error(`no value of rank ${rank} was read`);
    return run.value;
  };
  const quantile = (q: number) => {
    const { below, above, t } = quantilePosition(count, q);
    return lerp(at(below), at(above), t);
  };
  return {
    p01: quantile(QUANTILES.p01),
    p05: quantile(QUANTILES.p05),
    p25: quantile(QUANTILES.p25),
    p50: quantile(QUANTILES.p50),
    p75: quantile(QUANTILES.p75),
    p95: quantile(QUANTILES.p95),
    p99: quantile(QUANTILES.p99),
  };
}

function histogramOf(type: ColumnType, min: number, max: number, count: number, bins: Map<number, number>): NumericStats["histogram"] {
  if (min === max) return [{ start: min, end: max, count }];
  const edges = histogramEdges(min, max, usesIntegerBins(type, min, max));
  return edges.slice(0, -1).map((start, b) => ({ start, end: edges[b + 1], count: bins.get(b) ?? 0 }));
}

/** What a column's profile has beyond its name, type and counts, as the streaming profiler gives it. */
function typedProfile(type: ColumnType, summary: Summary, values: ValueStats): Omit<ColumnProfile, "name" | "type" | "count" | "nullCount"> {
  if (type === "boolean") {
    const trues = summary.trues ?? 0;
    const counts = new Map<string, number>();
    if (trues > 0) counts.set("true", trues);
    if (summary.count - trues > 0) counts.set("false", summary.count - trues);
    return { distinctCount: counts.size, distinctCapped: false, topValues: topValuesOf(counts) };
  }
  if (isText(type)) return { ...cappedDistinct(values.distinct, false), topValues: topValuesOf(new Map(values.top.map((t) => [t.value, t.count]))) };
  if (summary.count === 0) return { distinctCount: 0, distinctCapped: false };
  const { min, max } = summary as { min: number; max: number };
  const histogram = histogramOf(type, min, max, summary.count, values.bins);
  const distinct = cappedDistinct(values.distinct, false);
  if (type === "datetime") {
    return { ...distinct, min, max, histogram, dateRange: { min: new Date(min).toISOString(), max: new Date(max).toISOString() } };
  }
  return {
    ...distinct,
    min,
    max,
    mean: summary.mean ?? Number.NaN,
    // As the streaming profiler: the sample standard deviation, 0 for a single value.
    std: summary.count > 1 ? (summary.std ?? 0) : 0,
    quantiles: quantilesOfRuns(values.runs, summary.count),
    histogram,
  };
}

// ---------------------------------------------------------------------------------------------
// Correlations: the streaming profiler's sums, pairwise complete

/**
 * Pearson correlations of the numeric columns over the rows where both have a value, from sums of
 * the values shifted by each column's first value. Sums over every row serve each pair; a column
 * with nulls has the other columns' sums over its null rows taken off for the pairs it is in.
 * (Plain aggregates: a FILTER per pair would copy every column for each aggregate.)
 */
async function readCorrelations(
  c: DuckDBConnection,
  columns: readonly ColumnInfo[],
  summaries: Summary[],
  rowCount: number,
  probedFirst: (number | null)[],
): Promise<DatasetProfile["correlations"]> {
  const numeric = columns.flatMap((column, i) => (isNumericType(column.type) ? [i] : []));
  const matrix: (number | null)[][] = numeric.map((_, a) => numeric.map((_, b) => (a === b ? 1 : null)));
  const result = { columns: numeric.map((i) => columns[i].name), matrix };
  const positions = numeric.filter((i) => summaries[i].count > 0);
  if (positions.length < 2) return result;

  // A column without a value in the probe's rows has its first value looked up in all of them.
  const unprobed = positions.filter((i) => probedFirst[i] === null);
  const looked = unprobed.length
    ? await readRow(
        c,
        `SELECT ${unprobed.map((i) => `arg_min(${rawColumn(i)}, __row) FILTER (WHERE ${rawColumn(i)} IS NOT NULL)`).join(", ")} FROM ${ROWS_TABLE}`,
      )
    : [];
  const shift = (i: number) => probedFirst[i] ?? looked[unprobed.indexOf(i)] ?? 0;

  const u = (a: number) => `u${a}`;
  const shifted = `(SELECT ${positions.map((i, a) => `${rawColumn(i)} - ${sqlDouble(shift(i))} AS ${u(a)}`).join(", ")} FROM ${ROWS_TABLE})`;
  const ownSums = positions.flatMap((_, a) => [`count(${u(a)})::DOUBLE`, `sum(${u(a)})`, `sum(${u(a)} * ${u(a)})`]);
  const pairs = positions.flatMap((_, a) => positions.slice(a + 1).map((_, k) => [a, a + 1 + k]));
  const all = await readRow(c, `SELECT ${[...ownSums, ...pairs.map(([a, b]) => `sum(${u(a)} * ${u(b)})`)].join(", ")} FROM ${shifted}`);
  const totals = all.slice(0, ownSums.length);
  const products = all.slice(ownSums.length);
  /** For each column with nulls, the sums of every column over its null rows. */
  const overNulls = new Map<number, (number | null)[]>();
  for (const [b, i] of positions.entries()) {
    if (summaries[i].count < rowCount) overNulls.set(b, await readRow(c, `SELECT ${ownSums.join(", ")} FROM ${shifted} WHERE ${u(b)} IS NULL`));
  }

  /** n, Σx and Σx² of column a over the rows where column b has a value. */
  const sumsGiven = (a: number, b: number) => {
    const off = overNulls.get(b);
    return [0, 1, 2].map((k) => (totals[3 * a + k] ?? 0) - (off?.[3 * a + k] ?? 0));
  };
  pairs.forEach(([a, b], p) => {
    const [n, sx, sxx] = sumsGiven(a, b);
    const [, sy, syy] = sumsGiven(b, a);
    const r = correlationOfSums({ n, sx, sy, sxx, syy, sxy: products[p] ?? 0 });
    const [x, y] = [numeric.indexOf(positions[a]), numeric.indexOf(positions[b])];
    matrix[x][y] = r;
    matrix[y][x] = r;
  });
  return result;
}
