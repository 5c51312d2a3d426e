import { env } from "@/lib/shared/env";

/** Headers of a web Request or a plain map: what the checks below read. */
type HeaderSource = { get(name: string): string | null };

/**
 * The workbench's own origin for this request: `WORKBENCH_URL` behind a proxy, otherwise the
 * origin the request was addressed to (its Host header), so `http://127.0.0.1:3000` works as
 * well as `http://localhost:3000`.
 */
export function ownOrigin(headers: HeaderSource, requestUrl?: string): string {
  if (env.WORKBENCH_URL) return new URL(env.WORKBENCH_URL).origin;
  const host = headers.get("host");
  const protocol = requestUrl ? new URL(requestUrl).protocol : "http:";
  if (host) return `${protocol}//${host}`.toLowerCase();
  return requestUrl ? new URL(requestUrl).origin : "http://localhost";
}

/**
 * Whether a browser says the request comes from the workbench's own pages: `Origin` equal to our
 * own, or (when a browser sends no Origin) `Sec-Fetch-Site: same-origin`. A request that shows
 * neither is not shown to be ours.
 */
export function isSameOrigin(headers: HeaderSource, requestUrl?: string): boolean {
  const origin = headers.get("origin");
  if (origin && origin !== "null") return origin.toLowerCase() === ownOrigin(headers, requestUrl);
  const site = headers.get("sec-fetch-site");
  return site === "same-origin";
}

/** A request that names a foreign origin (a cross-site form or fetch), whatever its credential. */
export function isCrossSite(headers: HeaderSource, requestUrl?: string): boolean {
  const origin = headers.get("origin");
  if (origin) return origin === "null" || origin.toLowerCase() !== ownOrigin(headers, requestUrl);
  const site = headers.get("sec-fetch-site");
  return site === "cross-site" || site === "same-site";
}

/** The caller's address: the socket's (as Next passes it on) or, behind a trusted proxy, the first X-Forwarded-For. */
export function clientIp(headers: HeaderSource): string | null {
  if (env.WORKBENCH_TRUST_PROXY === "1") {
    const forwarded = headers.get("x-forwarded-for")?.split(",")[0]?.trim();
    if (forwarded) return forwarded;
  }
  // Set by the production server from the socket (scripts/server.ts), overwriting whatever a client sent.
  return process.env.WORKBENCH_FRONT === "1" ? headers.get("x-workbench-peer") || null : null;
}
