import { z } from "zod";
import { promoteToEndpoint } from "@/lib/monitor/server/retrain";
import { handle } from "@/lib/identity/server/guard";
import { json, otherMethods, readJson } from "@/lib/shared/http";

/** `{runId}` or `{modelId}` → the endpoint, now serving that version (a run is registered first). */
export const POST = handle<{ name: string }>(async (req, { name }) => json(await promoteToEndpoint(name, await readJson(req, z.unknown()))));

export const { GET, PUT, PATCH, DELETE } = otherMethods("POST");
