import type { Metadata } from "next";
import { connection } from "next/server";
import { StepPlaceholder } from "@/components/step-placeholder";
import { loadProject } from "../load-project";

export const metadata: Metadata = { title: "Train" };

export default async function TrainPage({ params }: { params: Promise<{ id: string }> }) {
  await connection();
  const project = loadProject((await params).id);
  return (
    <StepPlaceholder
      step="train"
      state={project.steps.train}
      note={project.stepNotes.train}
      holds={[
        "Runs: an algorithm (linear, logistic, MLP, forecaster, recommender) and its hyperparameters, trained on the server with the project's recipe.",
        "Each run's progress and loss curves, its validation and test metrics next to a baseline and the success criterion.",
        "A comparison of runs, and saving the best one as an immutable model version you can download.",
      ]}
    />
  );
}
