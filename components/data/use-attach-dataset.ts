"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { invalidateProjects, sendJson } from "@/components/api/queries";
import type { Project } from "@/components/api/types";

/** Attaches a dataset version to a project (null detaches). */
export function useAttachDataset(projectId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (datasetId: string | null) => sendJson<Project>("PATCH", `/api/projects/${encodeURIComponent(projectId)}`, { datasetId }),
    onSuccess: () => invalidateProjects(qc),
  });
}
