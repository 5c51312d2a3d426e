import { eq } from "drizzle-orm";
import { cache } from "react";
import { getDb, schema } from "@/db/client";
import { AppError } from "@/lib/shared/errors";
import { isRole, lesserRole, type Role } from "../roles";
import { getAuth } from "./auth";
import type { Principal } from "./context";
import { findToken, TOKEN_PREFIX, touchToken } from "./tokens";

type HeaderSource = Headers;

const unauthorized = (detail: string, message = "invalid") => new AppError("UNAUTHORIZED", detail, [{ field: "authorization", message }]);

/** Whether the request carries any credential at all (a cheap check, no database). */
export function hasCredential(headers: { get(name: string): string | null }): boolean {
  if (/^Bearer\s+\S/i.test(headers.get("authorization") ?? "")) return true;
  return /(?:^|;\s*)(?:__Secure-)?better-auth\.session_token=/.test(headers.get("cookie") ?? "");
}

function fromToken(secret: string): Principal {
  if (!secret.startsWith(TOKEN_PREFIX)) {
    throw unauthorized(
      secret.startsWith("wbk_")
        ? "An endpoint key only scores its endpoint; send a personal API token (wbt_…) or sign in."
        : "Send a personal API token as 'Authorization: Bearer wbt_…', or sign in.",
    );
  }
  const token = findToken(secret);
  if (!token) throw unauthorized("The API token is not valid (deleted or mistyped?).");
  if (token.expiresAt && token.expiresAt.getTime() <= Date.now()) throw unauthorized("The API token has expired.", "expired");
  const owner = getDb().select().from(schema.users).where(eq(schema.users.id, token.userId)).get();
  if (!owner || owner.disabled) throw unauthorized("The API token's account is disabled.", "disabled");
  touchToken(token);
  return { userId: owner.id, email: owner.email, name: owner.name, role: lesserRole(token.role, owner.role), via: "token", tokenId: token.id };
}

/**
 * The caller of a request: a personal API token (`Authorization: Bearer wbt_…`) or a session
 * cookie; null when it carries neither. A token that is wrong, expired or whose owner is disabled
 * is a 401 (never silently anonymous). A session of a disabled account does not exist any more
 * (disabling deletes it), and is refused here too.
 */
export async function authenticate(headers: HeaderSource): Promise<Principal | null> {
  const auth = /^Bearer\s+(\S+)\s*$/i.exec(headers.get("authorization") ?? "");
  if (auth) return fromToken(auth[1]);
  if (!hasCredential(headers)) return null;
  const session = await getAuth().api.getSession({ headers });
  if (!session) return null;
  const user = session.user as typeof session.user & { role?: unknown; disabled?: unknown };
  if (user.disabled) return null;
  const role: Role = isRole(user.role) ? user.role : "viewer";
  return { userId: user.id, email: user.email, name: user.name, role, via: "session" };
}

export type PageViewer = { id: string; email: string; name: string; role: Role };

/** The request header by which the proxy hands the person it found to the page it lets through. */
export const VIEWER_HEADER = "x-workbench-viewer";

/** The header's value for a caller: the person as URI-encoded JSON (names need not be ASCII), or `none`. */
export function viewerHeaderValue(p: Principal | null): string {
  return p ? encodeURIComponent(JSON.stringify({ id: p.userId, email: p.email, name: p.name, role: p.role } satisfies PageViewer)) : "none";
}

/**
 * The signed-in person a page is rendered for (server components), or null: the one the proxy
 * found (every page request passes it), else looked up here; once per render however many
 * layouts and pages ask.
 */
export const pageViewer = cache(async (): Promise<PageViewer | null> => {
  const { headers } = await import("next/headers");
  const h = await headers();
  const handed = h.get(VIEWER_HEADER);
  if (handed === "none") return null;
  if (handed) return JSON.parse(decodeURIComponent(handed)) as PageViewer;
  const p = await authenticate(h).catch(() => null);
  return p && { id: p.userId, email: p.email, name: p.name, role: p.role };
});
