import { dehydrate, HydrationBoundary, QueryClient } from "@tanstack/react-query";
import type { Metadata } from "next";
import { connection } from "next/server";
import { DatasetAddPanel } from "@/components/data/dataset-add-panel";
import { DatasetCatalog } from "@/components/data/dataset-catalog";
import { datasetListQuery } from "@/components/data/queries";
import { ListPage, SideColumn } from "@/components/ui/list-page";
import { listDatasets } from "@/lib/data/server/datasets";

export const metadata: Metadata = { title: "Datasets" };

export default async function DatasetsPage() {
  await connection();
  const queryClient = new QueryClient();
  queryClient.setQueryData(datasetListQuery().queryKey, listDatasets());
  return (
    <ListPage
      id="datasets-heading"
      title="Datasets"
      intro="Every upload and import is kept as a version; projects attach the version they work on."
      wideSide
      side={
        <SideColumn>
          <DatasetAddPanel />
        </SideColumn>
      }
    >
      <HydrationBoundary state={dehydrate(queryClient)}>
        <DatasetCatalog />
      </HydrationBoundary>
    </ListPage>
  );
}
