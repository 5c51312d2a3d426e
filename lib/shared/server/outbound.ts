/**
 * The one guard for requests the server makes to URLs that people give it (dataset URL import,
 * alert webhooks), against server-side request forgery:
 *
 * - only http(s) URLs without credentials;
 * - the host is resolved once and refused when ANY of its addresses is not public unicast
 *   (loopback, private, link-local / cloud metadata, unique-local, CGNAT, multicast, 6to4, ...),
 *   as are internal names (localhost, metadata.google.internal);
 * - the connection goes to the address that was checked (a pinned `lookup`), so DNS rebinding
 *   between the check and the connect cannot reach another address;
 * - a host on the caller's allow list ("host" or "host:port") skips the address checks.
 *
 * Redirects are the caller's business: each target must go through `resolveGuarded` again.
 */
import dns from "node:dns";
import http from "node:http";
import https from "node:https";
import net from "node:net";
import ipaddr from "ipaddr.js";
import { AppError, type ErrorCode } from "@/lib/shared/errors";

export interface GuardOptions {
  /** Lower-case "host" or "host:port" that skip the address checks. */
  allowedHosts: string[];
  /** The request field the URL came from, named in every error ("url", "webhookUrl"). */
  field: string;
  /** The code of a refused name or address: FORBIDDEN (403) by default. */
  refusedCode?: ErrorCode;
}

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

const FORBIDDEN_HOSTNAMES = new Set(["localhost", "metadata.google.internal", "metadata"]);
/** Connect errors after which the next resolved address is tried. */
const RETRYABLE_CONNECT_ERRORS = new Set(["ECONNREFUSED", "EHOSTUNREACH", "ENETUNREACH", "EADDRNOTAVAIL", "EAFNOSUPPORT"]);

export const outboundError = (code: ErrorCode, field: string, message: string) => new AppError(code, message, [{ field, message }]);

// ---------------------------------------------------------------------------------------
// Address classification

/**
 * Why `ip` may not be reached ("loopback", "private", ...), or null when it is public unicast.
 * IPv4-mapped IPv6 addresses are judged as their IPv4 address. Anything that does not parse as
 * an IP address is refused.
 */
export function forbiddenAddressReason(ip: string): string | null {
  let addr: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    addr = ipaddr.parse(stripBrackets(ip));
  } catch {
    return "not an IP address";
  }
  if (addr.kind() === "ipv6" && (addr as ipaddr.IPv6).isIPv4MappedAddress()) {
    addr = (addr as ipaddr.IPv6).toIPv4Address();
  }
  const range = addr.range();
  return range === "unicast" ? null : range;
}

/** True when `ip` is not a public unicast address (see forbiddenAddressReason). */
export function isForbiddenAddress(ip: string): boolean {
  return forbiddenAddressReason(ip) !== null;
}

export function stripBrackets(host: string): string {
  return host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
}

// ---------------------------------------------------------------------------------------
// URL and host checks

/** Parses `raw` as an outbound URL: VALIDATION naming `field` when it is not one (see checkUrlShape). */
export function parseOutboundUrl(raw: string, field: string): URL {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw outboundError("VALIDATION", field, "Not a valid URL.");
  }
  checkUrlShape(u, { code: "VALIDATION", field });
  return u;
}

/** http(s), no credentials, a host; `prefix` starts the message (a redirect's "Redirect refused: "). */
export function checkUrlShape(u: URL, opts: { code: ErrorCode; field: string; prefix?: string }): void {
  const fail = (message: string) => outboundError(opts.code, opts.field, `${opts.prefix ?? ""}${message}`);
  if (u.protocol !== "http:" && u.protocol !== "https:") throw fail(`Only http and https URLs are accepted (got ${u.protocol}).`);
  if (u.username || u.password) throw fail("URLs with credentials (user:password@) are not accepted.");
  if (!u.hostname) throw fail("The URL has no host.");
}

export function effectivePort(u: URL): string {
  return u.port || (u.protocol === "https:" ? "443" : "80");
}

