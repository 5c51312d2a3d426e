/**
 * Server-side fetch of a dataset URL, hardened against server-side request forgery.
 *
 * - only http(s) URLs without credentials;
 * - every host (the first one and each redirect target) is resolved once, and refused when
 *   ANY of its addresses is not public unicast (loopback, private, link-local / cloud
 *   metadata, unique-local, CGNAT, multicast, 6to4, ...);
 * - the connection goes to the address that was checked (a pinned `lookup`), so DNS
 *   rebinding between the check and the connect cannot reach another address;
 * - redirects are followed by hand, each one re-validated;
 * - one deadline covers the whole fetch including the body; the body is counted and cut
 *   off at `maxBytes`.
 *
 * Options are parameters (not read from env) so tests can set them; callers pass
 * env.URL_IMPORT_MAX_BYTES / URL_IMPORT_TIMEOUT_MS / URL_IMPORT_ALLOWED_HOSTS.
 */
import dns from "node:dns";
import http from "node:http";
import https from "node:https";
import net from "node:net";
import ipaddr from "ipaddr.js";
import { AppError, type ErrorCode } from "@/lib/shared/errors";

export interface OpenUrlOptions {
  maxBytes: number;
  timeoutMs: number;
  /** Lower-case "host" or "host:port" that skip the address check (for tests). */
  allowedHosts: string[];
  /** Default 5. */
  maxRedirects?: number;
}

export interface OpenedUrl {
  stream: AsyncIterable<Buffer>;
  fileName: string;
  contentType: string | undefined;
  finalUrl: string;
  contentLength?: number;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const FORBIDDEN_HOSTNAMES = new Set(["localhost", "metadata.google.internal", "metadata"]);
/** Connect errors after which the next resolved address is tried. */
const RETRYABLE_CONNECT_ERRORS = new Set([
  "ECONNREFUSED",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EADDRNOTAVAIL",
  "EAFNOSUPPORT",
]);

const urlError = (code: ErrorCode, message: string) => new AppError(code, message, [{ field: "url", message }]);

// ---------------------------------------------------------------------------------------
// Address classification

/**
 * Why `ip` may not be fetched ("loopback", "private", ...), or null when it is public
 * unicast. IPv4-mapped IPv6 addresses are judged as their IPv4 address. Anything that does
 * not parse as an IP address is refused.
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

function stripBrackets(host: string): string {
  return host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
}

// ---------------------------------------------------------------------------------------
// URL and host checks

function parseUrl(raw: string): URL {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw urlError("VALIDATION", "Not a valid URL.");
  }
  checkUrlShape(u, "VALIDATION", "");
  return u;
}

function checkUrlShape(u: URL, code: ErrorCode, prefix: string): void {
  if (u.protocol !== "http:" && u.protocol !== "https:") {
    throw urlError(code, `${prefix}Only http and https URLs can be imported (got ${u.protocol}).`);
  }
  if (u.username || u.password) {
    throw urlError(code, `${prefix}URLs with credentials (user:password@) are not accepted.`);
  }
  if (!u.hostname) throw urlError(code, `${prefix}The URL has no host.`);
}

function effectivePort(u: URL): string {
  return u.port || (u.protocol === "https:" ? "443" : "80");
}

function isAllowListed(u: URL, allowedHosts: string[]): boolean {
  if (allowedHosts.length === 0) return false;
  const allowed = new Set(allowedHosts.map((h) => h.trim().toLowerCase()));
  const name = u.hostname.toLowerCase();
  const bare = stripBrackets(name);
  const port = effectivePort(u);
  return [name, bare, `${name}:${port}`, `${bare}:${port}`].some((h) => allowed.has(h));
}

interface Resolved {
  address: string;
  family: 4 | 6;
}

/** Resolves the URL's host, refusing forbidden names and addresses unless allow-listed. */
async function resolveHost(u: URL, allowedHosts: string[]): Promise<Resolved[]> {
  const host = stripBrackets(u.hostname.toLowerCase());
  const skipChecks = isAllowListed(u, allowedHosts);
  const name = host.replace(/\.$/, "");
  if (!skipChecks && (FORBIDDEN_HOSTNAMES.has(name) || name.endsWith(".localhost"))) {
    throw urlError("FORBIDDEN", `The host "${host}" may not be fetched (internal name).`);
  }

  let resolved: Resolved[];
  const literal = net.isIP(host);
  if (literal) {
    resolved = [{ address: host, family: literal as 4 | 6 }];
  } else {
    try {
      const found = await dns.promises.lookup(host, { all: true, verbatim: true });
      resolved = found.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
    } catch {
      throw urlError("VALIDATION", `The host "${host}" was not found (host not found).`);
    }
    if (resolved.length === 0) throw urlError("VALIDATION", `The host "${host}" was not found (host not found).`);
  }

  if (!skipChecks) {
    for (const r of resolved) {
      const reason = forbiddenAddressReason(r.address);
      if (reason) {
        throw urlError(
          "FORBIDDEN",
          `${host} resolves to ${r.address} (${reason}); only public addresses can be fetched.`,
        );
      }
    }
  }
  return resolved;
}

// ---------------------------------------------------------------------------------------
// Deadline

class Deadline {
  expired = false;
  readonly ms: number;
  private readonly timer: NodeJS.Timeout;
  private readonly expiry: Promise<never>;
  private onExpire: (() => void) | undefined;

