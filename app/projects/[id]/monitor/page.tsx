import type { Metadata } from "next";
import Link from "next/link";
import { connection } from "next/server";
import { StepIntro } from "@/components/define/step-intro";
import { StepStateBadge } from "@/components/define/step-state";
import { MonitorView } from "@/components/monitor/monitor-view";
import { buttonClass } from "@/components/ui/button";
import { listEndpoints } from "@/lib/integrate/server/endpoints/endpoints";
import { loadProject } from "../load-project";

export const metadata: Metadata = { title: "Monitor" };

export default async function MonitorPage({ params }: { params: Promise<{ id: string }> }) {
  await connection();
  const project = loadProject((await params).id);
  const endpoints = listEndpoints({ projectId: project.id }).map((e) => ({ name: e.name, mode: e.mode, model: e.model }));
  return (
    <section aria-labelledby="monitor-step-heading">
      <StepIntro id="monitor-step-heading" title="Monitor" actions={<StepStateBadge state={project.steps.monitor} />}>
        Watch each endpoint&apos;s traffic, the drift of its inputs and predictions against the model&apos;s reference sample, and the quality of the data it is
        sent.
      </StepIntro>
      {endpoints.length === 0 ? (
        <div className="rounded-xl border border-dashed border-slate-300 bg-white px-6 py-10 text-center">
          <p className="font-medium">No endpoint yet</p>
          <p className="mt-1 text-sm text-slate-500">
            Monitoring watches a deployed model: deploy a registered model version to an endpoint in Integrate first.
          </p>
          <Link href={`/projects/${encodeURIComponent(project.id)}/integrate`} className={`${buttonClass()} mt-4`}>
            Go to Integrate
          </Link>
        </div>
      ) : (
        <MonitorView endpoints={endpoints} />
      )}
    </section>
  );
}
