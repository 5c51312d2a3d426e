import { listRecipeVersions } from "@/lib/prepare/server/recipes";
import { handle, json } from "@/lib/shared/http";

export const GET = handle<{ id: string }>((_req, { id }) => json({ items: listRecipeVersions(id) }));
