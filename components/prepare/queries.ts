/** A project's recipe: the latest saved, its versions, a preview of a draft. */
import { queryOptions } from "@tanstack/react-query";
import { ApiError, enc, fetchJson, sendJson } from "@/components/api/fetch";
import type { Recipe, RecipePreview, RecipeSpec } from "@/components/api/types";
import { projectKeys } from "@/components/define/queries";

/** Under the project, so a change to the project (a new dataset attached) refreshes them. */
export const recipeKeys = {
  all: (projectId: string) => [...projectKeys.detail(projectId), "recipe"] as const,
  /** The latest saved recipe. */
  detail: (projectId: string) => [...recipeKeys.all(projectId), "latest"] as const,
  versions: (projectId: string) => [...recipeKeys.all(projectId), "versions"] as const,
  preview: (projectId: string, spec: RecipeSpec) => [...recipeKeys.all(projectId), "preview", spec] as const,
};

/** The latest saved recipe, or null when the project has none yet (the API answers 404). */
export const recipeQuery = (projectId: string) =>
  queryOptions({
    queryKey: recipeKeys.detail(projectId),
    queryFn: async ({ signal }) => {
      try {
        return await fetchJson<Recipe>(`/api/projects/${enc(projectId)}/recipe`, { signal });
      } catch (e) {
        if (e instanceof ApiError && e.status === 404) return null;
        throw e;
      }
    },
  });

export const recipeVersionsQuery = (projectId: string) =>
  queryOptions({
    queryKey: recipeKeys.versions(projectId),
    queryFn: ({ signal }) => fetchJson<{ items: Recipe[] }>(`/api/projects/${enc(projectId)}/recipe/versions`, { signal }).then((r) => r.items),
  });

export const recipePreviewQuery = (projectId: string, spec: RecipeSpec, limit = 20) =>
  queryOptions({
    queryKey: recipeKeys.preview(projectId, spec),
    queryFn: ({ signal }) => sendJson<RecipePreview>("POST", `/api/projects/${enc(projectId)}/recipe/preview`, { ...spec, limit }, signal),
    retry: false,
    staleTime: 60_000,
  });
