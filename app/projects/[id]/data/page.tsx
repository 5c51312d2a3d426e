import type { Metadata } from "next";
import { connection } from "next/server";
import { ProjectDataStep } from "@/components/data/project-data-step";
import { getDataset, listDatasets } from "@/lib/data/server/datasets";
import { loadProject } from "../load-project";

export const metadata: Metadata = { title: "Get data" };

export default async function DataPage({ params }: { params: Promise<{ id: string }> }) {
  await connection();
  const { id } = await params;
  const project = loadProject(id);
  const dataset = project.datasetId && project.dataset ? getDataset(project.datasetId) : null;
  return <ProjectDataStep initialProject={project} initialDataset={dataset} initialVersions={listDatasets()} />;
}
