import { dehydrate, HydrationBoundary, QueryClient } from "@tanstack/react-query";
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { connection } from "next/server";
import { EndpointView } from "@/components/integrate/endpoint-view";
import { endpointQuery } from "@/components/integrate/queries";
import { getProject } from "@/lib/define/server/projects";
import { getEndpoint } from "@/lib/integrate/server/endpoints/endpoints";
import { isAppError } from "@/lib/shared/errors";

type Params = { params: Promise<{ name: string }> };

export async function generateMetadata({ params }: Params): Promise<Metadata> {
  return { title: `Endpoint ${(await params).name}` };
}

/** What `read` returns, or null when it finds nothing (any other error propagates). */
function unlessNotFound<T>(read: () => T): T | null {
  try {
    return read();
  } catch (e) {
    if (isAppError(e) && e.code === "NOT_FOUND") return null;
    throw e;
  }
}

export default async function EndpointPage({ params }: Params) {
  await connection();
  const { name } = await params;
  const endpoint = unlessNotFound(() => getEndpoint(name)) ?? notFound();
  // The project the model came from, while it exists (an imported model has none).
  const { projectId } = endpoint;
  const project = projectId ? unlessNotFound(() => getProject(projectId)) : null;
  const queryClient = new QueryClient();
  queryClient.setQueryData(endpointQuery(endpoint.name).queryKey, endpoint);
  return (
    <div className="space-y-6">
      <div>
        {project && (
          <p className="text-sm text-slate-500">
            <Link href={`/projects/${encodeURIComponent(project.id)}/integrate`} className="font-medium text-indigo-700 hover:underline">
              {project.name}
            </Link>{" "}
            · Integrate
          </p>
        )}
        <h1 className="mt-1 text-2xl font-semibold tracking-tight">
          Endpoint <span className="font-mono">{endpoint.name}</span>
        </h1>
      </div>
      <HydrationBoundary state={dehydrate(queryClient)}>
        <EndpointView name={endpoint.name} />
      </HydrationBoundary>
    </div>
  );
}
