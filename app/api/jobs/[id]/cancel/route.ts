import { cancelJob } from "@/lib/integrate/server/batch/jobs";
import { handle } from "@/lib/identity/server/guard";
import { json, otherMethods, readNoBody } from "@/lib/shared/http";

export const POST = handle<{ id: string }>(async (req, { id }) => {
  await readNoBody(req);
  return json(cancelJob(id));
});

export const { GET, PUT, PATCH, DELETE } = otherMethods("POST");
