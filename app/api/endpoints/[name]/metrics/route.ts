import { endpointTraffic } from "@/lib/monitor/server/traffic";
import { handle } from "@/lib/identity/server/guard";
import { json, otherMethods, queryWindow } from "@/lib/shared/http";

/** `?since=&until=` (ISO or epoch ms; default the last hour) → requests, errors, latency percentiles and a series. */
export const GET = handle<{ name: string }>(async (req, { name }) => json(await endpointTraffic(name, queryWindow(new URL(req.url)))));

export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
