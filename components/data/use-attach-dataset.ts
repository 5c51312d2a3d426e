"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { sendJson } from "@/components/api/fetch";
import type { Project } from "@/components/api/types";
import { invalidateProjects } from "@/components/define/queries";

/** Attaches a dataset version to a project (null detaches). */
export function useAttachDataset(projectId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (datasetId: string | null) => sendJson<Project>("PATCH", `/api/projects/${encodeURIComponent(projectId)}`, { datasetId }),
    onSuccess: () => invalidateProjects(qc),
  });
}
