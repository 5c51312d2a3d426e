import { dehydrate, HydrationBoundary, QueryClient } from "@tanstack/react-query";
import type { Metadata } from "next";
import Link from "next/link";
import { connection } from "next/server";
import { StepIntro } from "@/components/define/step-intro";
import { ProfileView } from "@/components/prepare/profile-view";
import { recipeQuery, recipeVersionsQuery } from "@/components/prepare/queries";
import { RecipeBuilder } from "@/components/prepare/recipe-builder";
import { buttonClass } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { sectionTitleClass } from "@/components/ui/styles";
import { getDataset } from "@/lib/data/server/datasets";
import { listRecipeVersions } from "@/lib/prepare/server/recipes";
import { loadProject } from "../load-project";

export const metadata: Metadata = { title: "Prepare" };

export default async function PreparePage({ params }: { params: Promise<{ id: string }> }) {
  await connection();
  const { id } = await params;
  const project = loadProject(id);
  const dataset = project.datasetId && project.dataset ? getDataset(project.datasetId) : null;

  if (!dataset) {
    return (
      <div>
        <StepIntro title="Prepare">Explore the data, then build the recipe that cleans and transforms it.</StepIntro>
        <EmptyState title="No data attached yet">
          <p className="mt-1 text-sm text-slate-500">Preparing starts from a dataset version: upload or attach one first.</p>
          <Link href={`/projects/${encodeURIComponent(project.id)}/data`} className={`${buttonClass()} mt-4`}>
            Go to Get data
          </Link>
        </EmptyState>
      </div>
    );
  }

  const versions = listRecipeVersions(project.id);
  const queryClient = new QueryClient();
  queryClient.setQueryData(recipeQuery(project.id).queryKey, versions[0] ?? null);
  queryClient.setQueryData(recipeVersionsQuery(project.id).queryKey, versions);
  return (
    <div className="space-y-8">
      <StepIntro title="Prepare">
        Explore {dataset.name} v{dataset.version}, then build the recipe: the steps that turn its rows into model features. The recipe is fitted on the training
        split only and travels with the model.
      </StepIntro>
      <section aria-labelledby="profile-heading">
        <h3 id="profile-heading" className={`${sectionTitleClass} mb-3`}>
          Profile of {dataset.name} v{dataset.version}
        </h3>
        <ProfileView datasetId={dataset.id} />
      </section>
      <section aria-labelledby="recipe-heading">
        <h3 id="recipe-heading" className={`${sectionTitleClass} mb-3`}>
          Recipe
        </h3>
        <HydrationBoundary state={dehydrate(queryClient)}>
          <RecipeBuilder key={dataset.id} project={project} dataset={dataset} />
        </HydrationBoundary>
      </section>
    </div>
  );
}
