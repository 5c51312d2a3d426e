import type { Metadata } from "next";
import { connection } from "next/server";
import { DefineForm } from "@/components/define/define-form";
import { getDataset } from "@/lib/data/server/datasets";
import { loadProject } from "../load-project";

export const metadata: Metadata = { title: "Define" };

export default async function DefinePage({ params }: { params: Promise<{ id: string }> }) {
  await connection();
  const { id } = await params;
  const project = loadProject(id);
  const dataset = project.datasetId ? getDataset(project.datasetId) : null;
  return <DefineForm initialProject={project} initialDataset={dataset} />;
}
