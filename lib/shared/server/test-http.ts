import http from "node:http";
import type { AddressInfo } from "node:net";

/** HTTP servers for tests (url imports, webhooks): on a port the system picks, so two runs on one machine never meet. */

export interface TestServer {
  server: http.Server;
  port: number;
  /** Ends the open connections (keep-alive ones included), then the server. */
  close(): Promise<void>;
}

/** Starts `handler` on `host` at a free port. */
export async function startTestServer(handler: http.RequestListener, host = "127.0.0.1"): Promise<TestServer> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return { server, port, close };
}

/** Answers a request in one call: its status, headers and body (none by default). */
export function answer(res: http.ServerResponse, status: number, headers: http.OutgoingHttpHeaders = {}, body?: string | Buffer): void {
  res.writeHead(status, headers);
  res.end(body);
}
