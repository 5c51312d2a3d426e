import { dehydrate, HydrationBoundary, QueryClient } from "@tanstack/react-query";
import type { Metadata } from "next";
import Link from "next/link";
import { connection } from "next/server";
import { StepIntro } from "@/components/define/step-intro";
import { StepStateBadge } from "@/components/define/step-state";
import { EndpointDeployPanel } from "@/components/integrate/endpoint-deploy-panel";
import { endpointListQuery } from "@/components/integrate/queries";
import { modelListQuery } from "@/components/train/queries";
import { buttonClass } from "@/components/ui/button";
import { listEndpoints } from "@/lib/integrate/server/endpoints/endpoints";
import { listModels } from "@/lib/train/server/models";
import { loadProject } from "../load-project";

export const metadata: Metadata = { title: "Integrate" };

export default async function IntegratePage({ params }: { params: Promise<{ id: string }> }) {
  await connection();
  const project = loadProject((await params).id);
  const models = listModels({ projectId: project.id });
  const endpoints = listEndpoints({ projectId: project.id });
  const queryClient = new QueryClient();
  queryClient.setQueryData(modelListQuery({ projectId: project.id }).queryKey, models);
  queryClient.setQueryData(endpointListQuery({ projectId: project.id }).queryKey, endpoints);
  return (
    <section aria-labelledby="integrate-step-heading">
      <StepIntro id="integrate-step-heading" title="Integrate" actions={<StepStateBadge state={project.steps.integrate} />}>
        Deploy a registered model version to an endpoint with its own URL and two keys; switch versions or split traffic later without the URL changing.
      </StepIntro>
      {models.length === 0 && endpoints.length === 0 ? (
        <div className="rounded-xl border border-dashed border-slate-300 bg-white px-6 py-10 text-center">
          <p className="font-medium">No registered model yet</p>
          <p className="mt-1 text-sm text-slate-500">
            An endpoint serves a registered model version: train a model and register a succeeded run in Train first.
          </p>
          <Link href={`/projects/${encodeURIComponent(project.id)}/train`} className={`${buttonClass()} mt-4`}>
            Go to Train
          </Link>
        </div>
      ) : (
        <HydrationBoundary state={dehydrate(queryClient)}>
          <EndpointDeployPanel project={{ id: project.id, name: project.name, delivery: project.delivery }} />
        </HydrationBoundary>
      )}
    </section>
  );
}
