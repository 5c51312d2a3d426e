import { connection } from "next/server";
import { listProjects } from "@/lib/define/server/projects";
import { withSteps } from "@/lib/steps/state";
import { NewProjectForm } from "@/components/new-project-form";
import { PageHeader } from "@/components/page-header";
import { ProjectList } from "@/components/project-list";
import { ReadOnlyNote } from "@/components/read-only-note";
import { cardClass } from "@/components/styles";
import { Can } from "@/components/viewer-context";

export default async function HomePage() {
  await connection();
  const projects = listProjects().map(withSteps);
  return (
    <div className="grid gap-8 lg:grid-cols-[minmax(0,1fr)_22rem]">
      <section aria-labelledby="projects-heading">
        <PageHeader
          id="projects-heading"
          title="Projects"
          intro="Each project walks the loop: define, get data, prepare, train, integrate, monitor — and back to new data."
          className="mb-5"
        />
        <ProjectList initialProjects={projects} />
      </section>
      <Can
        least="editor"
        otherwise={
          <aside className="lg:pt-[3.75rem]">
            <ReadOnlyNote what="start or change projects" />
          </aside>
        }
      >
        <aside aria-labelledby="new-project-heading" className="lg:pt-[3.75rem]">
          <div className={`${cardClass} p-5 lg:sticky lg:top-20`}>
            <h2 id="new-project-heading" className="mb-4 text-base font-semibold">
              New project
            </h2>
            <NewProjectForm />
          </div>
        </aside>
      </Can>
    </div>
  );
}
