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
  if (access === "public" || access === "key") return NextResponse.next();
  const { authenticate, hasCredential } = await import("@/lib/identity/server/principal");
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
  // Pages: everything but the API, Next's own static files and the icon.
  matcher: ["/((?!api/|api$|v2/|_next/static|_next/image|favicon.ico|icon.svg).*)"],
};
