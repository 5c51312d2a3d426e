import { type ColumnBatch, timeOfCell } from "@/lib/data/column-batch";
import type { Row } from "@/lib/data/types";
import { toTimestamp } from "@/lib/shared/cells";
import { shuffledIndices } from "@/lib/shared/random";
import type { SplitSpec } from "./recipe-schema";

/**
 * Train / validation / test splits. Pure and isomorphic: the recipe builder previews the
 * split sizes in the browser with the same code the server fits with.
 */

export const DEFAULT_SPLIT_SEED = 42;

export interface SplitIndices {
  train: number[];
  validation: number[];
  test: number[];
}

/**
 * How many rows go to validation and test: rounded fractions, at least one row for each
 * requested part once there are 3 rows, and never all rows (train keeps at least one).
 */
export function splitSizes(n: number, validation: number, test: number): { train: number; validation: number; test: number } {
  let nValidation = Math.round(n * validation);
  let nTest = Math.round(n * test);
  if (n >= 3) {
    if (validation > 0) nValidation = Math.max(1, nValidation);
    if (test > 0) nTest = Math.max(1, nTest);
  }
  // Trim the larger held-out part first (test on a tie: validation is what early stopping needs).
  while (n > 0 && nValidation + nTest > n - 1) {
    if (nTest >= nValidation) nTest--;
    else nValidation--;
  }
  return { train: n - nValidation - nTest, validation: nValidation, test: nTest };
}

/** A row's time in a column (null when it has none), what a time split orders rows by. */
type TimeOf = (row: number, column: string) => number | null;

/** Splits row indices into train / validation / test; each part lists its indices in ascending order. */
export function splitIndices(rows: Row[], split: SplitSpec): SplitIndices {
  return splitIndicesOf(rows.length, split, (i, column) => toTimestamp(rows[i][column]));
}

/** splitIndices of a column batch: the same parts as for its rows. */
export function splitBatchIndices(batch: ColumnBatch, split: SplitSpec): SplitIndices {
  return splitIndicesOf(batch.length, split, (i, name) => {
    const column = batch.columns.get(name);
    return column ? timeOfCell(column, i) : null;
  });
}

/** Splits the indices of `n` rows, reading only what the split needs: for a time split, each row's time. */
function splitIndicesOf(n: number, split: SplitSpec, timeOf: TimeOf): SplitIndices {
  return split.method === "time" ? splitByTime(n, split, timeOf) : splitRandomly(n, split);
}

function splitRandomly(n: number, split: SplitSpec): SplitIndices {
  const sizes = splitSizes(n, split.validation, split.test ?? 0);
  const order = shuffledIndices(n, split.seed ?? DEFAULT_SPLIT_SEED);
  const test = order.slice(0, sizes.test);
  const validation = order.slice(sizes.test, sizes.test + sizes.validation);
  const train = order.slice(sizes.test + sizes.validation);
  return { train: sortAscending(train), validation: sortAscending(validation), test: sortAscending(test) };
}

/**
 * The latest rows are the test part and the ones before them validation, so a model is
 * judged on the future it has not seen. Cuts only fall between different timestamps:
 * rows sharing a timestamp (e.g. every series on one date) always land in the same part.
 * Rows without a time come first and so stay in train.
 */
function splitByTime(n: number, split: SplitSpec, timeOf: TimeOf): SplitIndices {
  const timeColumn = split.timeColumn;
  if (!timeColumn) throw new Error("a time split needs timeColumn");
  const times = Array.from({ length: n }, (_, i) => timeOf(i, timeColumn) ?? Number.NEGATIVE_INFINITY);
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => times[a] - times[b] || a - b);
  const boundaries = timeBoundaries(order.map((i) => times[i]));
  const sizes = splitSizes(n, split.validation, split.test ?? 0);

  const testCut = sizes.test > 0 ? (nearestBoundary(boundaries, n - sizes.test, 1, n - 1) ?? n) : n;
  const validationCut = sizes.validation > 0 ? (nearestBoundary(boundaries, testCut - sizes.validation, 1, testCut - 1) ?? testCut) : testCut;
  return {
    train: sortAscending(order.slice(0, validationCut)),
    validation: sortAscending(order.slice(validationCut, testCut)),
    test: sortAscending(order.slice(testCut)),
  };
}

/** Positions in a sorted list where the timestamp changes: the only places a cut may fall. */
function timeBoundaries(sortedTimes: number[]): number[] {
  const cuts: number[] = [];
  for (let i = 1; i < sortedTimes.length; i++) if (sortedTimes[i] !== sortedTimes[i - 1]) cuts.push(i);
  return cuts;
}

/** The boundary within [lo, hi] closest to target; on a tie the later one, which keeps more rows in train. */
function nearestBoundary(boundaries: number[], target: number, lo: number, hi: number): number | null {
  let best: number | null = null;
  for (const b of boundaries) {
    if (b < lo || b > hi) continue;
    if (best === null || Math.abs(b - target) < Math.abs(best - target) || (Math.abs(b - target) === Math.abs(best - target) && b > best)) best = b;
  }
  return best;
}

function sortAscending(indices: number[]): number[] {
  return indices.sort((a, b) => a - b);
}
