import { z } from "zod";
import { createRun, listRuns } from "@/lib/train/server/runs";
import { handle } from "@/lib/identity/server/guard";
import { json, otherMethods, readJson } from "@/lib/shared/http";

type P = { id: string };

export const GET = handle<P>((_req, { id }) => json({ items: listRuns(id) }));

/** `{algorithm, params?}` → 202: the run is queued for the training worker. */
export const POST = handle<P>(async (req, { id }) => {
  const run = createRun(id, await readJson(req, z.unknown()));
  return json({ ...run }, { status: 202, headers: { location: `/api/runs/${run.id}` } });
});

export const { PUT, PATCH, DELETE } = otherMethods("GET", "POST");
