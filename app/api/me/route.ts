import { currentPrincipal } from "@/lib/identity/server/context";
import { handle } from "@/lib/identity/server/guard";
import { json, otherMethods } from "@/lib/shared/http";

/** Who is calling: `{id, email, name, role, via}`. */
export const GET = handle(() => {
  const p = currentPrincipal()!;
  return json({ id: p.userId, email: p.email, name: p.name, role: p.role, via: p.via });
});

export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
