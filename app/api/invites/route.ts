import { z } from "zod";
import { currentPrincipal } from "@/lib/identity/server/context";
import { handle } from "@/lib/identity/server/guard";
import { createInvite, listInvites } from "@/lib/identity/server/invites";
import { ownOrigin } from "@/lib/identity/server/origin";
import { json, otherMethods, readJson } from "@/lib/shared/http";

export const GET = handle(() => json({ items: listInvites() }));

/** `{role, email?, expiresInDays?}` → 201 with `url`, the invite link (valid once), shown this once. */
export const POST = handle(async (req) =>
  json(createInvite(await readJson(req, z.unknown()), currentPrincipal()!, ownOrigin(req.headers, req.url)), { status: 201 }),
);

export const { PUT, PATCH, DELETE } = otherMethods("GET", "POST");
