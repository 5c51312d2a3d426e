import { jobErrors } from "@/lib/integrate/server/batch/jobs";
import { handle } from "@/lib/identity/server/guard";
import { json, otherMethods, queryInt } from "@/lib/shared/http";

/** The rows a job could not score, with why (the first `limit`, default 1000). */
export const GET = handle<{ id: string }>((req, { id }) => json({ items: jobErrors(id, queryInt(new URL(req.url), "limit", 1000, 1, 100_000)) }));

export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
