import { dehydrate, HydrationBoundary, QueryClient } from "@tanstack/react-query";
import type { Metadata } from "next";
import { connection } from "next/server";
import { ModelImportForm } from "@/components/train/model-import-form";
import { ModelRegistry } from "@/components/train/model-registry";
import { modelListQuery } from "@/components/train/queries";
import { EditorSideColumn, ListPage } from "@/components/ui/list-page";
import { cardClass, sectionTitleClass } from "@/components/ui/styles";
import { listProjects } from "@/lib/define/server/projects";
import { listModels } from "@/lib/train/server/models";

export const metadata: Metadata = { title: "Models" };

export default async function ModelsPage() {
  await connection();
  const queryClient = new QueryClient();
  queryClient.setQueryData(modelListQuery().queryKey, listModels());
  const projectNames = Object.fromEntries(listProjects().map((p) => [p.id, p.name]));
  return (
    <ListPage
      id="models-heading"
      title="Models"
      intro="Every registered model is kept as a numbered version of its name, with the manifest it was trained under; download a version as a bundle that tfjs loads anywhere."
      side={
        <EditorSideColumn labelledBy="import-heading" readOnly="import, register or download models">
          <div className={`${cardClass} p-5`}>
            <h2 id="import-heading" className={`${sectionTitleClass} mb-3`}>
              Import a bundle
            </h2>
            <ModelImportForm />
          </div>
        </EditorSideColumn>
      }
    >
      <HydrationBoundary state={dehydrate(queryClient)}>
        <ModelRegistry projectNames={projectNames} />
      </HydrationBoundary>
    </ListPage>
  );
}
