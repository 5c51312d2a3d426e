import { z } from "zod";
import { createEndpoint, listEndpoints } from "@/lib/integrate/server/endpoints";
import { handle, json, otherMethods, readJson } from "@/lib/shared/http";

export const GET = handle((req) => json({ items: listEndpoints({ projectId: new URL(req.url).searchParams.get("projectId") ?? undefined }) }));

/** `{name, modelId, mode?, corsOrigins?, rateLimitPerMinute?, maxRows?}` → 201 with the two keys, shown this once. */
export const POST = handle(async (req) => {
  const created = await createEndpoint(await readJson(req, z.unknown()));
  return json({ ...created, url: new URL(created.url, req.url).toString() }, { status: 201 });
});

export const { PUT, PATCH, DELETE } = otherMethods("GET", "POST");
