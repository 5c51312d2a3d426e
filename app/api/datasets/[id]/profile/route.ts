import { getDataset } from "@/lib/data/server/datasets";
import { getProfile } from "@/lib/prepare/server/profile";
import { handle } from "@/lib/identity/server/guard";
import { json, otherMethods } from "@/lib/shared/http";

export const GET = handle<{ id: string }>(async (_req, { id }) => {
  getDataset(id);
  return json(await getProfile(id));
});

export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
