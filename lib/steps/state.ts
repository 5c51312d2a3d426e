import { dataStepState } from "@/lib/data/server/step-state";
import { defineStepState, type ProjectRecord } from "@/lib/define/server/projects";
import { STEPS, type StepKey, type StepReport, type StepState } from "@/lib/define/tasks";
import { integrateStepState } from "@/lib/integrate/server/step-state";
import { monitorStepState } from "@/lib/monitor/server/step-state";
import { prepareStepState } from "@/lib/prepare/server/step-state";
import { trainStepState } from "@/lib/train/server/step-state";

/** A project as the app answers for it: its record and where it stands in each of the six steps. */
export interface Project extends ProjectRecord {
  /** `deploy` is step 5's name before it was called integrate: the same state, kept for API clients that read it. */
  steps: Record<StepKey, StepState> & { deploy: StepState };
  /** Where a step needs attention, or what is left to do in it. */
  stepNotes: Partial<Record<StepKey, string>>;
}

/** Each step answers for its own state, from its own tables: the one list of them, so define reads no later step's. */
export const STEP_STATES: Record<StepKey, (p: ProjectRecord) => StepReport> = {
  define: defineStepState,
  data: dataStepState,
  prepare: prepareStepState,
  train: trainStepState,
  integrate: integrateStepState,
  monitor: monitorStepState,
};

/** A project record with each step's state and notes, as the API and the pages show it. */
export function withSteps(record: ProjectRecord): Project {
  const steps = {} as Record<StepKey, StepState>;
  const stepNotes: Partial<Record<StepKey, string>> = {};
  for (const { key } of STEPS) {
    const report = STEP_STATES[key](record);
    steps[key] = report.state;
    if (report.note) stepNotes[key] = report.note;
  }
  // The steps before the timestamps, where the answer has always had them.
  const { createdAt, updatedAt, ...rest } = record;
  return { ...rest, steps: { ...steps, deploy: steps.integrate }, stepNotes, createdAt, updatedAt };
}
