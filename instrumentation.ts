/** Runs once when the server starts: migrate the database, seed the samples, keep deployed models compiled, trigger schedules, evaluate alerts. */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { prepareWorkbench } = await import("./lib/samples/seed");
  await prepareWorkbench();
  // Deployed models are compiled now and whenever one is deployed (by the worker, too), not on a first request.
  const { startPredictorWarmer } = await import("./lib/integrate/server/endpoints");
  startPredictorWarmer();
  // Schedules are triggered here; a run missed while the server was down runs once now.
  const { startScheduler } = await import("./lib/integrate/server/scheduler");
  startScheduler();
  // Alert rules are evaluated here every 30 s; a firing or resolved alert is posted to its webhook.
  const { startAlertEvaluator } = await import("./lib/monitor/server/alerts");
  startAlertEvaluator();
}
