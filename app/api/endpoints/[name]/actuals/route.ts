import { submitActuals } from "@/lib/monitor/server/actuals";
import { handle } from "@/lib/identity/server/guard";
import { json, otherMethods } from "@/lib/shared/http";

/**
 * `{items:[{requestId, row?, actual}]}` (real time), `{items:[{keys:{column: value}, actual}]}`
 * (batch output), or a `text/csv` body of key columns plus `actual` → `{matched, unmatched:[{index, reason}]}`.
 */
export const POST = handle<{ name: string }>(async (req, { name }) => json(await submitActuals(name, req)));

export const { GET, PUT, PATCH, DELETE } = otherMethods("POST");
