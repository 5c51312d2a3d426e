import { deleteAlertRule } from "@/lib/monitor/server/alerts";
import { handle } from "@/lib/identity/server/guard";
import { otherMethods } from "@/lib/shared/http";

export const DELETE = handle<{ id: string }>((_req, { id }) => {
  deleteAlertRule(id);
  return new Response(null, { status: 204 });
});

export const { GET, POST, PUT, PATCH } = otherMethods("DELETE");
