"use client";

import { useSuspenseQuery } from "@tanstack/react-query";
import type { Project } from "@/components/api/types";
import { projectQuery } from "./queries";

/** The project, as the page prefetched it (`projectQuery`) and kept fresh by mutations' invalidation. */
export function useProject(id: string): Project {
  return useSuspenseQuery(projectQuery(id)).data;
}
