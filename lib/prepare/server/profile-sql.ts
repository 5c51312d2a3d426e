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
 * One pass over the file counts each column's values (a GROUP BY per column) and takes the sums
 * correlations need, all into one table; the numbers and datetimes, which more than one part
 * reads, are cast once for them (a materialized CTE). Everything of a column then comes from its
 * counts: count, min, max, mean, std, distinct values, the runs of equal values that hold the
 * quantiles' ranks, histogram bins, top values. A column of all but distinct values (a key, a
 * timestamp) would have as many counts as values, so it is read once more and sorted instead.
 *
 * Unlike the streaming profiler, nothing is sampled: quantiles, histograms and distinct counts are
 * exact at any size, and the top values of a column with more than DISTINCT_LIMIT values count
 * every value. Mean, std and correlations are summed in another order (last-bit differences).
 */

/** The connection's table of the pass: value counts, the aggregates over the rows, and the correlation sums over each numeric column's null rows. */
const COUNTS_TABLE = "profile_counts";
const ROW_KIND = { count: 0, aggregate: 1, nullSums: 2 } as const;
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

/** A column's value counts in the pass's table, as (x, n); a text column's values as x too. */
const countsOf = (type: ColumnType, i: number) =>
  `(SELECT ${isText(type) ? "s" : "x"} AS x, n FROM ${COUNTS_TABLE} WHERE kind = ${ROW_KIND.count} AND col = ${i})`;

