import type { Metadata } from "next";
import { connection } from "next/server";
import { listDatasets } from "@/lib/data/server/datasets";
import { DatasetAddPanel } from "@/components/dataset-add-panel";
import { DatasetCatalog } from "@/components/dataset-catalog";
import { PageHeader } from "@/components/page-header";

export const metadata: Metadata = { title: "Datasets" };

export default async function DatasetsPage() {
  await connection();
  const items = listDatasets();
  return (
    <div className="grid gap-8 lg:grid-cols-[minmax(0,1fr)_24rem]">
      <section aria-labelledby="datasets-heading">
        <PageHeader
          id="datasets-heading"
          title="Datasets"
          intro="Every upload and import is kept as a version; projects attach the version they work on."
          className="mb-5"
        />
        <DatasetCatalog initialItems={items} />
      </section>
      <aside className="lg:pt-[3.75rem]">
        <DatasetAddPanel />
      </aside>
    </div>
  );
}
