import { v2ModelMetadata } from "@/lib/integrate/server/serving/v2";
import { handle } from "@/lib/identity/server/guard";
import { json, otherMethods } from "@/lib/shared/http";

/** V2 model readiness: 200 once the endpoint's model version is compiled and in memory (404 for no such endpoint). */
export const GET = handle<{ name: string }>(async (_req, { name }) => {
  await v2ModelMetadata(name);
  return json({ name, ready: true });
});

export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
