import { dehydrate, HydrationBoundary, QueryClient } from "@tanstack/react-query";
import type { Metadata } from "next";
import Link from "next/link";
import { connection } from "next/server";
import type { ReactNode } from "react";
import { StepIntro } from "@/components/define/step-intro";
import { StepStateBadge } from "@/components/define/step-state";
import { Can } from "@/components/identity/viewer-context";
import { projectRunsQuery } from "@/components/train/queries";
import type { TrainAlgorithmOption } from "@/components/train/train-run-form";
import { TrainView } from "@/components/train/train-view";
import { buttonClass } from "@/components/ui/button";
import type { Task } from "@/lib/define/tasks";
import { listRecipeVersions } from "@/lib/prepare/server/recipes";
import { AppError } from "@/lib/shared/errors";
import { algorithmsFor } from "@/lib/train/algorithms/registry";
import { ACTIVATIONS } from "@/lib/train/algorithms/tabular/params";
import type { RunContext } from "@/lib/train/run-context";
import { resolveRunParams } from "@/lib/train/run-params";
import { listRuns, runContext } from "@/lib/train/server/runs";
import { sweepTrialCap } from "@/lib/train/server/sweeps";
import { loadProject } from "../load-project";

export const metadata: Metadata = { title: "Train" };

/** Each algorithm of the task with the params the server would train it with here, so the form shows real defaults. */
function algorithmOptions(task: Task, ctx: RunContext | null, contextError: string | null): TrainAlgorithmOption[] {
  return algorithmsFor(task).map(({ id, label }) => {
    const a = { name: id, label };
    if (!ctx) return { ...a, defaults: {}, defaultsError: contextError ?? undefined };
    try {
      return { ...a, defaults: resolveRunParams(a.name, {}, ctx) };
    } catch (e) {
      if (!(e instanceof AppError)) throw e;
      return { ...a, defaults: {}, defaultsError: e.message };
    }
  });
}

export default async function TrainPage({ params }: { params: Promise<{ id: string }> }) {
  await connection();
  const { id } = await params;
  const project = loadProject(id);
  const runs = listRuns(project.id);
  const queryClient = new QueryClient();
  queryClient.setQueryData(projectRunsQuery(project.id).queryKey, runs);
  const latestRecipe = listRecipeVersions(project.id)[0] ?? null;
  let ctx: RunContext | null = null;
  let contextError: string | null = null;
  if (latestRecipe) {
    try {
      ctx = runContext(latestRecipe.datasetId, latestRecipe.spec);
    } catch (e) {
      if (!(e instanceof AppError)) throw e;
      contextError = e.message;
    }
  }

  const intro = (
    <StepIntro title="Train" actions={<StepStateBadge state={project.steps.train} />}>
      Train models on the server with the project&apos;s recipe, by trial and error: every run is kept with its learning curve, its metrics and its baseline.
    </StepIntro>
  );

  let blocker: ReactNode = null;
  if (!latestRecipe) {
    blocker = (
      <div className="rounded-xl border border-dashed border-slate-300 bg-white px-6 py-10 text-center">
        <p className="font-medium">No recipe yet</p>
        <p className="mt-1 text-sm text-slate-500">A run trains on the project&apos;s latest recipe: build and save one in Prepare first.</p>
        <Can least="editor">
          <Link href={`/projects/${encodeURIComponent(project.id)}/prepare`} className={`${buttonClass()} mt-4`}>
            Go to Prepare
          </Link>
        </Can>
      </div>
    );
  }

  const form = latestRecipe
    ? {
        algorithms: algorithmOptions(project.task, ctx, contextError),
        columns: ctx?.columns.map((c) => c.name) ?? [],
        activations: ACTIVATIONS,
        // A person is looking: their caps on queued runs bound a sweep too.
        maxSweepTrials: sweepTrialCap(true).cap,
      }
    : null;

  return (
    <div>
      {intro}
      {latestRecipe && form && (
        <p className="-mt-2 mb-5 text-sm text-slate-500">
          Runs use recipe v{latestRecipe.version} (predicts <span className="font-medium text-slate-700">{latestRecipe.spec.target}</span>, split{" "}
          {latestRecipe.spec.split.method}, {Math.round(latestRecipe.spec.split.validation * 100)}% validation
          {latestRecipe.spec.split.test ? `, ${Math.round(latestRecipe.spec.split.test * 100)}% test` : ""}).
        </p>
      )}
      {blocker && <div className="mb-8">{blocker}</div>}
      {(form || runs.length > 0) && (
        <HydrationBoundary state={dehydrate(queryClient)}>
          <TrainView
            project={{ id: project.id, task: project.task, successMetric: project.successMetric, successThreshold: project.successThreshold }}
            form={form}
          />
        </HydrationBoundary>
      )}
    </div>
  );
}
