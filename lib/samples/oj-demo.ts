import { eq } from "drizzle-orm";
import { getDb } from "@/db/client";
import { endpoints, runs } from "@/db/schema";
import { findProjectBySampleKey } from "@/lib/define/server/projects";
import { registerModel } from "@/lib/train/server/models";
import { createRun } from "@/lib/train/server/runs";
import { demoState, samplesSeeded, untilSeeded } from "./demo-state";
import { createEndpoint } from "../integrate/server/endpoints/endpoints";
import { createReport } from "../integrate/server/reports/reports";
import { createSchedule, runScheduleNow } from "../integrate/server/schedules/schedules";

/**
 * The batch scenario works out of the box: on first start the worker trains the orange-juice
 * sample's forecaster, registers it, deploys it to a batch endpoint, schedules it weekly over the
 * weeks to forecast with a report beside the sales history, and runs the first job at once, so
 * the report has its forecast minutes after the first start. What was done is kept in the data
 * folder, so it happens once.
 */
export const OJ_ENDPOINT = "oj-weekly";
export const OJ_REPORT_NAME = "Orange juice weekly forecast";
const OJ_SAMPLE_KEY = "oj-sales";
const OJ_HISTORY = "Orange juice sales (9 series)";
const OJ_FUTURE = "Orange juice weeks to forecast";
/** Mondays at 06:00, London time. */
const OJ_CRON = "0 6 * * 1";
const OJ_TIMEZONE = "Europe/London";

interface OjState {
  runId?: string;
  modelId?: string;
  endpoint?: string;
  reportId?: string;
  scheduleId?: string;
  /** The first job, queued right after the deploy. */
  jobId?: string;
  error?: string;
}

const ojState = demoState<OjState>("oj-demo.json");
export const readOjState = (): OjState => ojState.read();
const writeOjState = (state: OjState) => ojState.write(state);

const endpointExists = () => Boolean(getDb().select({ n: endpoints.name }).from(endpoints).where(eq(endpoints.name, OJ_ENDPOINT)).get());
const runStatus = (id: string) => getDb().select({ status: runs.status }).from(runs).where(eq(runs.id, id)).get()?.status;

/** Queues the forecaster's run unless it is queued, done, or the sample project is gone. */
function queueOnce(): "queued" | "done" | "wait" {
  const state = readOjState();
  if (state.endpoint || endpointExists()) return "done";
  if (state.runId) {
    const status = runStatus(state.runId);
    // A run a dead worker left behind was marked failed: train again; a finished one deploys below.
    if (status === "queued" || status === "running") return "done";
    if (status === "succeeded") return "done";
  }
  const project = findProjectBySampleKey(OJ_SAMPLE_KEY);
  if (!project) return samplesSeeded() ? "done" : "wait";
  const run = createRun(project.id, { algorithm: "forecaster" });
  writeOjState({ runId: run.id });
  console.log(`[worker] queued ${run.id}: the orange-juice weekly forecaster`);
  return "queued";
}

/**
 * At worker start: queue the forecaster's run once. The web server seeds the samples as it starts,
 * beside the worker, so this waits (in the background) until the sample project is there.
 */
export function queueOjModel(): void {
  untilSeeded("queueing the orange-juice forecaster", async () => {
    const state = readOjState();
    if (state.runId && !state.jobId && runStatus(state.runId) === "succeeded") {
      await deployOjModel(state.runId);
      return "done";
    }
    return queueOnce() === "wait" ? "wait" : "done";
  });
}

/**
 * After a run: when it is the forecaster's and it succeeded, register it, deploy it to a batch
 * endpoint, add the report and the weekly schedule, and queue the first job (the worker runs it
 * next). Each step is recorded, so a failure part-way never repeats the steps before it.
 */
export async function deployOjModel(runId: string): Promise<void> {
  let state = readOjState();
  if (state.runId !== runId || state.jobId) return;
  const save = (more: Partial<OjState>) => writeOjState((state = { ...state, ...more }));
  if (runStatus(runId) !== "succeeded") {
    save({ error: `the forecaster did not train: ${runStatus(runId) ?? "run missing"}` });
    return;
  }
  try {
    if (!state.modelId) save({ modelId: registerModel({ runId, name: "Orange juice weekly forecaster" }).id });
    if (!state.endpoint) {
      if (!endpointExists()) await createEndpoint({ name: OJ_ENDPOINT, modelId: state.modelId, mode: "batch" });
      save({ endpoint: OJ_ENDPOINT });
    }
    if (!state.reportId) {
      const report = createReport({
        name: OJ_REPORT_NAME,
        endpoint: OJ_ENDPOINT,
        historyDataset: OJ_HISTORY,
        timeColumn: "WeekStarting",
        valueColumn: "Quantity",
        seriesColumns: ["Store", "Brand"],
      });
      save({ reportId: report.id });
    }
    if (!state.scheduleId) {
      const schedule = createSchedule({
        name: "Weekly orange-juice forecast",
        endpoint: OJ_ENDPOINT,
        dataset: OJ_FUTURE,
        cron: OJ_CRON,
        timezone: OJ_TIMEZONE,
        reportId: state.reportId,
      });
      save({ scheduleId: schedule.id });
    }
    const job = await runScheduleNow(state.scheduleId!);
    save({ jobId: job.id, error: undefined });
    console.log(`[worker] deployed the orange-juice forecaster to "${OJ_ENDPOINT}" (batch), scheduled weekly; first job ${job.id}`);
  } catch (e) {
    console.error("[worker] setting up the orange-juice forecast failed", e);
    save({ error: `setting up the orange-juice forecast failed: ${(e as Error).message}` });
  }
}
