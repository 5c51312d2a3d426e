import { handle } from "@/lib/identity/server/guard";
import { json, otherMethods } from "@/lib/shared/http";
import { checkHealth } from "@/lib/shared/server/health";

/** V2 readiness: the database answers. */
export const GET = handle(() => {
  checkHealth();
  return json({ ready: true });
});

export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
