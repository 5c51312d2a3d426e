// The production web server (`npm start` runs it through scripts/launch.mjs): Next.js for the app
// and its API, behind a node:http listener that answers real-time scoring itself
// (lib/integrate/server/serving/front.ts) — the same code as Next's route handlers for those paths,
// without Next's per-request router and stream machinery.
import http from "node:http";
import path from "node:path";

/** How long a stop waits for requests in flight. */
const STOP_GRACE_MS = 5000;
/**
 * How long an idle kept-alive connection stays open. Node's default (5 s) races clients that reuse
 * a connection just as the server closes it (the client sees ECONNRESET); clients and proxies
 * expect the server to keep it longer than they do (60 s is the common proxy idle timeout).
 */
const KEEP_ALIVE_MS = 65_000;

async function main() {
  const port = Number(process.argv[process.argv.indexOf("-p") + 1] || process.env.PORT || 3000);
  // As `next start` does, before React and Next are loaded.
  (process.env as Record<string, string>).NODE_ENV = "production";
  // A standby (launch.mjs): instrumentation.ts leaves what only the serving process does until it takes over.
  const standby = process.argv.includes("--standby");
  if (standby) process.env.WORKBENCH_STANDBY = "1";
  // This server prints the set-up link itself, after its address (instrumentation.ts does under `next dev`).
  process.env.WORKBENCH_FRONT = "1";
  const { default: next } = await import("next");
  const app = next({ dev: false, dir: path.resolve(__dirname, ".."), port, hostname: "localhost" });
  const handle = app.getRequestHandler();
  // Migrations, samples and the background timers run here (instrumentation.ts) before the first request is taken.
  await app.prepare();
  const { clientErrorBytes, serveFront } = await import("@/lib/integrate/server/serving/front");
  // Diagnostics (the soak): this thread's memory every N ms, to tell its heap from the reader threads' and native memory in the RSS.
  const memoryLogMs = Number(process.env.WORKBENCH_MEMORY_LOG_MS ?? 0);
  if (memoryLogMs > 0) {
    const mb = (n: number) => Math.round(n / 2 ** 20);
    setInterval(() => {
      const m = process.memoryUsage();
      console.log(
        `[memory] rss ${mb(m.rss)} MB, main heap ${mb(m.heapUsed)}/${mb(m.heapTotal)} MB, external ${mb(m.external)} MB, array buffers ${mb(m.arrayBuffers)} MB`,
      );
    }, memoryLogMs).unref();
  }
  // Diagnostics (the soak): garbage-collection pauses and event-loop stalls of this thread longer than N ms, with the time, to tell what a slow request waited for.
  const pausesMs = Number(process.env.WORKBENCH_LOG_PAUSES_MS ?? 0);
  if (pausesMs > 0) {
    const { PerformanceObserver, constants } = await import("node:perf_hooks");
    const kinds: Record<number, string> = {
      [constants.NODE_PERFORMANCE_GC_MAJOR]: "major",
      [constants.NODE_PERFORMANCE_GC_MINOR]: "minor",
      [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: "incremental",
      [constants.NODE_PERFORMANCE_GC_WEAKCB]: "weak callbacks",
    };
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        if (e.duration < pausesMs) continue;
        const kind = (e as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind;
        console.log(`[pause] ${new Date(performance.timeOrigin + e.startTime).toISOString()} gc ${kinds[kind ?? -1] ?? kind} ${Math.round(e.duration)} ms`);
      }
    }).observe({ entryTypes: ["gc"] });
    let last = performance.now();
    setInterval(() => {
      const now = performance.now();
      if (now - last - 10 >= pausesMs)
        console.log(`[pause] ${new Date(performance.timeOrigin + last).toISOString()} event loop stalled ${Math.round(now - last - 10)} ms`);
      last = now;
    }, 10).unref();
  }
  const { setupLink } = await import("@/lib/identity/server/setup");
  let stopping = false;
  const server = http.createServer((req, res) => {
    // Stopping: answer, then close the connection, so kept-alive clients go elsewhere and the drain ends.
    if (stopping) res.setHeader("connection", "close");
    // The caller's address for sign-in limits and the audit log (Next's route handlers see no socket); never taken from the client.
    req.headers["x-workbench-peer"] = req.socket.remoteAddress ?? "";
    if (serveFront(req, res)) return;
    handle(req, res).catch((e) => {
      console.error("[server] request failed", e);
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  // What Node's parser refuses (headers past 16 KiB, malformed HTTP) is answered as a problem too.
  server.on("clientError", (err: NodeJS.ErrnoException, socket) => {
    const bytes = socket.writable ? clientErrorBytes(err) : null;
    if (bytes) socket.end(bytes);
    else socket.destroy();
  });
  server.keepAliveTimeout = KEEP_ALIVE_MS;
  server.headersTimeout = KEEP_ALIVE_MS + 1000;
  const listen = () =>
    server.listen(port, () => {
      console.log(`▲ workbench ready on http://localhost:${port}`);
      // Before anyone has an account: the one-time link that creates the first administrator.
      const link = setupLink(`http://localhost:${port}`);
      if (link) console.log(`▲ set up the first administrator: ${link}`);
      // The supervisor starts a standby once this one serves (launch.mjs).
      process.send?.({ type: "listening" });
      // The first page rendered runs React's server rendering for the first time, a few hundred ms on
      // this thread that scoring requests wait behind: done now, on the one page anyone may open.
      void fetch(`http://127.0.0.1:${port}/sign-in`)
        .then((r) => r.arrayBuffer())
        .catch(() => {});
    });
  if (!standby) listen();
  else {
    // A standby: loaded, prepared and with the deployed models compiled, it listens only when the
    // supervisor says the serving web server died — serving again takes milliseconds, not a start.
    process.on("message", (m: { type?: string }) => {
      if (m?.type !== "take-over" || server.listening || stopping) return;
      listen();
      // It is the serving one now: its command line says so (ps, the supervisor's tests, the soak's kills).
      process.title = process.argv.filter((a) => a !== "--standby").join(" ");
      // What the dead server left half-made, then the timers only the serving process runs (instrumentation.ts).
      void (globalThis as { __workbenchTakeOver?: () => Promise<void> }).__workbenchTakeOver?.();
    });
    console.log(`[server] standing by (pid ${process.pid}) to take over port ${port}`);
    process.send?.({ type: "standing-by" });
  }
  // A clean stop: no new connections, requests in flight answered, then exit (the request log flushes on exit, request-log.ts).
  // Once only: Ctrl-C reaches this process and the supervisor's SIGTERM follows.
  const stop = () => {
    if (stopping) return;
    stopping = true;
    server.close(() => void app.close().finally(() => process.exit(0)));
    server.closeIdleConnections();
    setTimeout(() => process.exit(0), STOP_GRACE_MS).unref();
  };
  // `on`, not `once`: the request log's own handler exits at once when it is the only one left
  // (request-log.ts); with `once` it would be from the first signal on, cutting off the requests in
  // flight (supervisor.spec.ts's Ctrl-C test holds one).
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
  // Started by a supervisor that is gone (killed without a chance to stop us): stop too, rather than hold the port for ever.
  process.on("disconnect", stop);
}

main().catch((e) => {
  console.error("[server] could not start", e);
  process.exit(1);
});
