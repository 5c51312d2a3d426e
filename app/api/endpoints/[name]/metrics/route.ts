import { endpointTraffic } from "@/lib/integrate/server/traffic";
import { AppError } from "@/lib/shared/errors";
import { handle, json, otherMethods } from "@/lib/shared/http";

function timeParam(url: URL, name: string): Date | undefined {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === "") return undefined;
  const ms = /^\d+$/.test(raw) ? Number(raw) : Date.parse(raw);
  if (!Number.isFinite(ms)) throw new AppError("VALIDATION", `${name} must be an ISO date-time or epoch milliseconds.`, [{ field: name, message: "not a time" }]);
  return new Date(ms);
}

/** `?since=&until=` (ISO or epoch ms; default the last hour) → requests, errors, latency percentiles and a series. */
export const GET = handle<{ name: string }>((req, { name }) => {
  const url = new URL(req.url);
  const since = timeParam(url, "since");
  const until = timeParam(url, "until");
  if (since && until && since > until) throw new AppError("VALIDATION", "since must not be after until.", [{ field: "since", message: "after until" }]);
  return json(endpointTraffic(name, { since, until }));
});

export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
