import { z } from "zod";
import { previewRecipe } from "@/lib/prepare/server/recipes";
import { handle } from "@/lib/identity/server/guard";
import { json, readJsonOptional, otherMethods } from "@/lib/shared/http";

export const POST = handle<{ id: string }>(async (req, { id }) => json(await previewRecipe(id, await readJsonOptional(req, z.unknown()))));

export const { GET, PUT, PATCH, DELETE } = otherMethods("POST");
