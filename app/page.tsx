import { dehydrate, HydrationBoundary, QueryClient } from "@tanstack/react-query";
import { connection } from "next/server";
import { NewProjectForm } from "@/components/define/new-project-form";
import { ProjectList } from "@/components/define/project-list";
import { projectListQuery } from "@/components/define/queries";
import { EditorSideColumn, ListPage } from "@/components/ui/list-page";
import { cardClass } from "@/components/ui/styles";
import { listProjects } from "@/lib/define/server/projects";
import { withSteps } from "@/lib/steps/state";

export default async function HomePage() {
  await connection();
  const queryClient = new QueryClient();
  queryClient.setQueryData(projectListQuery().queryKey, listProjects().map(withSteps));
  return (
    <ListPage
      id="projects-heading"
      title="Projects"
      intro="Each project walks the loop: define, get data, prepare, train, integrate, monitor — and back to new data."
      side={
        <EditorSideColumn labelledBy="new-project-heading" readOnly="start or change projects">
          <div className={`${cardClass} p-5 lg:sticky lg:top-20`}>
            <h2 id="new-project-heading" className="mb-4 text-base font-semibold">
              New project
            </h2>
            <NewProjectForm />
          </div>
        </EditorSideColumn>
      }
    >
      <HydrationBoundary state={dehydrate(queryClient)}>
        <ProjectList />
      </HydrationBoundary>
    </ListPage>
  );
}
