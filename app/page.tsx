import { connection } from "next/server";
import { listProjects } from "@/lib/define/server/projects";
import { withSteps } from "@/lib/steps/state";
import { NewProjectForm } from "@/components/new-project-form";
import { ListPage, SideColumn } from "@/components/page-header";
import { ProjectList } from "@/components/project-list";
import { ReadOnlyNote } from "@/components/read-only-note";
import { cardClass } from "@/components/styles";
import { Can } from "@/components/viewer-context";

export default async function HomePage() {
  await connection();
  const projects = listProjects().map(withSteps);
  return (
    <ListPage
      id="projects-heading"
      title="Projects"
      intro="Each project walks the loop: define, get data, prepare, train, integrate, monitor — and back to new data."
      side={
        <Can
          least="editor"
          otherwise={
            <SideColumn>
              <ReadOnlyNote what="start or change projects" />
            </SideColumn>
          }
        >
          <SideColumn labelledBy="new-project-heading">
            <div className={`${cardClass} p-5 lg:sticky lg:top-20`}>
              <h2 id="new-project-heading" className="mb-4 text-base font-semibold">
                New project
              </h2>
              <NewProjectForm />
            </div>
          </SideColumn>
        </Can>
      }
    >
      <ProjectList initialProjects={projects} />
    </ListPage>
  );
}
