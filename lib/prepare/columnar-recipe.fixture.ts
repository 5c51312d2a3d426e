import type { ColumnBatch, ColumnData } from "@/lib/data/column-batch";
import type { ColumnInfo, ColumnType } from "@/lib/data/types";
import { mulberry32 } from "@/lib/shared/random";

/**
 * Seeded random column batches for holding the columnar recipe to the row recipe: every type,
 * missing values everywhere, awkward numbers (-0, ±Infinity, values at or below -1 for log),
 * empty texts, a category with more than 100 values (the `__other__` cut, ties at the cut), and
 * datetimes that rows share.
 */

const col = (name: string, type: ColumnType): ColumnInfo => ({ name, type, inferredType: type, nullCount: 0 });

export const RANDOM_COLUMNS: ColumnInfo[] = [
  col("id", "integer"),
  col("n", "number"),
  col("i", "integer"),
  col("b", "boolean"),
  col("c", "category"),
  col("many", "category"),
  col("d", "datetime"),
  col("t", "text"),
  col("g", "category"),
  col("k", "integer"),
  col("y", "number"),
  col("label", "category"),
];

const DAY_MS = 86_400_000;
const START_DAY = Date.UTC(2023, 0, 1) / DAY_MS;
/** Categories of `c` in training; `unseen` batches add some never seen. */
const COLORS = ["red", "blue", "green", "grey", "teal"];
const NEW_COLORS = ["purple", "pink"];
/** Distinct values of `many`, drawn with a skew so counts tie around the 100th. */
const MANY_VALUES = 130;

export interface RandomBatchOptions {
  /** Times a year later, so lags continue the training history. */
  later?: boolean;
  /** Categories training never saw. */
  unseen?: boolean;
}

/** A batch of `length` rows, the same for the same seed; `id` numbers the rows from `firstId`. */
export function randomBatch(seed: number, length: number, opts: RandomBatchOptions = {}, firstId = 0): ColumnBatch {
  const random = mulberry32(seed);
  const chance = (p: number) => random() < p;
  const pick = <T>(values: readonly T[]) => values[Math.floor(random() * values.length)];
  const numbers = (type: "number" | "integer" | "boolean" | "datetime", f: (row: number) => number): ColumnData => ({
    type,
    values: Float64Array.from({ length }, (_, row) => f(row)),
  });
  const texts = (type: "category" | "text", f: () => string | null): ColumnData => ({ type, values: Array.from({ length }, f) });
  const shift = opts.later ? 365 : 0;
  const columns = new Map<string, ColumnData>([
    ["id", numbers("integer", (row) => firstId + row)],
    [
      "n",
      numbers("number", () => {
        if (chance(0.12)) return Number.NaN;
        if (chance(0.02)) return pick([Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 1e39]);
        return Math.round((random() * 200 - 20) * 1000) / 1000;
      }),
    ],
    ["i", numbers("integer", () => (chance(0.15) ? Number.NaN : Math.floor(random() * 7) - 2))],
    ["b", numbers("boolean", () => (chance(0.15) ? Number.NaN : chance(0.6) ? 1 : 0))],
    ["c", texts("category", () => (chance(0.1) ? null : opts.unseen && chance(0.2) ? pick(NEW_COLORS) : COLORS[Math.floor(random() ** 2 * COLORS.length)]))],
    [
      "many",
      texts("category", () => {
        if (chance(0.1)) return null;
        if (opts.unseen && chance(0.15)) return `m${MANY_VALUES + Math.floor(random() * 20)}`;
        if (chance(0.01)) return "__other__";
        return `m${Math.floor(random() ** 2 * MANY_VALUES)}`;
      }),
    ],
    // Over two years (a few in the last days of 1969, before the epoch), at three times of day,
    // the last a millisecond before midnight: rows share times (ties to order) and days.
    [
      "d",
      numbers("datetime", () => {
        if (chance(0.1)) return Number.NaN;
        const day = chance(0.04) ? -1 - Math.floor(random() * 4) : START_DAY + shift + Math.floor(random() * 730);
        return day * DAY_MS + pick([0, DAY_MS / 2, DAY_MS - 1]);
      }),
    ],
    ["t", texts("text", () => (chance(0.2) ? null : chance(0.05) ? "" : `note ${Math.floor(random() * 40)}`))],
    ["g", texts("category", () => (chance(0.05) ? null : pick(["A", "B", "C"])))],
    ["k", numbers("integer", () => (chance(0.05) ? Number.NaN : shift + Math.floor(random() * 200)))],
    ["y", numbers("number", () => (chance(0.1) ? Number.NaN : Math.round(random() * 1000) / 10))],
    ["label", texts("category", () => (chance(0.05) ? null : pick(["yes", "no", "maybe"])))],
  ]);
  return { length, columns };
}
