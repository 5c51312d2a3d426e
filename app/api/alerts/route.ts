import { listAlerts } from "@/lib/monitor/server/alerts";
import { handle } from "@/lib/identity/server/guard";
import { json, otherMethods } from "@/lib/shared/http";

/** `?state=firing|resolved&endpoint=` → `{items:[{id, ruleId, endpoint, kind, state, value, threshold, firedAt, resolvedAt}]}`, newest first. */
export const GET = handle((req) => {
  const q = new URL(req.url).searchParams;
  return json({ items: listAlerts({ state: q.get("state"), endpoint: q.get("endpoint") }) });
});

export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
