"use client";

import { useSuspenseQuery } from "@tanstack/react-query";
import { datasetQuery } from "./queries";
import { RowsTable } from "./rows-table";

export interface DatasetRowsProps {
  /** The page prefetches `datasetQuery(datasetId)`. */
  datasetId: string;
}

/** The rows table with the column types currently in force. */
export function DatasetRows({ datasetId }: DatasetRowsProps) {
  const { data: dataset } = useSuspenseQuery(datasetQuery(datasetId));
  return <RowsTable datasetId={dataset.id} columns={dataset.columns} caption={`Rows of ${dataset.name} v${dataset.version}`} />;
}
