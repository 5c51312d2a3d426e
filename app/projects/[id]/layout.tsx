import { dehydrate, HydrationBoundary, QueryClient } from "@tanstack/react-query";
import { connection } from "next/server";
import type { ReactNode } from "react";
import { ProjectHeader } from "@/components/define/project-header";
import { ProjectStepNav } from "@/components/define/project-step-nav";
import { projectQuery } from "@/components/define/queries";
import { loadProject } from "./load-project";

export default async function ProjectLayout({ children, params }: { children: ReactNode; params: Promise<{ id: string }> }) {
  await connection();
  const { id } = await params;
  const project = loadProject(id);
  const queryClient = new QueryClient();
  queryClient.setQueryData(projectQuery(project.id).queryKey, project);
  // The pages below read the project too (useProject): the boundary holds them.
  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <div className="space-y-6">
        <ProjectHeader projectId={project.id} />
        <ProjectStepNav projectId={project.id} />
        <div>{children}</div>
      </div>
    </HydrationBoundary>
  );
}
