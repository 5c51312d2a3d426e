import type { Metadata } from "next";
import { connection } from "next/server";
import { StepPlaceholder } from "@/components/step-placeholder";
import { loadProject } from "../load-project";

export const metadata: Metadata = { title: "Integrate" };

export default async function DeployPage({ params }: { params: Promise<{ id: string }> }) {
  await connection();
  const project = loadProject((await params).id);
  return (
    <StepPlaceholder
      step="deploy"
      state={project.steps.deploy}
      note={project.stepNotes.deploy}
      holds={[
        `Endpoints serving a model version${project.delivery === "realtime" ? " in real time" : " for batch scoring"}, with their keys and URLs.`,
        "Batch jobs scoring a dataset or file with visible progress, and schedules that score the newest data on a cron.",
        "Reports that draw the latest forecast next to the history.",
      ]}
    />
  );
}
