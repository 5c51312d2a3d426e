import { getDb } from "@/db/client";
import { handle } from "@/lib/identity/server/guard";
import { json, otherMethods } from "@/lib/shared/http";

/** V2 readiness: the database answers. */
export const GET = handle(() => {
  getDb().$client.prepare("select 1").get();
  return json({ ready: true });
});

export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
