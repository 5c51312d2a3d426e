import type { Bucket } from "@/lib/monitor/actuals";
import { endpointPerformance } from "@/lib/monitor/server/actuals";
import { handle } from "@/lib/identity/server/guard";
import { json, otherMethods, queryWindow } from "@/lib/shared/http";

/** `?since=&until=&bucket=day|week` → the task's metrics on matched actuals, overall and over time, against the project's threshold. */
export const GET = handle<{ name: string }>(async (req, { name }) => {
  const url = new URL(req.url);
  const bucket = (url.searchParams.get("bucket") || undefined) as Bucket | undefined;
  return json(await endpointPerformance(name, { ...queryWindow(url), bucket }));
});

export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
