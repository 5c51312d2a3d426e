"use client";

import { useQuery } from "@tanstack/react-query";
import type { Project } from "./api-types";
import { projectQuery } from "./queries";

/** The project, seeded with what the server rendered and kept fresh by mutations' invalidation. */
export function useProject(initialProject: Project): Project {
  const { data } = useQuery({ ...projectQuery(initialProject.id), initialData: initialProject });
  return data;
}
