import { runScheduleNow } from "@/lib/integrate/server/schedules/schedules";
import { handle } from "@/lib/identity/server/guard";
import { json, otherMethods, readNoBody } from "@/lib/shared/http";

/** Run now: 202 with the queued job; 409 while the schedule's previous job is still queued or running. */
export const POST = handle<{ id: string }>(async (req, { id }) => {
  await readNoBody(req);
  return json(await runScheduleNow(id), { status: 202 });
});

export const { GET, PUT, PATCH, DELETE } = otherMethods("POST");
