import { reportData } from "@/lib/integrate/server/reports/reports";
import { handle } from "@/lib/identity/server/guard";
import { json, otherMethods } from "@/lib/shared/http";

/** `{history:[{series, time, value}], forecast:[{series, time, value}], series:[...], boundary, refreshedAt, jobId}`. */
export const GET = handle<{ id: string }>(async (_req, { id }) => json(await reportData(id)));

export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
