import type { IncomingMessage, ServerResponse } from "node:http";
import { checkDeclaredLength, errorAnswer, readChunksLimited, type Answer } from "@/lib/shared/http";
import { score, type ScoreCall } from "./score";

/**
 * The production server's scoring front: real-time scoring requests (`POST
 * /api/endpoints/{name}/score` and `POST /v2/models/{name}/infer`) are answered by plain node:http
 * code, in the same process as Next and with the same scoring function and serving state as Next's
 * route handlers for those paths; every other request goes on to Next. Next's router, its web
 * Request and its body streams cost more CPU per request than the whole of a one-row prediction
 * (see the README's serving figures); an application calling an endpoint need pay none of it.
 */

type Protocol = "native" | "v2";

const ROUTES: { pattern: RegExp; protocol: Protocol }[] = [
  { pattern: /^\/api\/endpoints\/([^/?#]+)\/score(?:\?.*)?$/, protocol: "native" },
  { pattern: /^\/v2\/models\/([^/?#]+)\/infer(?:\?.*)?$/, protocol: "v2" },
];

/** The scoring route a request is for, or null (a method or path the front leaves to Next, a name that does not decode). */
export function scoringRoute(method: string | undefined, url: string | undefined): { name: string; protocol: Protocol } | null {
  if (method !== "POST" || !url) return null;
  for (const { pattern, protocol } of ROUTES) {
    const m = pattern.exec(url);
    if (!m) continue;
    try {
      return { name: decodeURIComponent(m[1]), protocol };
    } catch {
      return null; // Malformed percent-encoding: Next answers it as it does any path.
    }
  }
  return null;
}

function headerOf(req: IncomingMessage, name: string): string | null {
  const v = req.headers[name];
  return v === undefined ? null : Array.isArray(v) ? v.join(", ") : v;
}

function send(res: ServerResponse, a: Answer): void {
  res.writeHead(a.status, { ...a.headers, "content-length": Buffer.byteLength(a.body) });
  res.end(a.body);
}

/** Answers the request when it is a scoring request and returns true; otherwise returns false and leaves it alone. */
export function serveScoring(req: IncomingMessage, res: ServerResponse): boolean {
  const route = scoringRoute(req.method, req.url);
  if (!route) return false;
  const call: ScoreCall = {
    header: (name) => headerOf(req, name),
    text: (limit) => {
      checkDeclaredLength(headerOf(req, "content-length"), limit);
      return readChunksLimited(req, limit);
    },
  };
  // score() answers every failure itself; a throw here would be a bug, still answered as a problem.
  score(call, route.name, route.protocol).then(
    (answer) => send(res, answer),
    (e) => send(res, errorAnswer(e)),
  );
  return true;
}