/** Whether the URL's host, alone or with its (effective) port, is on the allow list. */
export function isAllowListed(u: URL, allowedHosts: string[]): boolean {
  if (allowedHosts.length === 0) return false;
  const allowed = new Set(allowedHosts.map((h) => h.trim().toLowerCase()));
  const name = u.hostname.toLowerCase();
  const bare = stripBrackets(name);
  const port = effectivePort(u);
  return [name, bare, `${name}:${port}`, `${bare}:${port}`].some((h) => allowed.has(h));
}

/**
 * Resolves the URL's host and checks every address: `refusedCode` (FORBIDDEN by default) for an
 * internal name or a non-public address, VALIDATION when the host is not found. An allow-listed
 * host is resolved without checks.
 */
export async function resolveGuarded(u: URL, opts: GuardOptions): Promise<ResolvedAddress[]> {
  const refused = opts.refusedCode ?? "FORBIDDEN";
  const host = stripBrackets(u.hostname.toLowerCase());
  const skipChecks = isAllowListed(u, opts.allowedHosts);
  const name = host.replace(/\.$/, "");
  if (!skipChecks && (FORBIDDEN_HOSTNAMES.has(name) || name.endsWith(".localhost"))) {
    throw outboundError(refused, opts.field, `The host "${host}" may not be reached (internal name).`);
  }

  let resolved: ResolvedAddress[];
  const literal = net.isIP(host);
  if (literal) {
    resolved = [{ address: host, family: literal as 4 | 6 }];
  } else {
    const notFound = () => outboundError("VALIDATION", opts.field, `The host "${host}" was not found (host not found).`);
    try {
      const found = await dns.promises.lookup(host, { all: true, verbatim: true });
      resolved = found.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
    } catch {
      throw notFound();
    }
    if (resolved.length === 0) throw notFound();
  }

  if (!skipChecks) {
    for (const r of resolved) {
      const reason = forbiddenAddressReason(r.address);
      if (reason) throw outboundError(refused, opts.field, `${host} resolves to ${r.address} (${reason}); only public addresses can be reached.`);
    }
  }
  return resolved;
}

// ---------------------------------------------------------------------------------------
// Connecting to a checked address

/** A `lookup` that answers every query with the address that was checked. */
function pinnedLookup(r: ResolvedAddress): net.LookupFunction {
  return (_hostname, options, callback) => {
    if (options && (options as { all?: boolean }).all) callback(null, [{ address: r.address, family: r.family }]);
    else callback(null, r.address, r.family);
  };
}

/**
 * `http(s).request` options that connect to `target` (a checked address) only, on a fresh
 * connection (a pooled socket could be tied to another address); the caller adds method and
 * headers (`host: u.host` among them).
 */
export function pinnedRequestOptions(u: URL, target: ResolvedAddress): https.RequestOptions {
  const hostname = stripBrackets(u.hostname);
  const options: https.RequestOptions = {
    protocol: u.protocol,
    hostname,
    port: effectivePort(u),
    path: `${u.pathname}${u.search}`,
    agent: false,
    lookup: pinnedLookup(target),
  };
  if (u.protocol === "https:" && !net.isIP(hostname)) options.servername = hostname;
  return options;
}

/** node:http or node:https, as the URL asks. */
export const requestModule = (u: URL): typeof http | typeof https => (u.protocol === "https:" ? https : http);

/**
 * Runs `attempt` on each checked address in order, moving on only when the connection was
 * refused or unreachable; an AppError or any other failure ends it. Throws the last error.
 */
export async function tryAddresses<T>(targets: ResolvedAddress[], attempt: (target: ResolvedAddress) => Promise<T>): Promise<T> {
  let lastError: unknown = new Error("no address");
  for (const target of targets) {
    try {
      return await attempt(target);
    } catch (e) {
      lastError = e;
      if (e instanceof AppError) throw e;
      const code = (e as NodeJS.ErrnoException).code;
      if (!code || !RETRYABLE_CONNECT_ERRORS.has(code)) break;
    }
  }
  throw lastError;
}
