import { handle } from "@/lib/identity/server/guard";
import { noSuchRoute } from "@/lib/shared/http";

/**
 * Unknown API paths, /api itself included, answer a problem, not an HTML page (to a signed-in
 * caller; others get the 401 every route gives them). Next tries every other route first.
 */
const notFound = handle(noSuchRoute);

export { notFound as GET, notFound as POST, notFound as PUT, notFound as PATCH, notFound as DELETE, notFound as OPTIONS };
