import { endpointQuality } from "@/lib/monitor/server/window-drift";
import { handle } from "@/lib/identity/server/guard";
import { json, otherMethods, queryWindow } from "@/lib/shared/http";

/** `?since=&until=`: null, type-error and out-of-range rates per input column, ranges from the reference sample. */
export const GET = handle<{ name: string }>(async (req, { name }) => json(await endpointQuality(name, queryWindow(new URL(req.url)))));

export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
