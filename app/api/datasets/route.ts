import { listDatasets } from "@/lib/data/server/datasets";
import { createDatasetFromRequest } from "@/lib/data/server/upload";
import { handle } from "@/lib/identity/server/guard";
import { json, otherMethods } from "@/lib/shared/http";

export const GET = handle((req) => json({ items: listDatasets({ name: new URL(req.url).searchParams.get("name") ?? undefined }) }));

export const POST = handle(async (req) => json(await createDatasetFromRequest(req), { status: 201 }));

export const { PUT, PATCH, DELETE } = otherMethods("GET", "POST");
