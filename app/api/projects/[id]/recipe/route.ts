import { z } from "zod";
import { getLatestRecipe, saveRecipe } from "@/lib/prepare/server/recipes";
import { handle } from "@/lib/identity/server/guard";
import { json, readJson, otherMethods } from "@/lib/shared/http";

type P = { id: string };

export const GET = handle<P>((_req, { id }) => json(getLatestRecipe(id)));

export const PUT = handle<P>(async (req, { id }) => json(await saveRecipe(id, await readJson(req, z.unknown())), { status: 201 }));

export const { POST, PATCH, DELETE } = otherMethods("GET", "PUT");
