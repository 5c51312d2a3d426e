import type { RunRow } from "@/db/schema";
import { type ColumnBatch, rowsOfBatch } from "@/lib/data/column-batch";
import { getDataset, readColumns } from "@/lib/data/server/datasets";
import type { ColumnInfo, Row } from "@/lib/data/types";
import { DEFAULT_TRAIN_SAMPLE_ROWS } from "../sample-size";

/** The rows a run trains on: every row of its version, or a seeded sample of `sampleRows` (lib/train/sample-size.ts). */
export async function trainingData(
  run: Pick<RunRow, "datasetId" | "sampleRows" | "seed">,
): Promise<{ data: { columns: ColumnInfo[]; rows: Row[]; batch: ColumnBatch }; sample: { rows: number; of: number; seed: number } | null }> {
  const total = getDataset(run.datasetId).rowCount;
  const limit = run.sampleRows ?? DEFAULT_TRAIN_SAMPLE_ROWS;
  const sampled = total > limit;
  const { columns, batch } = await readColumns(run.datasetId, sampled ? { sample: { rows: limit, seed: run.seed } } : {});
  // Rows only for an algorithm that reads them (forecaster, recommender): tabular models train from the columns.
  let rows: Row[] | null = null;
  const data = {
    columns,
    batch,
    get rows() {
      rows ??= rowsOfBatch(batch);
      return rows;
    },
  };
  return { data, sample: sampled ? { rows: batch.length, of: total, seed: run.seed } : null };
}
