import { NextResponse, type NextRequest } from "next/server";
import { apiRule, pageAccess } from "@/lib/identity/access";
import { atLeast } from "@/lib/identity/roles";
import { problem } from "@/lib/shared/http";

/**
 * The first gate of every request Next serves (the production server's front answers scoring and
 * job submission before Next, with endpoint keys):
 * - API routes: a request with no credential at all to a route that needs one is a 401 here
 *   (the route's `handle` wrapper then checks the credential and the role, from the same table);
 * - pages: signed-out visitors go to sign-in, a role too low sees the 403 page, and before anyone
 *   has an account every page leads to set-up.
 */
export async function proxy(req: NextRequest) {
  const { pathname } = req.nextUrl;
  const { hasCredential } = await import("@/lib/identity/server/principal");
  if (pathname.startsWith("/api/") || pathname === "/api" || pathname.startsWith("/v2/")) {
    const rule = apiRule(pathname, req.method);
    if (rule && (rule.access === "public" || rule.access === "key")) return NextResponse.next();
    if (!hasCredential(req.headers)) return problem("UNAUTHORIZED", "Sign in, or send a personal API token as 'Authorization: Bearer wbt_…'.", [{ field: "authorization", message: "missing" }]);
    return NextResponse.next();
  }
  const access = pageAccess(pathname);
  if (access === "public" || access === "key") return NextResponse.next();
  const { authenticate } = await import("@/lib/identity/server/principal");
  const { countPeople } = await import("@/lib/identity/server/people");
  const principal = hasCredential(req.headers) ? await authenticate(req.headers).catch(() => null) : null;
  if (!principal) {
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
    return NextResponse.rewrite(to, { status: 403 });
  }
  return NextResponse.next();
}

export const config = {
  // Everything but Next's own static files and the icon.
  matcher: ["/((?!_next/static|_next/image|favicon.ico|icon.svg).*)"],
};
