import type { Metadata } from "next";
import type { ReactNode } from "react";
import Link from "next/link";
import { connection } from "next/server";
import type { Task } from "@/lib/define/tasks";
import { listRecipeVersions } from "@/lib/prepare/server/recipes";
import { listRuns } from "@/lib/train/server/runs";
import { ACTIVATIONS, TABULAR_DEFAULTS, type TabularAlgorithm } from "@/lib/train/tabular";
import type { Run } from "@/components/api-types";
import { buttonClass } from "@/components/button";
import { Notice } from "@/components/notice";
import { StepIntro } from "@/components/step-intro";
import { StepStateBadge } from "@/components/step-state";
import { TrainView } from "@/components/train-view";
import { loadProject } from "../load-project";

export const metadata: Metadata = { title: "Train" };

/** The algorithms this build trains on the server, per task (the API refuses the rest). */
const TRAINABLE: Partial<Record<Task, { name: TabularAlgorithm; label: string }[]>> = {
  regression: [
    { name: "linear", label: "Linear (ridge) regression" },
    { name: "mlp", label: "MLP (neural network)" },
  ],
  classification: [
    { name: "logistic", label: "Logistic regression" },
    { name: "mlp", label: "MLP (neural network)" },
  ],
};

export default async function TrainPage({ params }: { params: Promise<{ id: string }> }) {
  await connection();
  const { id } = await params;
  const project = loadProject(id);
  // The server's Run keeps history, metrics and details loosely typed; the browser type spells out what the worker stores.
  const runs = listRuns(project.id) as unknown as Run[];
  const latestRecipe = listRecipeVersions(project.id)[0] ?? null;
  const algorithms = TRAINABLE[project.task];

  const intro = (
    <StepIntro title="Train" actions={<StepStateBadge state={project.steps.train} />}>
      Train models on the server with the project&apos;s recipe, by trial and error: every run is kept with its learning curve, its metrics and its baseline.
    </StepIntro>
  );

  let blocker: ReactNode = null;
  if (!algorithms) {
    blocker = (
      <Notice tone="info" title={`Training ${project.task} models arrives in a later build`}>
        This build trains regression and classification models (linear, logistic, MLP) on the server. The {project.task === "forecasting" ? "forecaster" : "recommender"} is not
        available on the server yet, so there is nothing to start here for this project.
      </Notice>
    );
  } else if (!latestRecipe) {
    blocker = (
      <div className="rounded-xl border border-dashed border-slate-300 bg-white px-6 py-10 text-center">
        <p className="font-medium">No recipe yet</p>
        <p className="mt-1 text-sm text-slate-500">A run trains on the project&apos;s latest recipe: build and save one in Prepare first.</p>
        <Link href={`/projects/${encodeURIComponent(project.id)}/prepare`} className={`${buttonClass()} mt-4`}>
          Go to Prepare
        </Link>
      </div>
    );
  }

  const form =
    algorithms && latestRecipe
      ? {
          algorithms: algorithms.map((a) => ({ ...a, defaults: { ...TABULAR_DEFAULTS[a.name], hiddenUnits: [...TABULAR_DEFAULTS[a.name].hiddenUnits] } })),
          activations: ACTIVATIONS,
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
        <TrainView
          project={{ id: project.id, task: project.task, successMetric: project.successMetric, successThreshold: project.successThreshold }}
          initialRuns={runs}
          form={form}
        />
      )}
    </div>
  );
}
