import { toNextJsHandler } from "better-auth/next-js";
import { z } from "zod";
import { errorResponse, problem, readJson } from "@/lib/shared/http";
import { countAudit, recordAudit } from "./audit";
import { getAuth } from "./auth";
import { runWithCall } from "./context";
import { crossSiteRefusal } from "./guard";
import { clientIp, isCrossSite, isSameOrigin } from "./origin";
import { authenticate } from "./principal";
import { findPersonByEmail } from "./people";

/** Failed sign-ins tolerated per account, and per address, within the window; then 429 until the oldest leaves it. */
export const SIGN_IN_WINDOW_MS = 15 * 60_000;
export const MAX_FAILURES_PER_ACCOUNT = 5;
export const MAX_FAILURES_PER_ADDRESS = 20;

/** The better-auth routes people use; everything else it could serve (sign-up, account linking…) is not offered. */
const OFFERED = new Set([
  "POST /sign-in/email",
  "POST /sign-out",
  "GET /get-session",
  "POST /change-password",
  "GET /list-sessions",
  "POST /revoke-other-sessions",
  "GET /ok",
]);

const signInSchema = z.object({ email: z.string().trim().toLowerCase().max(320), password: z.string().max(1024) }).passthrough();

/** The field each of better-auth's error codes is about. */
const FIELD_OF_CODE: Record<string, string> = {
  INVALID_EMAIL_OR_PASSWORD: "password",
  INVALID_EMAIL: "email",
  INVALID_PASSWORD: "currentPassword",
  PASSWORD_TOO_SHORT: "newPassword",
  PASSWORD_TOO_LONG: "newPassword",
};

/** better-auth's JSON errors (`{code, message}`) as our problem answers, naming the field. */
async function asProblem(res: Response): Promise<Response> {
  if (res.ok || (res.headers.get("content-type") ?? "").includes("problem+json")) return res;
  let detail = res.statusText || "The request was refused.";
  let field = res.status === 401 ? "password" : "body";
  try {
    const body = (await res.clone().json()) as { message?: string; code?: string };
    if (body?.message) detail = body.message;
    if (body?.code && FIELD_OF_CODE[body.code]) field = FIELD_OF_CODE[body.code];
  } catch {
    // not JSON: keep the status text
  }
  const code =
    res.status === 401
      ? "UNAUTHORIZED"
      : res.status === 403
        ? "FORBIDDEN"
        : res.status === 404
          ? "NOT_FOUND"
          : res.status === 429
            ? "TOO_MANY_REQUESTS"
            : res.status >= 500
              ? "INTERNAL"
              : "VALIDATION";
  const out = problem(code, detail, [{ field, message: detail }]);
  for (const c of res.headers.getSetCookie()) out.headers.append("set-cookie", c);
  return out;
}

function retryAfter(oldest: Date | null): number {
  return Math.max(1, Math.ceil(((oldest?.getTime() ?? Date.now()) + SIGN_IN_WINDOW_MS - Date.now()) / 1000));
}

/**
 * Sign-in with limits and an audit trail: at most MAX_FAILURES_PER_ACCOUNT failures per account
 * and MAX_FAILURES_PER_ADDRESS per address in SIGN_IN_WINDOW_MS (counted from the audit log, so
 * every process shares them), a disabled account refused, each attempt recorded.
 */
async function signIn(req: Request, handler: (r: Request) => Promise<Response>): Promise<Response> {
  const ip = clientIp(req.headers);
  const body = await readJson(req, signInSchema);
  const { email } = body;
  const since = new Date(Date.now() - SIGN_IN_WINDOW_MS);
  const byAccount = countAudit("signin.failed", { target: email }, since);
  const byAddress = ip ? countAudit("signin.failed", { ip }, since) : { n: 0, oldest: null };
  const limited = byAccount.n >= MAX_FAILURES_PER_ACCOUNT ? byAccount : byAddress.n >= MAX_FAILURES_PER_ADDRESS ? byAddress : null;
  if (limited) {
    recordAudit({
      action: "signin.limited",
      target: email,
      outcome: "denied",
      actor: { id: null, email: null },
      ip,
      detail: { by: limited === byAccount ? "account" : "address" },
    });
    const seconds = retryAfter(limited.oldest);
    const res = problem("TOO_MANY_REQUESTS", `Too many failed sign-ins; try again in ${seconds} s.`, [
      { field: limited === byAccount ? "email" : "address", message: "too many failed attempts" },
    ]);
    res.headers.set("retry-after", String(seconds));
    return res;
  }
  const person = findPersonByEmail(email);
  if (person?.disabled) {
    recordAudit({ action: "signin.failed", target: email, outcome: "denied", actor: { id: person.id, email }, ip, detail: { reason: "disabled" } });
    return problem("FORBIDDEN", "This account is disabled; ask an administrator.", [{ field: "email", message: "disabled" }]);
  }
  // The body was read here; better-auth gets it again, with the length of what is sent now.
  const headers = new Headers(req.headers);
  headers.delete("content-length");
  const res = await handler(new Request(req.url, { method: "POST", headers, body: JSON.stringify(body) }));
  if (!res.ok) {
    recordAudit({ action: "signin.failed", target: email, outcome: "failed", actor: { id: null, email: null }, ip, detail: { status: res.status } });
    return asProblem(res);
  }
  recordAudit({ action: "signin", target: email, actor: { id: person?.id ?? null, email }, ip });
  return withoutToken(res, (b) => delete b.token);
}

const nextHandler = () => toNextJsHandler(getAuth());

/**
 * better-auth's JSON answer with the session token taken out by `drop`: the token lives in the
 * httpOnly cookie only, out of scripts' reach (sign-in's `token`, get-session's `session.token`).
 */
async function withoutToken(res: Response, drop: (body: Record<string, unknown>) => void): Promise<Response> {
  const body = (await res.json()) as Record<string, unknown> | null;
  if (body) drop(body);
  const headers = new Headers(res.headers);
  headers.delete("content-length");
  return new Response(JSON.stringify(body), { status: res.status, headers });
}

/** `/api/auth/*`: better-auth's own routes, the ones offered, with sign-in limits, cross-site refusal and problem answers. */
export async function authRoute(req: Request): Promise<Response> {
  try {
    const path = new URL(req.url).pathname.replace(/^\/api\/auth/, "") || "/";
    if (!OFFERED.has(`${req.method} ${path}`)) return problem("NOT_FOUND", `No auth route ${req.method} ${path}.`, [{ field: "path", message: "not offered" }]);
    const { GET, POST } = nextHandler();
    if (req.method === "GET") {
      const res = await GET(req);
      return path === "/get-session" && res.ok ? withoutToken(res, (b) => delete (b.session as Record<string, unknown> | undefined)?.token) : asProblem(res);
    }
    // A foreign page may not sign people in or out, or change a password, through their browser.
    if (isCrossSite(req.headers, req.url) || (path !== "/sign-in/email" && req.headers.get("cookie") && !isSameOrigin(req.headers, req.url)))
      throw crossSiteRefusal(req, null);
    if (path === "/sign-in/email") return await signIn(req, POST);
    const principal = path === "/change-password" ? await authenticate(req.headers).catch(() => null) : null;
    const res = await POST(req);
    if (path === "/change-password" && res.ok && principal)
      runWithCall({ principal, ip: clientIp(req.headers) }, () => recordAudit({ action: "password.change", target: principal.email }));
    return asProblem(res);
  } catch (e) {
    return errorResponse(e);
  }
}
