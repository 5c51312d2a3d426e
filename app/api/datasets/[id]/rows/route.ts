import { getRows, MAX_ROWS_PAGE } from "@/lib/data/server/datasets";
import { handle } from "@/lib/identity/server/guard";
import { json, queryInt, otherMethods } from "@/lib/shared/http";

export const GET = handle<{ id: string }>(async (req, { id }) => {
  const url = new URL(req.url);
  const offset = queryInt(url, "offset", 0, 0, Number.MAX_SAFE_INTEGER);
  const limit = queryInt(url, "limit", 50, 1, MAX_ROWS_PAGE);
  return json(await getRows(id, offset, limit));
});

export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
