import { retrainEndpoint } from "@/lib/monitor/server/retrain";
import { handle } from "@/lib/identity/server/guard";
import { json, otherMethods, readNoBody } from "@/lib/shared/http";

/** Queues a challenger run (the champion's algorithm and params, the newest data and recipe): 202 `{runId}`. */
export const POST = handle<{ name: string }>(async (req, { name }) => {
  await readNoBody(req);
  return json(await retrainEndpoint(name), { status: 202 });
});

export const { GET, PUT, PATCH, DELETE } = otherMethods("POST");
