"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { Project } from "./api-types";
import { invalidateProjects, sendJson } from "./queries";

/** Attaches a dataset version to a project (null detaches). */
export function useAttachDataset(projectId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (datasetId: string | null) => sendJson<Project>("PATCH", `/api/projects/${encodeURIComponent(projectId)}`, { datasetId }),
    onSuccess: () => invalidateProjects(qc),
  });
}
