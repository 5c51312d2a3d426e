import { deleteReport, getReport } from "@/lib/integrate/server/reports/reports";
import { handle } from "@/lib/identity/server/guard";
import { json, otherMethods } from "@/lib/shared/http";

/** The report with the job it shows (`job`, `refreshedAt`) and the schedules that refresh it. */
export const GET = handle<{ id: string }>((_req, { id }) => json(getReport(id)));

export const DELETE = handle<{ id: string }>((_req, { id }) => {
  deleteReport(id);
  return new Response(null, { status: 204 });
});

export const { POST, PUT, PATCH } = otherMethods("GET", "DELETE");
