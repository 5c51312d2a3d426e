import { z } from "zod";
import { rotateKey } from "@/lib/integrate/server/endpoints/endpoints";
import { handle } from "@/lib/identity/server/guard";
import { json, otherMethods, readJsonOptional } from "@/lib/shared/http";

/** `{slot?: "primary" | "secondary"}` (default secondary) → 201 with the new key of that slot, shown this once. */
export const POST = handle<{ name: string }>(async (req, { name }) => json(rotateKey(name, await readJsonOptional(req, z.unknown())), { status: 201 }));

export const { GET, PUT, PATCH, DELETE } = otherMethods("POST");
