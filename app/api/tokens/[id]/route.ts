import { currentPrincipal } from "@/lib/identity/server/context";
import { handle } from "@/lib/identity/server/guard";
import { deleteToken } from "@/lib/identity/server/tokens";
import { otherMethods } from "@/lib/shared/http";

/** Deletes a token: it stops working at once. */
export const DELETE = handle<{ id: string }>((_req, { id }) => {
  deleteToken(id, currentPrincipal()!);
  return new Response(null, { status: 204 });
});

export const { GET, POST, PUT, PATCH } = otherMethods("DELETE");
