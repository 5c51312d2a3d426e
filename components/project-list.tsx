"use client";

import { useQuery } from "@tanstack/react-query";
import type { Project } from "./api-types";
import { ErrorNotice } from "./error-notice";
import { ProjectCard } from "./project-card";
import { projectListQuery } from "./queries";

export interface ProjectListProps {
  initialProjects: Project[];
}

export function ProjectList({ initialProjects }: ProjectListProps) {
  const { data: projects = [], error } = useQuery({ ...projectListQuery(), initialData: initialProjects });
  if (error) return <ErrorNotice error={error} />;
  if (projects.length === 0) {
    return (
      <div className="rounded-xl border border-dashed border-slate-300 bg-white px-6 py-12 text-center">
        <p className="font-medium text-slate-800">No projects yet</p>
        <p className="mt-1 text-sm text-slate-500">Start one with the form: name the problem, pick the task and how success is measured.</p>
      </div>
    );
  }
  return (
    <ul className="space-y-4" aria-label="Projects">
      {projects.map((p) => (
        <li key={p.id}>
          <ProjectCard project={p} />
        </li>
      ))}
    </ul>
  );
}
