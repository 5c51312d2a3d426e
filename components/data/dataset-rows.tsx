"use client";

import { useQuery } from "@tanstack/react-query";
import { datasetQuery } from "@/components/api/queries";
import type { DatasetDetail } from "@/components/api/types";
import { RowsTable } from "./rows-table";

export interface DatasetRowsProps {
  initialDataset: DatasetDetail;
}

/** The rows table with the column types currently in force. */
export function DatasetRows({ initialDataset }: DatasetRowsProps) {
  const { data: dataset } = useQuery({ ...datasetQuery(initialDataset.id), initialData: initialDataset });
  return <RowsTable datasetId={dataset.id} columns={dataset.columns} caption={`Rows of ${dataset.name} v${dataset.version}`} />;
}
