import { handle } from "@/lib/identity/server/guard";
import { problem } from "@/lib/shared/http";

/** Unknown API paths answer a problem, not an HTML page (to a signed-in caller; others get the 401 every route gives them). */
const notFound = handle((req) => problem("NOT_FOUND", `No API route ${req.method} ${new URL(req.url).pathname}.`));

export { notFound as GET, notFound as POST, notFound as PUT, notFound as PATCH, notFound as DELETE };
