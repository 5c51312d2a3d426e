import { dehydrate, HydrationBoundary, QueryClient } from "@tanstack/react-query";
import type { Metadata } from "next";
import { connection } from "next/server";
import { ProjectDataStep } from "@/components/data/project-data-step";
import { datasetListQuery, datasetQuery } from "@/components/data/queries";
import { getDataset, listDatasets } from "@/lib/data/server/datasets";
import { loadProject } from "../load-project";

export const metadata: Metadata = { title: "Get data" };

export default async function DataPage({ params }: { params: Promise<{ id: string }> }) {
  await connection();
  const { id } = await params;
  const project = loadProject(id);
  const queryClient = new QueryClient();
  // An attached version that no longer exists is left to the client, which says so.
  if (project.datasetId && project.dataset) queryClient.setQueryData(datasetQuery(project.datasetId).queryKey, getDataset(project.datasetId));
  queryClient.setQueryData(datasetListQuery().queryKey, listDatasets());
  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <ProjectDataStep projectId={project.id} />
    </HydrationBoundary>
  );
}
