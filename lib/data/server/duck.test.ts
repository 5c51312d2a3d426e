import { describe, expect, it } from "vitest";
import { coerceCell, createTypeInferrer, parseDatetimeMs } from "../infer";
import type { ColumnType } from "../types";
import { listValue } from "@duckdb/node-api";
import { duckRows } from "./duck";
import { castSql } from "./store";

/** Every string of up to `n` characters over `alphabet`. */
function strings(alphabet: string, n: number): string[] {
  let level = [""];
  const out: string[] = [];
  for (let k = 0; k < n; k++) {
    level = level.flatMap((s) => [...alphabet].map((c) => s + c));
    out.push(...level);
  }
  return out;
}

const TRICKY = [
  "",
  " ",
  "NA",
  " na ",
  "N/A",
  "nan",
  "NaN",
  "null",
  "None",
  "none ",
  "nil",
  "\u00a0NA\u00a0",
  "\tnull",
  "1",
  "0",
  "-0",
  "+5",
  " 7 ",
  "007",
  "1.5",
  "1.",
  ".5",
  "1e5",
  "1E-3",
  "1.e5",
  "+-1",
  "1_000",
  "0x10",
  "0b1",
  "Infinity",
  "inf",
  "1e400",
  "1e-400",
  "9007199254740991",
  "9007199254740992",
  "-9007199254740993",
  "3.0",
  "3.5",
  "12345678901234567890",
  "true",
  "TRUE",
  "False",
  " yes",
  "No",
  "y",
  "t",
  "1 ",
  " 0",
  "2024-01-08",
  "2024/01/08",
  "2024-01/08",
  "2024-02-29",
  "2023-02-29",
  "2024-13-01",
  "2024-04-31",
  "0099-01-01",
  "2024-01-08T10:20",
  "2024-01-08 10:20:30",
  "2024-01-08t10:20:30.123456789",
  "2024-01-08T10:20:30.5Z",
  "2024-01-08T10:20:30z",
  "2024-01-08T10:20:30+05:30",
  "2024-01-08T10:20:30 -0530",
  "2024-01-08T10:20:30+24:00",
  "2024-01-08T24:00",
  "2024-01-08T23:60",
  "2024-01-08T10:20:61",
  "2024-1-8",
  "24-01-08",
  "abc",
  "a b",
  "é",
  "x,y",
  '"q"',
];

const CELLS = [...TRICKY, ...strings("01.e+- ", 3), ...strings("0aT:", 2)];

describe("the SQL casts of stored text", () => {
  for (const type of ["number", "integer", "boolean", "datetime", "category", "text"] as const) {
    for (const padded of [false, true]) {
      for (const checked of [false, true]) {
        it(`read a ${type} column (${padded ? "padded" : "no cell padded"}, ${checked ? "inferred so: every cell checked" : "overridden"}) as coerceCell does`, async () => {
          // A column's cells meet what its flags say: no whitespace around them unless padded; of its type (or missing) when inferred so.
          const cells = CELLS.filter((cell) => {
            if (!padded && cell !== cell.trim()) return false;
            if (!checked) return true;
            const inferrer = createTypeInferrer();
            inferrer.add(["c"], [cell]);
            const [info] = inferrer.finish(["c"], 1);
            return info.nullCount === 1 || info.type === type || (type === "number" && info.type === "integer");
          });
          const column = { type, inferredType: checked ? type : ("text" as const), ...(padded ? { padded: true as const } : {}) };
          const rows = await duckRows(`SELECT s, ${castSql(column, "s")} FROM unnest($1::VARCHAR[]) AS t(s)`, [listValue(cells)]);
          const got = new Map(rows.map(([s, v]) => [s as string, v]));
          expect(got.size).toBe(new Set(cells).size);
          for (const cell of cells) {
            const want = coerceCell(cell, type as ColumnType);
            const sql = got.get(cell) ?? null;
            const asRow = sql === null ? null : type === "datetime" ? new Date(sql as number).toISOString() : type === "boolean" ? sql === 1 : sql;
            expect({ cell, value: asRow }).toEqual({ cell, value: want });
          }
        });
      }
    }
  }

  it("the inference's datetime test accepts exactly what parseDatetimeMs accepts", async () => {
    const rows = await duckRows(`SELECT s, wb_datetime_ok(wb_trim(s)) FROM unnest($1::VARCHAR[]) AS t(s)`, [listValue(CELLS)]);
    for (const [s, ok] of rows) expect({ s, ok }).toEqual({ s, ok: parseDatetimeMs((s as string).trim()) !== null });
  });

  it("a query of one cast column plans no join: the other columns' casts are left out", async () => {
    const casts = "wb_number(a) AS n, wb_text(b, b) AS s, wb_boolean(b) AS f, wb_datetime(b) AS d, wb_integer(b) AS i";
    const [[, plan]] = await duckRows(`EXPLAIN SELECT count(n) FROM (SELECT ${casts} FROM (VALUES ('1', 'x')) AS v(a, b))`);
    expect(plan).not.toMatch(/JOIN/);
  });

  it("the inference tests agree with the JavaScript inferrer's patterns", async () => {
    const rows = await duckRows(
      `SELECT s, wb_missing(wb_trim(s)), wb_boolean_text(wb_trim(s)), wb_integer_text(wb_trim(s)), wb_number_text(wb_trim(s)) FROM unnest($1::VARCHAR[]) AS t(s)`,
      [listValue(CELLS)],
    );
    for (const [s, missing, bool, int, num] of rows) {
      const inferrer = createTypeInferrer();
      inferrer.add(["c"], [s as string]);
      const [info] = inferrer.finish(["c"], 1);
      if (missing) expect({ s, nullCount: info.nullCount }).toEqual({ s, nullCount: 1 });
      else {
        const want = bool ? "boolean" : int ? "integer" : num ? "number" : null;
        if (want) expect({ s, type: info.type }).toEqual({ s, type: want });
        else expect({ s, ok: !["boolean", "integer", "number"].includes(info.type) }).toEqual({ s, ok: true });
      }
    }
  });
});
