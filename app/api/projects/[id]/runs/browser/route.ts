import { saveBrowserRun } from "@/lib/train/server/browser-runs";
import { handle } from "@/lib/identity/server/guard";
import { json, otherMethods } from "@/lib/shared/http";

type P = { id: string };

/** Multipart `meta` + the model's artifacts → 201: a run trained in the browser, stored as finished. */
export const POST = handle<P>(async (req, { id }) => {
  const run = await saveBrowserRun(id, req);
  return json(run, { status: 201, headers: { location: `/api/runs/${run.id}` } });
});

export const { GET, PUT, PATCH, DELETE } = otherMethods("POST");
