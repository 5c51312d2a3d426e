import { handle } from "@/lib/identity/server/guard";
import { noSuchRoute } from "@/lib/shared/http";

/**
 * Unknown V2 paths, /v2 itself included, answer a problem, not an HTML page. To anyone: every V2
 * route answers a caller without credentials (health and metadata are public, inference checks its key).
 */
const notFound = handle(noSuchRoute);

export { notFound as GET, notFound as POST, notFound as PUT, notFound as PATCH, notFound as DELETE, notFound as OPTIONS };
