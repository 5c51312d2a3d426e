import { dehydrate, HydrationBoundary, QueryClient } from "@tanstack/react-query";
import type { Metadata } from "next";
import { connection } from "next/server";
import { datasetQuery } from "@/components/data/queries";
import { DefineForm } from "@/components/define/define-form";
import { getDataset } from "@/lib/data/server/datasets";
import { loadProject } from "../load-project";

export const metadata: Metadata = { title: "Define" };

export default async function DefinePage({ params }: { params: Promise<{ id: string }> }) {
  await connection();
  const { id } = await params;
  const project = loadProject(id);
  const queryClient = new QueryClient();
  if (project.datasetId) queryClient.setQueryData(datasetQuery(project.datasetId).queryKey, getDataset(project.datasetId));
  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <DefineForm projectId={project.id} />
    </HydrationBoundary>
  );
}
