import { z } from "zod";
import { currentPrincipal } from "@/lib/identity/server/context";
import { handle } from "@/lib/identity/server/guard";
import { updatePerson } from "@/lib/identity/server/people";
import { json, otherMethods, readJson } from "@/lib/shared/http";

/** `{role?, disabled?, name?}`: disabling ends the person's sessions and tokens at once. */
export const PATCH = handle<{ id: string }>(async (req, { id }) => json(updatePerson(id, await readJson(req, z.unknown()), currentPrincipal()!)));

export const { GET, POST, PUT, DELETE } = otherMethods("PATCH");
