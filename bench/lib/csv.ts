import fs from "node:fs";
import { parse } from "csv-parse/sync";
import { coerceRow, createTypeInferrer } from "@/lib/data/infer";
import type { ColumnInfo, Row } from "@/lib/data/types";

/**
 * Reads a CSV file into typed rows, with the workbench's own type inference and coercion (the
 * same column types an upload would get). Shared by the bench/eval scripts.
 */
export function readCsv(file: string): { rows: Row[]; columns: ColumnInfo[] } {
  const records = parse(fs.readFileSync(file, "utf8"), { skip_empty_lines: true, relax_column_count: true }) as string[][];
  const [header, ...body] = records;
  const inferrer = createTypeInferrer();
  for (const raw of body) inferrer.add(header, raw);
  const columns = inferrer.finish(header, body.length);
  return { rows: body.map((raw) => coerceRow(columns, raw)), columns };
}
