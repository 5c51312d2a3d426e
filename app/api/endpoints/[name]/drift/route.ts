import { endpointDrift } from "@/lib/monitor/server/window-drift";
import { handle } from "@/lib/identity/server/guard";
import { json, otherMethods, queryWindow } from "@/lib/shared/http";

/**
 * `?since=&until=` (default the last 24 hours): per input feature and for the predictions,
 * `{name, metric, value, threshold, drifted}` against the model bundle's reference sample, with
 * overlaid histograms, and whether the input as a whole drifted.
 */
export const GET = handle<{ name: string }>(async (req, { name }) => json(await endpointDrift(name, queryWindow(new URL(req.url)))));

export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
