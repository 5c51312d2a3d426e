import { z } from "zod";
import { deleteEndpoint, getEndpoint, updateEndpoint } from "@/lib/integrate/server/endpoints/endpoints";
import { handle } from "@/lib/identity/server/guard";
import { json, otherMethods, readJson } from "@/lib/shared/http";

export const GET = handle<{ name: string }>((_req, { name }) => json(getEndpoint(name)));

/** `{modelId?, split?: {modelId, percent} | null, corsOrigins?, rateLimitPerMinute?, maxRows?}`: switches atomically. */
export const PATCH = handle<{ name: string }>(async (req, { name }) => json(await updateEndpoint(name, await readJson(req, z.unknown()))));

export const DELETE = handle<{ name: string }>((_req, { name }) => {
  deleteEndpoint(name);
  return new Response(null, { status: 204 });
});

export const { POST, PUT } = otherMethods("GET", "PATCH", "DELETE");
