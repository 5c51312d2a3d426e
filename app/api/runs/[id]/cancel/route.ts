import { cancelRun } from "@/lib/train/server/runs";
import { handle } from "@/lib/identity/server/guard";
import { json, otherMethods, readNoBody } from "@/lib/shared/http";

export const POST = handle<{ id: string }>(async (req, { id }) => {
  await readNoBody(req);
  return json(cancelRun(id));
});

export const { GET, PUT, PATCH, DELETE } = otherMethods("POST");
