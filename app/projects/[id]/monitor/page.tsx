import type { Metadata } from "next";
import { connection } from "next/server";
import { StepPlaceholder } from "@/components/step-placeholder";
import { loadProject } from "../load-project";

export const metadata: Metadata = { title: "Monitor" };

export default async function MonitorPage({ params }: { params: Promise<{ id: string }> }) {
  await connection();
  const project = loadProject((await params).id);
  return (
    <StepPlaceholder
      step="monitor"
      state={project.steps.monitor}
      note={project.stepNotes.monitor}
      holds={[
        "Traffic, errors and latency (p50, p95, p99) of each endpoint over time.",
        "Drift of every input feature and of the predictions against the model's reference sample.",
        `Accuracy from ground truth that arrives later, against the success criterion${project.criterion ? ` (${project.criterion})` : ""} — and when it slips, back to new data and a retrained model.`,
      ]}
    />
  );
}
