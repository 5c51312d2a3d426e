import { apiRule } from "../access";
import { atLeast } from "../roles";
import { AppError } from "@/lib/shared/errors";
import { errorResponse, readNoBody } from "@/lib/shared/http";
import { recordAudit } from "./audit";
import { runWithCall, type Principal } from "./context";
import { clientIp, isCrossSite, isSameOrigin } from "./origin";
import { authenticate } from "./principal";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

type Ctx<P> = { params: Promise<P> };

/**
 * Decides whether a request may reach its handler, from the one access table (lib/identity/access.ts):
 * 401 without a valid credential, 403 when the role is too low, 403 for a state-changing request
 * authenticated by the session cookie that does not come from the workbench's own pages.
 * Returns the caller (null for public and endpoint-key routes).
 */
export async function authorize(req: Request): Promise<{ principal: Principal | null; ip: string | null; audit?: string }> {
  const url = new URL(req.url);
  const rule = apiRule(url.pathname, req.method);
  const ip = clientIp(req.headers);
  // A route the table does not know is nobody's (the access test fails for it too).
  if (!rule) throw new AppError("FORBIDDEN", `No access rule covers ${req.method} ${url.pathname}.`, [{ field: "path", message: "no access rule" }]);
  if (rule.access === "public" || rule.access === "key") {
    // Anyone may call these; a foreign page may still not make a browser post to them with its cookies.
    if (!SAFE_METHODS.has(req.method) && rule.access === "public" && isCrossSite(req.headers, req.url)) throw crossSiteRefusal(req, null);
    return { principal: null, ip, audit: rule.audit };
  }
  const principal = await authenticate(req.headers);
  if (!principal)
    throw new AppError("UNAUTHORIZED", "Sign in, or send a personal API token as 'Authorization: Bearer wbt_…'.", [
      { field: "authorization", message: "missing" },
    ]);
  if (!atLeast(principal.role, rule.access)) {
    recordAudit({
      action: "access.denied",
      target: `${req.method} ${url.pathname}`,
      outcome: "denied",
      actor: { id: principal.userId, email: principal.email },
      ip,
      detail: { role: principal.role, needs: rule.access },
    });
    throw new AppError("FORBIDDEN", `This needs the ${rule.access} role; you have ${principal.role}.`, [{ field: "role", message: `needs ${rule.access}` }]);
  }
  if (principal.via === "session" && !SAFE_METHODS.has(req.method) && !isSameOrigin(req.headers, req.url)) throw crossSiteRefusal(req, principal);
  return { principal, ip, audit: rule.audit };
}

/** The 403 for a state-changing request that does not come from the workbench's own pages, recorded in the audit log. */
export function crossSiteRefusal(req: Request, principal: Principal | null): AppError {
  recordAudit({
    action: "access.cross-site",
    target: new URL(req.url).pathname,
    outcome: "denied",
    actor: { id: principal?.userId ?? null, email: principal?.email ?? null },
    ip: clientIp(req.headers),
    detail: { origin: req.headers.get("origin"), secFetchSite: req.headers.get("sec-fetch-site") },
  });
  return new AppError("FORBIDDEN", "A state-changing request signed in by cookie must come from the workbench's own pages (Origin).", [
    { field: "origin", message: "not the workbench's own origin" },
  ]);
}

/**
 * Wraps a route handler: authorises the call by the access table, runs the handler with the caller
 * in context (for audit entries, quotas and `createdBy`), records the table's audit action when
 * the call succeeds, and turns every thrown error into a problem answer. A DELETE with a body is refused.
 */
export function handle<P = Record<string, string>>(fn: (req: Request, params: P) => Promise<Response> | Response) {
  return async (req: Request, ctx: Ctx<P>): Promise<Response> => {
    try {
      const params = ctx?.params ? await ctx.params : ({} as P);
      const { principal, ip, audit } = await authorize(req);
      // No DELETE takes a body: one sent is refused like any other route's unexpected body, not ignored while the thing goes.
      if (req.method === "DELETE") await readNoBody(req);
      const res = await runWithCall({ principal, ip }, () => fn(req, params));
      if (audit && res.status < 400) {
        const target =
          Object.values(params as Record<string, unknown>)
            .map(String)
            .join("/") || (await createdName(res));
        runWithCall({ principal, ip }, () =>
          recordAudit({ action: audit, target, detail: { method: req.method, path: new URL(req.url).pathname, status: res.status } }),
        );
      }
      return res;
    } catch (e) {
      return errorResponse(e);
    }
  };
}

/** What a creating call made (`id` or `name` of its JSON answer), to name it in the audit log. */
async function createdName(res: Response): Promise<string | null> {
  if (!(res.headers.get("content-type") ?? "").includes("json")) return null;
  try {
    const body = (await res.clone().json()) as { id?: unknown; name?: unknown };
    return typeof body.id === "string" ? body.id : typeof body.name === "string" ? body.name : null;
  } catch {
    return null;
  }
}
