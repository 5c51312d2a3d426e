/**
 * Server-side fetch of a dataset URL, hardened against server-side request forgery by the
 * shared outbound guard (lib/shared/server/outbound.ts: http(s) only, no credentials, every
 * address of a host checked, the connection pinned to the checked address), plus:
 *
 * - redirects are followed by hand, each target resolved and checked again;
 * - one deadline covers the whole fetch including the body; the body is counted and cut
 *   off at `maxBytes`.
 *
 * Options are parameters (not read from env) so tests can set them; callers pass
 * env.URL_IMPORT_MAX_BYTES / URL_IMPORT_TIMEOUT_MS / URL_IMPORT_ALLOWED_HOSTS.
 */
import type http from "node:http";
import { AppError, type ErrorCode } from "@/lib/shared/errors";
import {
  checkUrlShape,
  outboundError,
  parseOutboundUrl,
  pinnedRequestOptions,
  requestModule,
  resolveGuarded,
  tryAddresses,
  type ResolvedAddress,
} from "@/lib/shared/server/outbound";

export { forbiddenAddressReason, isForbiddenAddress } from "@/lib/shared/server/outbound";

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
const FIELD = "url";

const urlError = (code: ErrorCode, message: string) => outboundError(code, FIELD, message);

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

function requestOnce(u: URL, target: ResolvedAddress, deadline: Deadline): Promise<{ req: http.ClientRequest; res: http.IncomingMessage }> {
  return new Promise((resolve, reject) => {
    const req = requestModule(u).request({
      ...pinnedRequestOptions(u, target),
      method: "GET",
      headers: {
        host: u.host,
        accept: "*/*",
        "accept-encoding": "identity",
        "user-agent": "ml-workbench-url-import",
      },
    });
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

/** Tries the checked addresses in order, moving on only when a connection is refused/unreachable. */
async function request(u: URL, targets: ResolvedAddress[], deadline: Deadline) {
  try {
    return await tryAddresses(targets, (target) => deadline.race(requestOnce(u, target, deadline)));
  } catch (e) {
    if (deadline.expired || e instanceof AppError) throw e;
    throw urlError("UPSTREAM", `Could not fetch ${u.host}: ${(e as Error).message}.`);
  }
}

// ---------------------------------------------------------------------------------------
// File names

function sanitizeFileName(name: string): string | undefined {
  const base = name.split(/[\\/]/).pop() ?? "";
  // Control characters (U+0000–U+001F and DEL) go: the name is shown on pages and written to logs.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
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

async function* readBody(req: http.ClientRequest, res: http.IncomingMessage, maxBytes: number, deadline: Deadline): AsyncGenerator<Buffer> {
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
  let current = parseOutboundUrl(url, FIELD);
  const deadline = new Deadline(opts.timeoutMs);
  try {
    for (let redirects = 0; ; redirects++) {
      const targets = await deadline.race(resolveGuarded(current, { allowedHosts: opts.allowedHosts, field: FIELD }));
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
        checkUrlShape(next, { code: "FORBIDDEN", field: FIELD, prefix: "Redirect refused: " });
        current = next;
        continue;
      }

      if (status < 200 || status > 299) {
        destroy();
        throw urlError("UPSTREAM", `${current.host} answered HTTP ${status} ${res.statusMessage ?? ""}`.trim() + ".");
      }

      const lengthHeader = res.headers["content-length"];
      const contentLength = lengthHeader !== undefined && /^\d+$/.test(lengthHeader.trim()) ? Number(lengthHeader) : undefined;
      if (contentLength !== undefined && contentLength > opts.maxBytes) {
        destroy();
        throw urlError("TOO_LARGE", `The file is ${contentLength} bytes, larger than the limit of ${opts.maxBytes} bytes.`);
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
        fileName: fileNameFromDisposition(res.headers["content-disposition"]) ?? fileNameFromUrl(current) ?? "download",
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
