import { createJob, listJobs } from "@/lib/integrate/server/batch/jobs";
import { handle } from "@/lib/identity/server/guard";
import { json, otherMethods } from "@/lib/shared/http";
import { fromWebRequest } from "@/lib/shared/server/request";

/** Batch scoring: `{datasetId, errorThreshold?}`, a multipart CSV `file` or a text/csv body; `Authorization: Bearer <key>`; 202 with the job. */
export const POST = handle<{ name: string }>(async (req, { name }) => json(await createJob(fromWebRequest(req), name), { status: 202 }));

export const GET = handle<{ name: string }>((_req, { name }) => json({ items: listJobs({ endpoint: name }) }));

export const { PUT, PATCH, DELETE } = otherMethods("GET", "POST");
