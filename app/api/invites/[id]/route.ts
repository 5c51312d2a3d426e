import { handle } from "@/lib/identity/server/guard";
import { revokeInvite } from "@/lib/identity/server/invites";
import { otherMethods } from "@/lib/shared/http";

export const DELETE = handle<{ id: string }>((_req, { id }) => {
  revokeInvite(id);
  return new Response(null, { status: 204 });
});

export const { GET, POST, PUT, PATCH } = otherMethods("DELETE");
