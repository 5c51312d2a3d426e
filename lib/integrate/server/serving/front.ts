import { STATUS_CODES, type IncomingMessage, type ServerResponse } from "node:http";
import { errorAnswer, problemAnswer, type Answer } from "@/lib/shared/http";
import { fromNodeRequest, type RequestLike } from "@/lib/shared/server/request";
import { createJob } from "../batch/jobs";
import { score } from "./score";

/**
 * The production server's front for applications calling endpoints: real-time scoring (`POST
 * /api/endpoints/{name}/score`, `POST /v2/models/{name}/infer`) and batch job submission (`POST
 * /api/endpoints/{name}/jobs`) are answered by plain node:http code, in the same process as Next
 * and with the same functions and serving state as Next's route handlers for those paths; every
 * other request goes on to Next. Next's router, its web Request and its body streams cost more CPU
 * per request than the whole of a one-row prediction (one-row scoring took 1.27 ms of CPU per
 * request through Next, 0.16 ms through this front; `npm run bench` prints a Next route that does
 * no work beside a bare node:http server), and stream an uploaded CSV several times slower than a
 * node stream to disk.
 */

type Serve = (req: RequestLike, name: string) => Promise<Answer>;

const jsonAnswer = (status: number, value: unknown): Answer => ({ status, headers: { "content-type": "application/json" }, body: JSON.stringify(value) });

const ROUTES: { route: FrontRoute; pattern: RegExp; serve: Serve }[] = [
  { route: "score", pattern: /^\/api\/endpoints\/([^/?#]+)\/score(?:\?.*)?$/, serve: (req, name) => score(req, name, "native") },
  { route: "infer", pattern: /^\/v2\/models\/([^/?#]+)\/infer(?:\?.*)?$/, serve: (req, name) => score(req, name, "v2") },
  { route: "jobs", pattern: /^\/api\/endpoints\/([^/?#]+)\/jobs(?:\?.*)?$/, serve: async (req, name) => jsonAnswer(202, await createJob(req, name)) },
];

export type FrontRoute = "score" | "infer" | "jobs";

/** The front's route entry a request is for, with the endpoint's name, or null (a method or path left to Next, a name that does not decode). */
function match(method: string | undefined, url: string | undefined): { entry: (typeof ROUTES)[number]; name: string } | null {
  if (method !== "POST" || !url) return null;
  for (const entry of ROUTES) {
    const m = entry.pattern.exec(url);
    if (!m) continue;
    try {
      return { entry, name: decodeURIComponent(m[1]) };
    } catch {
      return null; // Malformed percent-encoding: answered by serveFront's path check.
    }
  }
  return null;
}

/** Which of the front's routes a request is for (see `match`). */
export function frontRoute(method: string | undefined, url: string | undefined): { route: FrontRoute; name: string } | null {
  const found = match(method, url);
  return found && { route: found.entry.route, name: found.name };
}

function send(res: ServerResponse, a: Answer): void {
  // The client may be gone (it hung up while its body was refused): nothing to answer, and a
  // write to the dead connection must not become an uncaught 'error' that ends the server.
  res.on("error", () => undefined);
  if (res.destroyed || res.socket?.destroyed) return;
  res.writeHead(a.status, { ...a.headers, "content-length": Buffer.byteLength(a.body) });
  res.end(a.body);
}

/**
 * The bytes that answer a request Node's HTTP parser refused before any handler saw it (a request
 * line or headers past Node's 16 KiB limit, malformed HTTP, a request that took too long to send):
 * a problem like every other refusal, where Node would send a bare status line. Null: nothing can
 * or need be sent (the client is gone).
 */
export function clientErrorBytes(err: NodeJS.ErrnoException): string | null {
  if (err.code === "ECONNRESET" || err.code === "EPIPE") return null;
  const a =
    err.code === "HPE_HEADER_OVERFLOW"
      ? problemAnswer("HEADERS_TOO_LARGE", "The request line and headers together may be at most 16 KiB.", [{ field: "headers", message: "too large" }])
      : err.code === "ERR_HTTP_REQUEST_TIMEOUT"
        ? problemAnswer("REQUEST_TIMEOUT", "The request was not received in time.")
        : problemAnswer("BAD_REQUEST", "The request is not well-formed HTTP/1.1.", [{ field: "request", message: String(err.code ?? "malformed") }]);
  const status = `${a.status} ${STATUS_CODES[a.status] ?? ""}`.trim();
  return `HTTP/1.1 ${status}\r\ncontent-type: ${a.headers["content-type"]}\r\ncontent-length: ${Buffer.byteLength(a.body)}\r\nconnection: close\r\n\r\n${a.body}`;
}

/** Whether the path of a request target percent-decodes (`/a%E0%A4%A` does not). */
function decodes(url: string | undefined): boolean {
  try {
    decodeURIComponent((url ?? "").split("?")[0]);
    return true;
  } catch {
    return false;
  }
}

/** Answers the request when it is one of the front's (or its path does not decode) and returns true; otherwise returns false and leaves it alone. */
export function serveFront(req: IncomingMessage, res: ServerResponse): boolean {
  if (!decodes(req.url)) {
    // Next answers a path it cannot decode with a bare 500; it is the client's mistake.
    send(res, problemAnswer("BAD_REQUEST", "The path is not valid percent-encoding.", [{ field: "path", message: "malformed percent-encoding" }]));
    return true;
  }
  const found = match(req.method, req.url);
  if (!found) return false;
  // Scoring answers every failure itself; a job's failure (and any bug) is answered here as a problem.
  found.entry.serve(fromNodeRequest(req), found.name).then(
    (answer) => send(res, answer),
    (e) => send(res, errorAnswer(e)),
  );
  return true;
}
