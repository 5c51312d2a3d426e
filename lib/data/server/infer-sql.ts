import type { DuckDBConnection } from "@duckdb/node-api";
import { type ColumnEvidenceCounts, createTypeInferrer, decideColumnType } from "../infer";
import type { ColumnInfo, ColumnType } from "../types";
import { rawColumn, trimmedSql } from "./store";

/**
 * Type inference over a stored version in SQL, with the JavaScript inferrer's rules
 * (lib/data/infer.ts): the same tests on every cell (duck.ts's macros), the same decision
 * (`decideColumnType`). Testing every type on every cell would cost a regular expression per type
 * per cell, so the JavaScript inferrer first reads the head of the file for each column's
 * candidate — types only ever get ruled out as rows come, so the head's type is the most the whole
 * column can be — and SQL then checks that one type on every cell; a column that fails is checked
 * for every type (rare: a file whose first rows are not like the rest).
 */

/** Rows the JavaScript inferrer reads for the candidates. */
const HEAD_ROWS = 2_000;

/** A column's cell in SQL: `r` as stored, `t` trimmed as JavaScript trims it (store.ts trimmedSql). */
interface Cell {
  r: string;
  t: string;
}

const missing = ({ t }: Cell) => `wb_missing(${t})`;
/** Whitespace between two non-space characters (the JS inferrer's /\S\s+\S/), tested only on cells with a space-like character. */
const withSpaceSql = (c: Cell) =>
  `bool_or(CASE WHEN strpos(${c.r}, ' ') > 0 OR strpos(${c.r}, chr(9)) > 0 OR strpos(${c.r}, chr(10)) > 0 OR strpos(${c.r}, chr(13)) > 0 OR strpos(${c.r}, chr(12)) > 0 THEN regexp_matches(${c.r}, '\\S\\s+\\S') ELSE false END) FILTER (WHERE NOT ${missing(c)})`;

/** Aggregates that refute a candidate type: the count of non-missing cells that are not of it. */
function refutations(type: ColumnType, c: Cell): string[] {
  const not = (test: string) => `count(*) FILTER (WHERE NOT ${missing(c)} AND NOT coalesce(${test}, false))`;
  switch (type) {
    case "boolean":
      return [not(`wb_boolean_text(${c.t})`)];
    case "integer":
      return [not(`wb_integer_text(${c.t})`)];
    case "number":
      return [not(`wb_number_text(${c.t})`)];
    case "datetime":
      return [not(`wb_datetime_ok(${c.t})`)];
    default:
      return [];
  }
}

/** Aggregates of a column's text evidence: distinct values, characters, whether any has a space inside. */
const textEvidence = (c: Cell) => [
  `count(DISTINCT ${c.r}) FILTER (WHERE NOT ${missing(c)})`,
  `coalesce(sum(length(${c.r})) FILTER (WHERE NOT ${missing(c)}), 0)`,
  withSpaceSql(c),
];

/**
 * Column infos of the text table `relation` (columns c0…), whose column names are `names`;
 * `padded[i]`: some cell of column i may have whitespace around it (it is trimmed first then).
 */
export async function inferColumnsSql(
  conn: DuckDBConnection,
  relation: string,
  names: string[],
  rowCount: number,
  padded: readonly boolean[],
): Promise<ColumnInfo[]> {
  const cell = (i: number): Cell => ({ r: rawColumn(i), t: trimmedSql({ padded: padded[i] || undefined }, rawColumn(i)) });
  const head = (await conn.runAndReadAll(`SELECT ${names.map((_, i) => rawColumn(i)).join(", ")} FROM ${relation} LIMIT ${HEAD_ROWS}`)).getRows();
  const inferrer = createTypeInferrer();
  for (const row of head) inferrer.add(names, row as (string | null)[]);
  const headInfo = inferrer.finish(names, head.length);
  // A column the head has no value of gives no candidate: it is checked for every type.
  const candidates = headInfo.map((info) => (info.nullCount === head.length ? null : info.type));

  // One pass: non-missing count, the candidate's refutation (or the text evidence) per column.
  const parts: string[] = [];
  const layout: { at: number; refute: number; text: boolean }[] = [];
  names.forEach((_, i) => {
    const c = cell(i);
    const candidate = candidates[i];
    const refute = candidate === null ? [] : refutations(candidate, c);
    const text = candidate !== null && refute.length === 0;
    layout.push({ at: parts.length, refute: refute.length, text });
    parts.push(`count(*) FILTER (WHERE NOT ${missing(c)})`, ...refute, ...(text ? textEvidence(c) : []));
  });
  const [values] = names.length ? (await conn.runAndReadAll(`SELECT ${parts.join(", ")} FROM ${relation}`)).getRows() : [[]];
  const num = (k: number) => Number(values[k] ?? 0);

  const types: ColumnType[] = [];
  const failing: number[] = [];
  names.forEach((_, i) => {
    const { at, refute, text } = layout[i];
    const nonMissing = num(at);
    const candidate = candidates[i];
    if (nonMissing === 0) types[i] = "category";
    else if (text) types[i] = decideColumnType(textCounts(nonMissing, values, at + 1));
    else if (candidate !== null && num(at + refute) === 0) types[i] = candidate;
    else failing.push(i);
  });

  // Columns whose head misled: every test on every cell.
  if (failing.length) {
    const all: string[] = [];
    for (const i of failing) {
      const c = cell(i);
      all.push(
        `count(*) FILTER (WHERE NOT ${missing(c)})`,
        ...(["boolean", "integer", "number", "datetime"] as const).flatMap((ty) => refutations(ty, c)),
        ...textEvidence(c),
      );
    }
    const [v] = (await conn.runAndReadAll(`SELECT ${all.join(", ")} FROM ${relation}`)).getRows();
    failing.forEach((i, k) => {
      const at = k * 8;
      const n = (j: number) => Number(v[at + j] ?? 0);
      types[i] = decideColumnType({
        ...textCounts(n(0), v, at + 5),
        canBoolean: n(1) === 0,
        canInteger: n(2) === 0,
        canNumber: n(3) === 0,
        canDatetime: n(4) === 0,
      });
    });
  }

  const nonMissingOf = (i: number) => num(layout[i].at);
  return names.map((name, i) => ({
    name,
    type: types[i],
    inferredType: types[i],
    nullCount: rowCount - nonMissingOf(i),
    ...(padded[i] ? { padded: true as const } : {}),
  }));
}

function textCounts(nonMissing: number, values: readonly unknown[], at: number): ColumnEvidenceCounts {
  return {
    nonMissing,
    canBoolean: false,
    canInteger: false,
    canNumber: false,
    canDatetime: false,
    distinct: Number(values[at] ?? 0),
    totalChars: Number(values[at + 1] ?? 0),
    withSpace: values[at + 2] === true ? 1 : 0,
  };
}
