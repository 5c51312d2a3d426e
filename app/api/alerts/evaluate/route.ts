import { evaluateAlerts } from "@/lib/monitor/server/alerts";
import { handle } from "@/lib/identity/server/guard";
import { json, otherMethods, readNoBody } from "@/lib/shared/http";

/** Evaluates every rule now (the server also does every 30 s): `{evaluated, fired, resolved}`. */
export const POST = handle(async (req) => {
  await readNoBody(req);
  return json(await evaluateAlerts());
});

export const { GET, PUT, PATCH, DELETE } = otherMethods("POST");
