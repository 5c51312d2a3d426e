"use client";

import { useQuery } from "@tanstack/react-query";
import { projectQuery } from "@/components/api/queries";
import type { Project } from "@/components/api/types";

/** The project, seeded with what the server rendered and kept fresh by mutations' invalidation. */
export function useProject(initialProject: Project): Project {
  const { data } = useQuery({ ...projectQuery(initialProject.id), initialData: initialProject });
  return data;
}
