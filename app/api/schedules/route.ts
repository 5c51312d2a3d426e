import { z } from "zod";
import { createSchedule, listSchedules } from "@/lib/integrate/server/schedules/schedules";
import { handle } from "@/lib/identity/server/guard";
import { json, otherMethods, readJson } from "@/lib/shared/http";

export const GET = handle((req) => {
  const q = new URL(req.url).searchParams;
  return json({ items: listSchedules({ reportId: q.get("reportId") ?? undefined, endpoint: q.get("endpoint") ?? undefined }) });
});

/** `{name?, endpoint, dataset (a dataset name; or datasetName), cron, timezone?, reportId?, enabled?}` → 201 with `nextRunAt`. */
export const POST = handle(async (req) => json(createSchedule(await readJson(req, z.unknown())), { status: 201 }));

export const { PUT, PATCH, DELETE } = otherMethods("GET", "POST");
