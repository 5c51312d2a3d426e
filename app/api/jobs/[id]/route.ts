import { getJob } from "@/lib/integrate/server/batch/jobs";
import { handle } from "@/lib/identity/server/guard";
import { json, otherMethods } from "@/lib/shared/http";

/** `{status, rowsTotal, rowsDone, rowsFailed, rate, etaSeconds, outputTable, outputUrl, error}`. */
export const GET = handle<{ id: string }>((_req, { id }) => json(getJob(id)));

export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
