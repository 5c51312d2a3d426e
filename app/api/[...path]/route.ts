import { problem } from "@/lib/shared/http";

/** Unknown API paths answer a problem, not an HTML page. */
const notFound = (req: Request) => problem("NOT_FOUND", `No API route ${req.method} ${new URL(req.url).pathname}.`);

export { notFound as GET, notFound as POST, notFound as PUT, notFound as PATCH, notFound as DELETE };
