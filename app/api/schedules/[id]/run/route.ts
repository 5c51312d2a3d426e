import { runScheduleNow } from "@/lib/integrate/server/schedules";
import { handle, json, otherMethods } from "@/lib/shared/http";

/** Run now: 202 with the queued job; 409 while the schedule's previous job is still queued or running. */
export const POST = handle<{ id: string }>(async (_req, { id }) => json(await runScheduleNow(id), { status: 202 }));

export const { GET, PUT, PATCH, DELETE } = otherMethods("POST");
