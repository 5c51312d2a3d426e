"use client";

import { useSuspenseQuery } from "@tanstack/react-query";
import { useCan } from "@/components/identity/viewer-context";
import { EmptyState } from "@/components/ui/empty-state";
import { ErrorNotice } from "@/components/ui/error-notice";
import { ProjectCard } from "./project-card";
import { projectListQuery } from "./queries";

/** Every project, as the page prefetched them (`projectListQuery`). */
export function ProjectList() {
  const { data: projects, error } = useSuspenseQuery(projectListQuery());
  const canEdit = useCan("editor");
  if (error) return <ErrorNotice error={error} />;
  if (projects.length === 0) {
    return (
      <EmptyState title="No projects yet">
        <p className="mt-1 text-sm text-slate-500">
          {canEdit ? "Start one with the form: name the problem, pick the task and how success is measured." : "An editor starts projects; they appear here."}
        </p>
      </EmptyState>
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
