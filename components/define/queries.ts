/** Projects: the list, one project with its step states. */
import { type QueryClient, queryOptions } from "@tanstack/react-query";
import { enc, fetchJson } from "@/components/api/fetch";
import type { Project } from "@/components/api/types";

export const projectKeys = {
  all: ["projects"] as const,
  list: () => [...projectKeys.all, "list"] as const,
  detail: (id: string) => [...projectKeys.all, "detail", id] as const,
};

export const projectListQuery = () =>
  queryOptions({
    queryKey: projectKeys.list(),
    queryFn: ({ signal }) => fetchJson<{ items: Project[] }>("/api/projects", { signal }).then((r) => r.items),
  });

export const projectQuery = (id: string) =>
  queryOptions({
    queryKey: projectKeys.detail(id),
    queryFn: ({ signal }) => fetchJson<Project>(`/api/projects/${enc(id)}`, { signal }),
  });

/** After a project changes: its list, detail, and what lies under it (recipe, runs, sweeps) all refetch. */
export const invalidateProjects = (qc: QueryClient) => qc.invalidateQueries({ queryKey: projectKeys.all });
