import { NextResponse, type NextRequest } from "next/server";
import { pageAccess } from "@/lib/identity/access";
import { atLeast } from "@/lib/identity/roles";

/**
 * The gate of every page: signed-out visitors go to sign-in, a role too low sees the 403 page,
 * and before anyone has an account every page leads to set-up. API routes are not matched here:
 * a proxy makes Next buffer each request body (10 MB by default, cutting larger uploads short),
 * and every API route checks its caller itself, from the same table, in its `handle` wrapper
 * (lib/identity/server/guard.ts; e2e/api/access.spec.ts holds every route to it).
 */
export async function proxy(req: NextRequest) {
  const { pathname } = req.nextUrl;
  const access = pageAccess(pathname);
  const { authenticate, hasCredential, VIEWER_HEADER, viewerHeaderValue } = await import("@/lib/identity/server/principal");
  const principal = hasCredential(req.headers) ? await authenticate(req.headers).catch(() => null) : null;
  // The page renders for the person found here (pageViewer() reads it), so the session is looked up
  // once per page; whatever a client sent under this header is replaced.
  const headers = new Headers(req.headers);
  headers.set(VIEWER_HEADER, viewerHeaderValue(principal));
  if (access === "public" || access === "key") return NextResponse.next({ request: { headers } });
  if (!principal) {
    const { countPeople } = await import("@/lib/identity/server/people");
    const to = req.nextUrl.clone();
    to.search = "";
    if (countPeople() === 0) to.pathname = "/setup";
    else {
      to.pathname = "/sign-in";
      to.searchParams.set("next", pathname + req.nextUrl.search);
    }
    return NextResponse.redirect(to);
  }
  if (!atLeast(principal.role, access)) {
    const to = req.nextUrl.clone();
    to.pathname = "/forbidden";
    to.search = `?need=${access}`;
    return NextResponse.rewrite(to, { status: 403, request: { headers } });
  }
  return NextResponse.next({ request: { headers } });
}

export const config = {
  // Everything that can render a page (a not-found page too): all but the API routes (/api and /v2,
  // each with a catch-all route that answers an unknown path), Next's own static files and the icon.
  matcher: ["/((?!api(?:/|$)|v2(?:/|$)|_next/static|_next/image|favicon.ico|icon.svg).*)"],
};
