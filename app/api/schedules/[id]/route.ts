import { z } from "zod";
import { deleteSchedule, getSchedule, updateSchedule } from "@/lib/integrate/server/schedules/schedules";
import { handle } from "@/lib/identity/server/guard";
import { json, otherMethods, readJson } from "@/lib/shared/http";

/** The schedule with `nextRunAt`, `upcoming` and its run history (`runs`: its jobs, newest first, with output links). */
export const GET = handle<{ id: string }>((_req, { id }) => json(getSchedule(id)));

/** Any of `{name, endpoint, dataset, cron, timezone, reportId, enabled}`. */
export const PATCH = handle<{ id: string }>(async (req, { id }) => json(updateSchedule(id, await readJson(req, z.unknown()))));

export const DELETE = handle<{ id: string }>((_req, { id }) => {
  deleteSchedule(id);
  return new Response(null, { status: 204 });
});

export const { POST, PUT } = otherMethods("GET", "PATCH", "DELETE");
