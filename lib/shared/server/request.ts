import type { IncomingMessage } from "node:http";
import { Readable } from "node:stream";
import type { ReadableStream as NodeReadableStream } from "node:stream/web";
import { checkDeclaredLength, readChunksLimited, readTextLimited } from "../http";

/**
 * What a handler needs of a request, whichever server received it: Next's route handlers (a web
 * Request) or the production server's node:http front (an IncomingMessage), so both serve a path
 * with the same code.
 */
export interface RequestLike {
  /** A header by its lower-case name. */
  header(name: string): string | null;
  /** The body as text: 413 past `limit` bytes. */
  text(limit: number): Promise<string>;
  /** The body as a node stream, read once (null: there is none). */
  stream(): Readable | null;
}

export function fromWebRequest(req: Request): RequestLike {
  return {
    header: (name) => req.headers.get(name),
    text: (limit) => readTextLimited(req, limit),
    stream: () => (req.body ? Readable.fromWeb(req.body as NodeReadableStream) : null),
  };
}

export function fromNodeRequest(req: IncomingMessage): RequestLike {
  const header = (name: string) => {
    const v = req.headers[name];
    return v === undefined ? null : Array.isArray(v) ? v.join(", ") : v;
  };
  return {
    header,
    text: (limit) => {
      checkDeclaredLength(header("content-length"), limit);
      return readChunksLimited(req, limit);
    },
    stream: () => req,
  };
}
