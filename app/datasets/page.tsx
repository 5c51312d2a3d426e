import type { Metadata } from "next";
import { connection } from "next/server";
import { listDatasets } from "@/lib/data/server/datasets";
import { DatasetAddPanel } from "@/components/dataset-add-panel";
import { DatasetCatalog } from "@/components/dataset-catalog";
import { ListPage, SideColumn } from "@/components/list-page";

export const metadata: Metadata = { title: "Datasets" };

export default async function DatasetsPage() {
  await connection();
  const items = listDatasets();
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
      <DatasetCatalog initialItems={items} />
    </ListPage>
  );
}
