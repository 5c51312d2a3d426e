import { z } from "zod";
import { listModels, registerModel } from "@/lib/train/server/models";
import { handle } from "@/lib/identity/server/guard";
import { json, otherMethods, readJson } from "@/lib/shared/http";

export const GET = handle((req) => {
  const q = new URL(req.url).searchParams;
  return json({ items: listModels({ name: q.get("name") ?? undefined, projectId: q.get("projectId") ?? undefined }) });
});

/** `{runId, name?}` → 201: the run becomes the next version of that model name. */
export const POST = handle(async (req) => json(registerModel(await readJson(req, z.unknown())), { status: 201 }));

export const { PUT, PATCH, DELETE } = otherMethods("GET", "POST");
