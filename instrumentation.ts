/** Runs once when the server starts: migrate the database, remove what a crash left, seed the samples, prepare the first administrator, keep deployed models compiled, trigger schedules, evaluate alerts. */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  // The first administrator: from WORKBENCH_ADMIN_EMAIL/PASSWORD, or a one-time set-up link (printed by scripts/server.ts after the address).
  const { prepareIdentity, setupLink } = await import("./lib/identity/server/setup");
  await prepareIdentity();
  if (process.env.WORKBENCH_FRONT !== "1") {
    const link = setupLink(`http://localhost:${process.env.PORT ?? 3000}`);
    if (link) console.log(`▲ set up the first administrator: ${link}`);
  }
  // What a crash left half-made goes before any request comes in (lib/integrate/server/recover.ts).
  const { recoverAfterCrash } = await import("./lib/integrate/server/recover");
  await recoverAfterCrash();
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
