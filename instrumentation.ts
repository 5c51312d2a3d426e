/** Runs once when the server starts: migrate the database and seed the samples, loudly. */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { prepareWorkbench } = await import("./lib/samples/seed");
  await prepareWorkbench();
}
