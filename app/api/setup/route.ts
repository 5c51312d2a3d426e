import { handle } from "@/lib/identity/server/guard";
import { signInCookies } from "@/lib/identity/server/people";
import { completeSetup } from "@/lib/identity/server/setup";
import { json, otherMethods, readJson } from "@/lib/shared/http";
import { z } from "zod";

/** `{token, email, name, password}` with the printed set-up token → 201, the first administrator, signed in. */
export const POST = handle(async (req) => {
  const body = (await readJson(req, z.record(z.string(), z.unknown()))) as Record<string, unknown>;
  const user = await completeSetup(body);
  const res = json({ user }, { status: 201 });
  for (const c of await signInCookies(user.email, String(body.password), req.headers)) res.headers.append("set-cookie", c);
  return res;
});

export const { GET, PUT, PATCH, DELETE } = otherMethods("POST");
