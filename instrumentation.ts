/** Runs once when the server starts (a standby web server: when it takes over): migrate the database, remove what a crash left, move dataset rows into files, seed the samples, prepare the first administrator, keep deployed models compiled, trigger schedules, evaluate alerts. */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  // The first administrator: from WORKBENCH_ADMIN_EMAIL/PASSWORD, or a one-time set-up link (printed by scripts/server.ts after the address).
  const { prepareIdentity, setupLink } = await import("./lib/identity/server/setup");
  await prepareIdentity();
  if (process.env.WORKBENCH_FRONT !== "1") {
    const link = setupLink(`http://localhost:${process.env.PORT ?? 3000}`);
    if (link) console.log(`▲ set up the first administrator: ${link}`);
  }
  // Deployed models are compiled now and whenever one is deployed (by the worker, too), not on a
  // first request; a standby web server (scripts/server.ts) keeps them compiled too.
  const { startPredictorWarmer } = await import("./lib/integrate/server/serving/runtime");
  startPredictorWarmer();
  // The monitoring reads' threads, started with their modules loaded (a standby's too): a first read waits for neither.
  const { warmMonitorReads } = await import("./lib/monitor/server/read-modules");
  warmMonitorReads();
  // And their stores of busy endpoints kept near the log's end (lib/monitor/server/warm.ts).
  const { startMonitorWarmer } = await import("./lib/monitor/server/warm");
  startMonitorWarmer();
  const serve = async () => {
    const servingSince = Date.now();
    // What a crash left half-made goes first (lib/integrate/server/recover.ts): before any request
    // comes in at a start; beside the first requests when a standby takes over (they are newer).
    const { recoverAfterCrash } = await import("./lib/integrate/server/recover");
    await recoverAfterCrash(servingSince);
    // Dataset versions an older workbench stored as database rows become Parquet files, once, by
    // the serving web server alone (as the clean-up): before requests read them, at a start.
    const { migrateRowVersions } = await import("./lib/data/server/migrate-rows");
    await migrateRowVersions();
    const { prepareWorkbench } = await import("./lib/samples/seed");
    await prepareWorkbench();
    // Schedules are triggered here; a run missed while the server was down runs once now.
    const { startScheduler } = await import("./lib/integrate/server/schedules/scheduler");
    startScheduler();
    // Alert rules are evaluated here every 30 s; a firing or resolved alert is posted to its webhook.
    const { startAlertEvaluator } = await import("./lib/monitor/server/alerts");
    startAlertEvaluator();
  };
  // A standby runs these only when it takes over from the server that died: until then that one
  // serves, and its uploads in flight are not a crash's leftovers.
  if (process.env.WORKBENCH_STANDBY === "1") (globalThis as { __workbenchTakeOver?: () => Promise<void> }).__workbenchTakeOver = serve;
  else await serve();
}