/** The profile of dataset version `id`, whose columns are `columns` (types as they are now). */
export async function profileVersion(id: string, columns: readonly ColumnInfo[]): Promise<DatasetProfile> {
  return withDuck(async (c) => {
    const relation = typedRelation(id, columns);
    try {
      const probe = await readProbe(c, relation, columns);
      const routes = columns.map(
        (column, i): Route => (hasOrder(column.type) && (probe.distinctShare[i] ?? 0) >= SORTED_MIN_DISTINCT_SHARE ? "sorted" : "counts"),
      );
      const shifts = await firstValues(c, relation, columns, probe.first);
      const pass = passSql(relation, columns, routes, shifts);
      await c.run(`CREATE OR REPLACE TEMP TABLE ${COUNTS_TABLE} AS ${pass.sql}`);
      const rowCount = (await readRow(c, `SELECT count(*)::DOUBLE FROM ${relation}`))[0] ?? 0;
      const { aggregates, nullSums } = await readSums(c);
      const summaries = await readSummaries(c, columns, routes, (i) => pass.sortedSummary(i, aggregates));
      const values = await readValueStats(c, relation, columns, routes, summaries);
      return {
        rowCount,
        columns: columns.map((column, i) => ({
          name: column.name,
          type: column.type,
          count: summaries[i].count,
          nullCount: rowCount - summaries[i].count,
          ...typedProfile(column.type, summaries[i], values[i]),
        })),
        correlations: correlationsOf(columns, pass.correlation, aggregates, nullSums),
      };
    } finally {
      await c.run(`DROP TABLE IF EXISTS ${COUNTS_TABLE}`);
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
async function readProbe(
  c: DuckDBConnection,
  relation: string,
  columns: readonly ColumnInfo[],
): Promise<{ first: (number | null)[]; distinctShare: (number | null)[] }> {
  const ordered = columns.flatMap((column, i) => (hasOrder(column.type) ? [i] : []));
  const probed = new Map<number, (number | null)[]>();
  if (ordered.length > 0) {
    const select = ordered.map((i) => {
      const x = rawColumn(i);
      const first = isNumericType(columns[i].type) ? `arg_min(${x}, __row) FILTER (WHERE ${x} IS NOT NULL)` : "NULL";
      return `[${first}, count(DISTINCT ${x}) / count(${x})]::DOUBLE[]`;
    });
    const row = await readRow(c, `SELECT ${select.join(", ")} FROM ${relation} WHERE __row < ${PROBE_ROWS}`);
    ordered.forEach((i, k) => probed.set(i, numbersOf(row[k])));
  }
  return { first: columns.map((_, i) => probed.get(i)?.[0] ?? null), distinctShare: columns.map((_, i) => probed.get(i)?.[1] ?? null) };
}

/** Each numeric column's first value in row order, looked up in all rows for those the probe's rows have none of (0 for a column without any). */
async function firstValues(c: DuckDBConnection, relation: string, columns: readonly ColumnInfo[], probed: (number | null)[]): Promise<number[]> {
  const unprobed = columns.flatMap((column, i) => (isNumericType(column.type) && probed[i] === null ? [i] : []));
  const looked = unprobed.length
    ? await readRow(
        c,
        `SELECT ${unprobed.map((i) => `arg_min(${rawColumn(i)}, __row) FILTER (WHERE ${rawColumn(i)} IS NOT NULL)`).join(", ")} FROM ${relation}`,
      )
    : [];
  return columns.map((_, i) => probed[i] ?? looked[unprobed.indexOf(i)] ?? 0);
}

// ---------------------------------------------------------------------------------------------
// The pass: value counts, aggregates over the rows, correlation sums

/** Where the correlation sums are in the aggregates: per numeric column (n, Σu, Σu²) and per pair Σuv. */
interface CorrelationLayout {
  /** Positions (column indexes) of the numeric columns. */
  positions: number[];
  own: number[];
  pairs: { a: number; b: number; product: number }[];
}

/**
 * The SQL of the pass, and where its aggregates are: a sorted column's summary, the correlation
 * sums. Numeric values are shifted by their column's first value (u), as the streaming profiler
 * sums them; a column's sums over another's null rows are taken off for their pair.
 */
function passSql(
  relation: string,
  columns: readonly ColumnInfo[],
  routes: Route[],
  shifts: number[],
): { sql: string; correlation: CorrelationLayout; sortedSummary: (i: number, aggregates: (number | null)[]) => (number | null)[] } {
  const ordered = columns.flatMap((column, i) => (hasOrder(column.type) ? [i] : []));
  const positions = columns.flatMap((column, i) => (isNumericType(column.type) ? [i] : []));
  const u = (i: number) => `u${i}`;
  const rows = `(SELECT ${[...ordered.map(rawColumn), ...positions.map((i) => `${rawColumn(i)} - ${sqlDouble(shifts[i])} AS ${u(i)}`)].join(", ")} FROM profile_typed)`;

  const aggregates: string[] = [];
  const add = (sql: string) => aggregates.push(sql) - 1;
  const ownSums = (i: number) => [`count(${u(i)})`, `sum(${u(i)})`, `sum(${u(i)} * ${u(i)})`];
  const summaryAt = new Map<number, number>();
  for (const i of ordered) {
    if (routes[i] !== "sorted") continue;
    const x = rawColumn(i);
    summaryAt.set(i, add(`count(${x})`));
    for (const sql of [`min(${x})`, `max(${x})`, `avg(${x})`, `stddev_samp(${x})`]) add(sql);
  }
  const own = positions.map((i) => ownSums(i).map(add)[0]);
  const pairs = positions.flatMap((a, k) => positions.slice(k + 1).map((b) => ({ a, b, product: add(`sum(${u(a)} * ${u(b)})`) })));

  const listed = (sums: string[], kind: number, col: string, from: string) =>
    `SELECT ${kind} AS kind, ${col} AS col, unnest(l) AS x, NULL::VARCHAR AS s, unnest(range(len(l)))::DOUBLE AS n FROM (SELECT [${sums.join(", ")}]::DOUBLE[] AS l FROM ${from})`;
  const branches = columns.flatMap((column, i) => {
    if (routes[i] !== "counts") return [];
    const x = rawColumn(i);
    const value = isText(column.type) ? `NULL::DOUBLE AS x, ${x} AS s` : `${x}::DOUBLE AS x, NULL::VARCHAR AS s`;
    return [
      `SELECT ${ROW_KIND.count} AS kind, ${i} AS col, ${value}, count(*)::DOUBLE AS n FROM ${hasOrder(column.type) ? "profile_typed" : "typed"} WHERE ${x} IS NOT NULL GROUP BY ${x}`,
    ];
  });
  if (aggregates.length > 0) branches.push(listed(aggregates, ROW_KIND.aggregate, "NULL", rows));
  for (const b of positions) branches.push(listed(positions.flatMap(ownSums), ROW_KIND.nullSums, String(b), `${rows} WHERE ${u(b)} IS NULL`));
  return {
    sql: `WITH typed AS NOT MATERIALIZED (SELECT * FROM ${relation})${ordered.length ? `, profile_typed AS MATERIALIZED (SELECT ${ordered.map(rawColumn).join(", ")} FROM typed)` : ""} ${branches.join(" UNION ALL ")}`,
    correlation: { positions, own, pairs },
    sortedSummary: (i, sums) => {
      const at = summaryAt.get(i) ?? 0;
      return [0, 1, 2, 3, 4].map((k) => sums[at + k] ?? null);
    },
  };
}

/** The pass's aggregates over the rows, and per numeric column its null rows' sums (in the order of the pass's own sums). */
async function readSums(c: DuckDBConnection): Promise<{ aggregates: (number | null)[]; nullSums: Map<number, (number | null)[]> }> {
  const aggregates: (number | null)[] = [];
  const nullSums = new Map<number, (number | null)[]>();
  const rows = (await c.runAndReadAll(`SELECT kind, col, x, n FROM ${COUNTS_TABLE} WHERE kind <> ${ROW_KIND.count}`)).getRows() as [
    number,
    number | null,
    number | null,
    number,
  ][];
  for (const [kind, col, x, n] of rows) {
    if (kind === ROW_KIND.aggregate) aggregates[n] = x;
    else {
      const list = nullSums.get(col ?? -1) ?? [];
      list[n] = x;
      nullSums.set(col ?? -1, list);
    }
  }
  return { aggregates, nullSums };
}

// ---------------------------------------------------------------------------------------------
// Summaries: from the value counts, or from the rows for a sorted column

/** The SQL of a counted column's summary, as a list in SUMMARY_FIELDS order. */
function summarySql(type: ColumnType, i: number): string {
  const v = countsOf(type, i);
  if (isText(type)) return `(SELECT [sum(n), NULL, NULL, NULL, NULL, NULL, count(*)]::DOUBLE[] FROM ${v})`;
  if (type === "boolean") return `(SELECT [sum(n), NULL, NULL, NULL, NULL, sum(n) FILTER (WHERE x = 1), count(*)]::DOUBLE[] FROM ${v})`;
  // The mean first, then the sample variance around it: two passes over the counts, not the rows.
  const mean = `(SELECT sum(x * n) / sum(n) FROM ${v})`;
  return `(SELECT [sum(n), min(x), max(x), any_value(m), sqrt(sum(n * (x - m) * (x - m)) / (sum(n) - 1)), NULL, count(*)]::DOUBLE[] FROM ${v}, (SELECT ${mean} AS m))`;
}

/** Each column's summary: from its counts, or, for a sorted column, from the pass's aggregates (count, min, max, mean, std). */
async function readSummaries(
  c: DuckDBConnection,
  columns: readonly ColumnInfo[],
  routes: Route[],
  sortedSummary: (i: number) => (number | null)[],
): Promise<Summary[]> {
  const counted = columns.flatMap((_, i) => (routes[i] === "counts" ? [i] : []));
  const lists = counted.length ? await readRow(c, `SELECT ${counted.map((i) => summarySql(columns[i].type, i)).join(", ")}`) : [];
  return columns.map((_, i) => {
    const values = routes[i] === "counts" ? numbersOf(lists[counted.indexOf(i)]) : sortedSummary(i);
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
function valueStatsSql(relation: string, type: ColumnType, i: number, route: Route, summary: Summary): { ctes: string[]; parts: string[] } {
  const none = { ctes: [], parts: [] };
  if (summary.count === 0 || type === "boolean") return none;
  const row = (kind: number, a: string, b: string, n: string, s: string) =>
    `SELECT ${i} AS col, ${kind} AS kind, (${a})::DOUBLE AS a, (${b})::DOUBLE AS b, (${n})::DOUBLE AS n, (${s})::VARCHAR AS s`;
  const v = countsOf(type, i);
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
      `${values} AS MATERIALIZED (SELECT ${x} AS x, 1 AS n, row_number() OVER w - 1 AS rank, ${x} IS DISTINCT FROM lag(${x}) OVER w AS new FROM ${relation} WHERE ${x} IS NOT NULL WINDOW w AS (ORDER BY ${x}))`,
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

async function readValueStats(
  c: DuckDBConnection,
  relation: string,
  columns: readonly ColumnInfo[],
  routes: Route[],
  summaries: Summary[],
): Promise<ValueStats[]> {
  const stats: ValueStats[] = summaries.map((s) => ({ distinct: s.distinct ?? 0, runs: [], bins: new Map(), top: [] }));
  const pieces = columns.map((column, i) => valueStatsSql(relation, column.type, i, routes[i], summaries[i]));
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
 * Pearson correlations of the numeric columns over the rows where both have a value, from the
 * pass's sums of the values shifted by each column's first value. Sums over every row serve each
 * pair; a column with nulls has the other columns' sums over its null rows taken off for the pairs
 * it is in. (Plain aggregates: a FILTER per pair would copy every column for each aggregate.)
 */
function correlationsOf(
  columns: readonly ColumnInfo[],
  layout: CorrelationLayout,
  aggregates: (number | null)[],
  nullSums: Map<number, (number | null)[]>,
): DatasetProfile["correlations"] {
  const { positions, own, pairs } = layout;
  const matrix: (number | null)[][] = positions.map((_, a) => positions.map((_, b) => (a === b ? 1 : null)));
  /** n, Σu and Σu² of column i over the rows where column j has a value. */
  const sumsGiven = (i: number, j: number) => {
    const a = positions.indexOf(i);
    const off = nullSums.get(j);
    return [0, 1, 2].map((k) => (aggregates[own[a] + k] ?? 0) - (off?.[3 * a + k] ?? 0));
  };
  for (const { a, b, product } of pairs) {
    const [n, sx, sxx] = sumsGiven(a, b);
    const [, sy, syy] = sumsGiven(b, a);
    const r = correlationOfSums({ n, sx, sy, sxx, syy, sxy: aggregates[product] ?? 0 });
    const [x, y] = [positions.indexOf(a), positions.indexOf(b)];
    matrix[x][y] = r;
    matrix[y][x] = r;
  }
  return { columns: positions.map((i) => columns[i].name), matrix };
}
