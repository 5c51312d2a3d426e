import { z } from "zod";
import { createEndpoint, listEndpoints } from "@/lib/integrate/server/endpoints/endpoints";
import { handle } from "@/lib/identity/server/guard";
import { json, otherMethods, readJson } from "@/lib/shared/http";

export const GET = handle((req) => json({ items: listEndpoints({ projectId: new URL(req.url).searchParams.get("projectId") ?? undefined }) }));

/**
 * The origin the client called: under `next start`, `req.url` names the server's own hostname
 * (localhost), which a client on another machine cannot reach; the Host header names this one.
 */
function clientOrigin(req: Request): string {
  const url = new URL(req.url);
  const first = (name: string) => req.headers.get(name)?.split(",")[0].trim() || null;
  const host = first("x-forwarded-host") ?? first("host");
  return host ? `${first("x-forwarded-proto") ?? url.protocol.slice(0, -1)}://${host}` : url.origin;
}

/** `{name, modelId, mode?, corsOrigins?, rateLimitPerMinute?, maxRows?}` → 201 with the two keys, shown this once. */
export const POST = handle(async (req) => {
  const created = await createEndpoint(await readJson(req, z.unknown()));
  return json({ ...created, url: new URL(created.url, clientOrigin(req)).toString() }, { status: 201 });
});

export const { PUT, PATCH, DELETE } = otherMethods("GET", "POST");
