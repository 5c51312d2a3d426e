import { connection } from "next/server";
import type { ReactNode } from "react";
import { ProjectHeader } from "@/components/define/project-header";
import { ProjectStepNav } from "@/components/define/project-step-nav";
import { loadProject } from "./load-project";

export default async function ProjectLayout({ children, params }: { children: ReactNode; params: Promise<{ id: string }> }) {
  await connection();
  const { id } = await params;
  const project = loadProject(id);
  return (
    <div className="space-y-6">
      <ProjectHeader initialProject={project} />
      <ProjectStepNav initialProject={project} />
      <div>{children}</div>
    </div>
  );
}
