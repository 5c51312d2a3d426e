import { getRows, MAX_ROWS_PAGE } from "@/lib/data/server/datasets";
import { readRowsQueryParams } from "@/lib/data/server/rows-query";
import { handle } from "@/lib/identity/server/guard";
import { json, queryInt, otherMethods } from "@/lib/shared/http";

/** `?offset=&limit=&sort=<column>&order=asc|desc&filter=[{"column","op","value"}]` (README, "REST API"). */
export const GET = handle<{ id: string }>(async (req, { id }) => {
  const url = new URL(req.url);
  const offset = queryInt(url, "offset", 0, 0, Number.MAX_SAFE_INTEGER);
  const limit = queryInt(url, "limit", 50, 1, MAX_ROWS_PAGE);
  return json(await getRows(id, offset, limit, readRowsQueryParams(url.searchParams)));
});

export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
