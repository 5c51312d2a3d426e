import { z } from "zod";
import { handle } from "@/lib/identity/server/guard";
import { acceptInvite } from "@/lib/identity/server/invites";
import { signInCookies } from "@/lib/identity/server/people";
import { json, otherMethods, readJson } from "@/lib/shared/http";

/** `{token, email, name, password}` → 201, the new account with the invite's role, signed in. */
export const POST = handle(async (req) => {
  const body = (await readJson(req, z.record(z.string(), z.unknown()))) as Record<string, unknown>;
  const user = await acceptInvite(body);
  const res = json({ user }, { status: 201 });
  for (const c of await signInCookies(user.email, String(body.password), req.headers)) res.headers.append("set-cookie", c);
  return res;
});

export const { GET, PUT, PATCH, DELETE } = otherMethods("POST");
