import type { Metadata } from "next";
import { connection } from "next/server";
import { listDatasets } from "@/lib/data/server/datasets";
import { DatasetAddPanel } from "@/components/dataset-add-panel";
import { DatasetCatalog } from "@/components/dataset-catalog";

export const metadata: Metadata = { title: "Datasets" };

export default async function DatasetsPage() {
  await connection();
  const items = listDatasets();
  return (
    <div className="grid gap-8 lg:grid-cols-[minmax(0,1fr)_24rem]">
      <section aria-labelledby="datasets-heading">
        <div className="mb-5">
          <h1 id="datasets-heading" className="text-2xl font-semibold tracking-tight">
            Datasets
          </h1>
          <p className="mt-1 text-sm text-slate-600">Every upload and import is kept as a version; projects attach the version they work on.</p>
        </div>
        <DatasetCatalog initialItems={items} />
      </section>
      <aside className="lg:pt-[3.75rem]">
        <DatasetAddPanel />
      </aside>
    </div>
  );
}
