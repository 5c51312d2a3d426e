import { listAudit } from "@/lib/identity/server/audit";
import { handle } from "@/lib/identity/server/guard";
import { json, otherMethods } from "@/lib/shared/http";

/** Who did what, newest first: `?action=&actor=&target=&outcome=&since=&until=&cursor=&limit=`. */
export const GET = handle((req) => json(listAudit(new URL(req.url).searchParams)));

export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