  constructor(ms: number) {
    this.ms = ms;
    let reject!: (e: unknown) => void;
    this.expiry = new Promise<never>((_, rej) => (reject = rej));
    this.expiry.catch(() => undefined);
    this.timer = setTimeout(() => {
      this.expired = true;
      reject(timeoutError(ms));
      this.onExpire?.();
    }, ms);
    this.timer.unref();
  }

  /** What to destroy when the time is up (the request/response in flight). */
  setOnExpire(fn: (() => void) | undefined) {
    this.onExpire = fn;
  }

  race<T>(p: Promise<T>): Promise<T> {
    return Promise.race([p, this.expiry]);
  }

  clear() {
    clearTimeout(this.timer);
    this.onExpire = undefined;
  }

  error() {
    return timeoutError(this.ms);
  }
}

function timeoutError(ms: number) {
  return urlError("UPSTREAM_TIMEOUT", `The download did not finish within ${ms} ms.`);
}

// ---------------------------------------------------------------------------------------
// Requests

/** A `lookup` that answers every query with the address that was validated. */
function pinnedLookup(r: Resolved): net.LookupFunction {
  return (_hostname, options, callback) => {
    if (options && (options as { all?: boolean }).all) callback(null, [{ address: r.address, family: r.family }]);
    else callback(null, r.address, r.family);
  };
}

function requestOnce(
  u: URL,
  target: Resolved,
  deadline: Deadline,
): Promise<{ req: http.ClientRequest; res: http.IncomingMessage }> {
  return new Promise((resolve, reject) => {
    const hostname = stripBrackets(u.hostname);
    const options: https.RequestOptions = {
      protocol: u.protocol,
      hostname,
      port: effectivePort(u),
      path: `${u.pathname}${u.search}`,
      method: "GET",
      headers: {
        host: u.host,
        accept: "*/*",
        "accept-encoding": "identity",
        "user-agent": "ml-workbench-url-import",
      },
      // A fresh connection each time: pooled sockets could be tied to another address.
      agent: false,
      lookup: pinnedLookup(target),
    };
    if (u.protocol === "https:" && !net.isIP(hostname)) options.servername = hostname;
    const mod = u.protocol === "https:" ? https : http;
    const req = mod.request(options);
    let settled = false;
    req.on("error", (err) => {
      if (settled) return;
      settled = true;
      deadline.setOnExpire(undefined);
      reject(err);
    });
    req.on("response", (res) => {
      if (settled) {
        res.destroy();
        return;
      }
      settled = true;
      // Errors after this point surface through the body iterator; never let them go unhandled.
      res.on("error", () => undefined);
      resolve({ req, res });
    });
    deadline.setOnExpire(() => req.destroy(deadline.error()));
    req.end();
  });
}

/** Tries the resolved addresses in order, moving on only when a connection is refused/unreachable. */
async function request(u: URL, targets: Resolved[], deadline: Deadline) {
  let lastError: unknown;
  for (const target of targets) {
    try {
      return await deadline.race(requestOnce(u, target, deadline));
    } catch (e) {
      if (deadline.expired || e instanceof AppError) throw e;
      lastError = e;
      const code = (e as NodeJS.ErrnoException).code;
      if (!code || !RETRYABLE_CONNECT_ERRORS.has(code)) break;
    }
  }
  const detail = (lastError as Error | undefined)?.message ?? "no address";
  throw urlError("UPSTREAM", `Could not fetch ${u.host}: ${detail}.`);
}

// ---------------------------------------------------------------------------------------
// File names

function sanitizeFileName(name: string): string | undefined {
  const base = name.split(/[\\/]/).pop() ?? "";
  // eslint-disable-next-line no-control-regex
  const clean = base.replace(/[\u0000-\u001f\u007f]/g, "").trim();
  if (!clean || clean === "." || clean === "..") return undefined;
  return clean;
}

function fileNameFromDisposition(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const star = /filename\*\s*=\s*([^;]+)/i.exec(header);
  if (star) {
    const value = star[1].trim().replace(/^"(.*)"$/, "$1");
    const m = /^([\w!#$%&+^`{}~-]*)'[^']*'(.*)$/.exec(value);
    try {
      const decoded = decodeURIComponent(m ? m[2] : value);
      const name = sanitizeFileName(decoded);
      if (name) return name;
    } catch {
      /* fall through to filename= */
    }
  }
  const plain = /(?:^|;)\s*filename\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]*))/i.exec(header);
  if (plain) {
    const raw = plain[1] !== undefined ? plain[1].replace(/\\(.)/g, "$1") : (plain[2] ?? "").trim();
    return sanitizeFileName(raw);
  }
  return undefined;
}

