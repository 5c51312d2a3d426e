import { z } from "zod";
import { refreshReport } from "@/lib/integrate/server/reports/reports";
import { handle } from "@/lib/identity/server/guard";
import { json, otherMethods, readJsonOptional } from "@/lib/shared/http";

/** Re-runs the batch scoring (optionally over `{datasetId}`): 202 with the job; the report shows its output once it succeeds. */
export const POST = handle<{ id: string }>(async (req, { id }) => json(await refreshReport(id, await readJsonOptional(req, z.unknown())), { status: 202 }));

export const { GET, PUT, PATCH, DELETE } = otherMethods("POST");
