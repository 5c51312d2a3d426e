import { listRecipeVersions } from "@/lib/prepare/server/recipes";
import { handle } from "@/lib/identity/server/guard";
import { json, otherMethods } from "@/lib/shared/http";

export const GET = handle<{ id: string }>((_req, { id }) => json({ items: listRecipeVersions(id) }));

export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
