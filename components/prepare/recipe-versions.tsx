"use client";

import { useSuspenseQuery } from "@tanstack/react-query";
import type { Recipe } from "@/components/api/types";
import { Button } from "@/components/ui/button";
import { formatDate } from "@/components/ui/format";
import { recipeVersionsQuery } from "./queries";

export interface RecipeVersionsProps {
  /** The page prefetches `recipeVersionsQuery(projectId)`. */
  projectId: string;
  onLoad: (recipe: Recipe) => void;
}

/** Every saved version of the recipe, newest first; any can be loaded back into the builder. */
export function RecipeVersions({ projectId, onLoad }: RecipeVersionsProps) {
  const { data: versions } = useSuspenseQuery(recipeVersionsQuery(projectId));
  if (versions.length === 0) return <p className="text-sm text-slate-500">No version saved yet.</p>;
  return (
    <ol className="divide-y divide-slate-100" aria-label="Recipe versions">
      {versions.map((r) => (
        <li key={r.id} className="flex items-center justify-between gap-3 py-2 text-sm">
          <div className="min-w-0">
            <p className="font-medium">Version {r.version}</p>
            <p className="truncate text-xs text-slate-500">
              {formatDate(r.createdAt)} · {r.spec.steps.length} steps · predicts {r.spec.target}
            </p>
          </div>
          <Button variant="ghost" size="sm" onClick={() => onLoad(r)} aria-label={`Load version ${r.version} into the builder`}>
            Load
          </Button>
        </li>
      ))}
    </ol>
  );
}