function fileNameFromUrl(u: URL): string | undefined {
  const segment = u.pathname.split("/").pop() ?? "";
  if (!segment) return undefined;
  let decoded = segment;
  try {
    decoded = decodeURIComponent(segment);
  } catch {
    /* keep the raw segment */
  }
  return sanitizeFileName(decoded);
}

// ---------------------------------------------------------------------------------------
// Body

async function* readBody(
  req: http.ClientRequest,
  res: http.IncomingMessage,
  maxBytes: number,
  deadline: Deadline,
): AsyncGenerator<Buffer> {
  let received = 0;
  try {
    for await (const chunk of res) {
      const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
      received += buf.length;
      if (received > maxBytes) {
        throw urlError("TOO_LARGE", `The file is larger than the limit of ${maxBytes} bytes.`);
      }
      yield buf;
    }
    if (deadline.expired) throw deadline.error();
  } catch (e) {
    if (deadline.expired) throw deadline.error();
    if (e instanceof AppError) throw e;
    throw urlError("UPSTREAM", `The connection failed while downloading: ${(e as Error).message}.`);
  } finally {
    deadline.clear();
    if (!res.complete || !res.readableEnded) {
      res.destroy();
      req.destroy();
    }
  }
}

// ---------------------------------------------------------------------------------------

/**
 * Opens `url` for download. Resolves once a 2xx response's headers arrived; the body is
 * read through `stream`, which throws AppError (TOO_LARGE, UPSTREAM, UPSTREAM_TIMEOUT).
 * The deadline of `timeoutMs` covers everything, including reading the stream.
 */
export async function openUrl(url: string, opts: OpenUrlOptions): Promise<OpenedUrl> {
  const maxRedirects = opts.maxRedirects ?? 5;
  let current = parseUrl(url);
  const deadline = new Deadline(opts.timeoutMs);
  try {
    for (let redirects = 0; ; redirects++) {
      const targets = await deadline.race(resolveHost(current, opts.allowedHosts));
      const { req, res } = await request(current, targets, deadline);
      const destroy = () => {
        res.destroy();
        req.destroy();
      };
      const status = res.statusCode ?? 0;

      if (REDIRECT_STATUSES.has(status)) {
        destroy();
        const location = res.headers.location;
        if (!location) throw urlError("UPSTREAM", `${current.host} answered HTTP ${status} without a Location.`);
        if (redirects >= maxRedirects) {
          throw urlError("UPSTREAM", `Too many redirects (more than ${maxRedirects}).`);
        }
        let next: URL;
        try {
          next = new URL(location, current);
        } catch {
          throw urlError("UPSTREAM", `${current.host} redirected to an invalid URL.`);
        }
        checkUrlShape(next, "FORBIDDEN", "Redirect refused: ");
        current = next;
        continue;
      }

      if (status < 200 || status > 299) {
        destroy();
        throw urlError("UPSTREAM", `${current.host} answered HTTP ${status} ${res.statusMessage ?? ""}`.trim() + ".");
      }

      const lengthHeader = res.headers["content-length"];
      const contentLength =
        lengthHeader !== undefined && /^\d+$/.test(lengthHeader.trim()) ? Number(lengthHeader) : undefined;
      if (contentLength !== undefined && contentLength > opts.maxBytes) {
        destroy();
        throw urlError(
          "TOO_LARGE",
          `The file is ${contentLength} bytes, larger than the limit of ${opts.maxBytes} bytes.`,
        );
      }

      const timeoutBody = () => {
        const err = deadline.error();
        res.destroy(err);
        req.destroy(err);
      };
      deadline.setOnExpire(timeoutBody);
      // The timer may have fired between the response and here.
      if (deadline.expired) {
        timeoutBody();
        throw deadline.error();
      }

      const contentTypeHeader = res.headers["content-type"];
      const result: OpenedUrl = {
        stream: readBody(req, res, opts.maxBytes, deadline),
        fileName:
          fileNameFromDisposition(res.headers["content-disposition"]) ?? fileNameFromUrl(current) ?? "download",
        contentType: contentTypeHeader ? contentTypeHeader : undefined,
        finalUrl: current.toString(),
      };
      if (contentLength !== undefined) result.contentLength = contentLength;
      return result;
    }
  } catch (e) {
    const expired = deadline.expired;
    deadline.clear();
    if (expired) throw deadline.error();
    if (e instanceof AppError) throw e;
    throw urlError("UPSTREAM", `Could not fetch the URL: ${(e as Error).message}.`);
  }
}
