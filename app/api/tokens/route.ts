import { z } from "zod";
import { currentPrincipal } from "@/lib/identity/server/context";
import { handle } from "@/lib/identity/server/guard";
import { createToken, listTokens } from "@/lib/identity/server/tokens";
import { json, otherMethods, readJson } from "@/lib/shared/http";

/** The caller's personal API tokens (`?all=1`: everyone's, for administrators). */
export const GET = handle((req) => json({ items: listTokens(currentPrincipal()!, new URL(req.url).searchParams.get("all") === "1") }));

/** `{name, role?, expiresInDays?}` → 201 `{id, token, …}`: the token is shown this once. */
export const POST = handle(async (req) => json(createToken(await readJson(req, z.unknown()), currentPrincipal()!), { status: 201 }));

export const { PUT, PATCH, DELETE } = otherMethods("GET", "POST");
