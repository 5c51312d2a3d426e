import dns from "node:dns";
import type http from "node:http";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { AppError, type ErrorCode } from "@/lib/shared/errors";
import { answer, startTestServer, type TestServer } from "@/lib/shared/server/test-http";
import { isForbiddenAddress, openUrl, type OpenUrlOptions } from "./url-import";

// One test server on 127.0.0.1; the routes below drive the scenarios.
let server: TestServer;
let port = 0;

function handler(req: http.IncomingMessage, res: http.ServerResponse) {
  const u = new URL(req.url ?? "/", "http://x");
  switch (u.pathname) {
    case "/data/my%20file.csv":
    case "/data.csv":
      return answer(res, 200, { "content-type": "text/csv" }, "a,b\n1,2\n");
    case "/host":
      return answer(res, 200, { "content-type": "text/plain" }, req.headers.host ?? "");
    case "/disposition":
      return answer(res, 200, { "content-disposition": 'attachment; filename="report 2024.csv"' }, "x");
    case "/disposition-star":
      return answer(res, 200, { "content-disposition": "attachment; filename=\"fallback.csv\"; filename*=UTF-8''d%C3%A9j%C3%A0.csv" }, "x");
    case "/dir/":
      return answer(res, 200, {}, "x");
    case "/redirect-relative":
      return answer(res, 302, { location: "data.csv" });
    case "/redirect-to-ip":
      return answer(res, 302, { location: `http://127.0.0.1:${port}/x` });
    case "/redirect-to-ftp":
      return answer(res, 301, { location: "ftp://example.com/x" });
    case "/loop":
      return answer(res, 307, { location: "/loop" });
    case "/missing":
      return answer(res, 404, {}, "nope");
    case "/big-declared":
      return answer(res, 200, { "content-length": "1000" }, "x".repeat(1000));
    case "/big-chunked": {
      res.writeHead(200, { "content-type": "application/octet-stream" });
      let sent = 0;
      const push = () => {
        if (res.destroyed || sent >= 64) return res.end();
        sent++;
        res.write(Buffer.alloc(100, 97), () => setImmediate(push));
      };
      push();
      return;
    }
    case "/hang-headers":
      // Never answers.
      return;
    case "/hang-body":
      res.writeHead(200, { "content-type": "text/plain" });
      res.write("first chunk");
      // ...and never ends.
      return;
    default:
      return answer(res, 404);
  }
}

beforeAll(async () => {
  server = await startTestServer(handler);
  port = server.port;
});

afterAll(() => server.close());

afterEach(() => {
  vi.restoreAllMocks();
});

const opts = (over: Partial<OpenUrlOptions> = {}): OpenUrlOptions => ({
  maxBytes: 10_000,
  timeoutMs: 5_000,
  allowedHosts: [`localhost:${port}`],
  ...over,
});

async function readAll(stream: AsyncIterable<Buffer>): Promise<string> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) {
    expect(Buffer.isBuffer(chunk)).toBe(true);
    parts.push(chunk);
  }
  return Buffer.concat(parts).toString("utf8");
}

async function expectAppError(p: Promise<unknown>, code: ErrorCode, message?: RegExp): Promise<AppError> {
  const e = await p.then(
    () => {
      throw new Error(`expected AppError ${code}, but it resolved`);
    },
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(AppError);
  const err = e as AppError;
  expect(err.code).toBe(code);
  expect(err.errors[0]?.field).toBe("url");
  if (message) expect(err.message).toMatch(message);
  return err;
}

/** Makes dns.promises.lookup answer `answers` for `name` (and behave normally otherwise). */
function fakeDns(name: string, answers: { address: string; family: number }[] | Error) {
  const real = dns.promises.lookup.bind(dns.promises);
  vi.spyOn(dns.promises, "lookup").mockImplementation((async (host: string, options: unknown) => {
    if (host === name) {
      if (answers instanceof Error) throw answers;
      return answers;
    }
    return real(host, options as dns.LookupAllOptions);
  }) as typeof dns.promises.lookup);
}

describe("isForbiddenAddress", () => {
  it.each([
    "127.0.0.1",
    "10.1.2.3",
    "172.16.0.1",
    "192.168.1.1",
    "169.254.169.254",
    "100.64.0.1",
    "0.0.0.0",
    "255.255.255.255",
    "::1",
    "::",
    "fe80::1",
    "fc00::1",
    "fd12:3456::1",
    "::ffff:127.0.0.1",
    "::ffff:10.0.0.1",
    "[::1]",
    "224.0.0.1",
    "ff02::1",
    "2002:7f00:1::1",
    "2001::1",
    "64:ff9b::7f00:1",
    "not-an-ip",
  ])("refuses %s", (ip) => {
    expect(isForbiddenAddress(ip)).toBe(true);
  });

  it.each(["8.8.8.8", "1.1.1.1", "2606:4700:4700::1111", "::ffff:8.8.8.8"])("allows %s", (ip) => {
    expect(isForbiddenAddress(ip)).toBe(false);
  });
});

describe("openUrl: URL shape", () => {
  it("refuses non-http schemes", async () => {
    await expectAppError(openUrl("ftp://x", opts()), "VALIDATION", /http/);
    await expectAppError(openUrl("file:///etc/passwd", opts()), "VALIDATION");
  });

  it("refuses credentials in the URL", async () => {
    await expectAppError(openUrl("http://user:pw@localhost/", opts()), "VALIDATION", /credentials/);
    await expectAppError(openUrl(`http://user@localhost:${port}/data.csv`, opts()), "VALIDATION");
  });

  it("refuses something that is not a URL", async () => {
    await expectAppError(openUrl("not a url", opts()), "VALIDATION");
  });
});

describe("openUrl: address checks", () => {
  it("refuses 127.0.0.1 without an allow-list", async () => {
    await expectAppError(openUrl(`http://127.0.0.1:${port}/data.csv`, opts({ allowedHosts: [] })), "FORBIDDEN", /resolves to 127\.0\.0\.1 \(loopback\)/);
  });

  it("refuses localhost by name", async () => {
    await expectAppError(openUrl(`http://localhost:${port}/data.csv`, opts({ allowedHosts: [] })), "FORBIDDEN");
    await expectAppError(openUrl(`http://app.localhost:${port}/`, opts({ allowedHosts: [] })), "FORBIDDEN");
    await expectAppError(openUrl("http://metadata.google.internal/", opts({ allowedHosts: [] })), "FORBIDDEN");
  });

  it("refuses metadata and private IP literals", async () => {
    await expectAppError(openUrl("http://169.254.169.254/latest/meta-data/", opts()), "FORBIDDEN", /linkLocal/);
    await expectAppError(openUrl("http://[::1]/", opts()), "FORBIDDEN", /loopback/);
    await expectAppError(openUrl("http://[::ffff:127.0.0.1]/", opts()), "FORBIDDEN", /loopback/);
    // Odd IPv4 spellings are normalised by the URL parser first.
    await expectAppError(openUrl("http://2130706433/", opts()), "FORBIDDEN", /127\.0\.0\.1/);
    await expectAppError(openUrl("http://0x7f.1/", opts()), "FORBIDDEN", /127\.0\.0\.1/);
  });

  it("allow-listing localhost:PORT does not allow 127.0.0.1:PORT", async () => {
    await expectAppError(openUrl(`http://127.0.0.1:${port}/data.csv`, opts()), "FORBIDDEN");
  });

  it("allow-listing host:PORT does not allow another port", async () => {
    await expectAppError(openUrl(`http://localhost:${port + 1}/data.csv`, opts()), "FORBIDDEN");
  });

  it("refuses a name when ANY of its addresses is not public", async () => {
    fakeDns("mixed.example", [
      { address: "8.8.8.8", family: 4 },
      { address: "10.0.0.5", family: 4 },
    ]);
    await expectAppError(openUrl("http://mixed.example/x", opts()), "FORBIDDEN", /10\.0\.0\.5 \(private\)/);
  });

  it("refuses a name resolving to an IPv4-mapped loopback", async () => {
    fakeDns("mapped.example", [{ address: "::ffff:127.0.0.1", family: 6 }]);
    await expectAppError(openUrl("http://mapped.example/x", opts()), "FORBIDDEN", /loopback/);
  });

  it("reports an unknown host as VALIDATION", async () => {
    fakeDns("nowhere.example", Object.assign(new Error("getaddrinfo ENOTFOUND"), { code: "ENOTFOUND" }));
    await expectAppError(openUrl("http://nowhere.example/x", opts()), "VALIDATION", /host not found/);
  });
});

describe("openUrl: fetching", () => {
  it("fetches from an allow-listed host and streams the body", async () => {
    const opened = await openUrl(`http://localhost:${port}/data.csv`, opts());
    expect(opened.contentType).toBe("text/csv");
    expect(opened.fileName).toBe("data.csv");
    expect(opened.finalUrl).toBe(`http://localhost:${port}/data.csv`);
    expect(await readAll(opened.stream)).toBe("a,b\n1,2\n");
  });

  it("connects to the checked address and keeps the original Host header", async () => {
    // The name only exists in our fake DNS: the connection must use the address we resolved.
    fakeDns("pinned.test", [{ address: "127.0.0.1", family: 4 }]);
    const opened = await openUrl(`http://pinned.test:${port}/host`, opts({ allowedHosts: [`pinned.test:${port}`] }));
    expect(await readAll(opened.stream)).toBe(`pinned.test:${port}`);
  });

  it("tries the next address when the first refuses the connection", async () => {
    // Like `localhost` resolving to ::1 first while the server only listens on 127.0.0.1.
    fakeDns("dual.test", [
      { address: "::1", family: 6 },
      { address: "127.0.0.1", family: 4 },
    ]);
    const opened = await openUrl(`http://dual.test:${port}/data.csv`, opts({ allowedHosts: ["dual.test"] }));
    expect(await readAll(opened.stream)).toBe("a,b\n1,2\n");
  });

  it("follows relative redirects", async () => {
    const opened = await openUrl(`http://localhost:${port}/redirect-relative`, opts());
    expect(opened.finalUrl).toBe(`http://localhost:${port}/data.csv`);
    expect(await readAll(opened.stream)).toBe("a,b\n1,2\n");
  });

  it("re-checks every redirect target", async () => {
    await expectAppError(openUrl(`http://localhost:${port}/redirect-to-ip`, opts()), "FORBIDDEN", /127\.0\.0\.1 \(loopback\)/);
  });

  it("refuses a redirect to a non-http scheme", async () => {
    await expectAppError(openUrl(`http://localhost:${port}/redirect-to-ftp`, opts()), "FORBIDDEN");
  });

  it("gives up on a redirect loop", async () => {
    await expectAppError(openUrl(`http://localhost:${port}/loop`, opts()), "UPSTREAM", /redirects/);
    await expectAppError(openUrl(`http://localhost:${port}/loop`, opts({ maxRedirects: 1 })), "UPSTREAM");
  });

  it("reports a non-2xx status as UPSTREAM", async () => {
    await expectAppError(openUrl(`http://localhost:${port}/missing`, opts()), "UPSTREAM", /404/);
  });

  it("refuses a declared Content-Length above the limit before reading", async () => {
    await expectAppError(openUrl(`http://localhost:${port}/big-declared`, opts({ maxBytes: 999 })), "TOO_LARGE");
    const ok = await openUrl(`http://localhost:${port}/big-declared`, opts({ maxBytes: 1000 }));
    expect(ok.contentLength).toBe(1000);
    expect((await readAll(ok.stream)).length).toBe(1000);
  });

  it("stops a chunked body that grows past the limit while iterating", async () => {
    const opened = await openUrl(`http://localhost:${port}/big-chunked`, opts({ maxBytes: 1_000 }));
    expect(opened.contentLength).toBeUndefined();
    let seen = 0;
    const err = await expectAppError(
      (async () => {
        for await (const chunk of opened.stream) seen += chunk.length;
      })(),
      "TOO_LARGE",
    );
    expect(err.errors[0].field).toBe("url");
    expect(seen).toBeLessThanOrEqual(1_000);
  });

  it("times out while waiting for the response", async () => {
    await expectAppError(openUrl(`http://localhost:${port}/hang-headers`, opts({ timeoutMs: 300 })), "UPSTREAM_TIMEOUT");
  });

  it("times out while streaming the body", async () => {
    const opened = await openUrl(`http://localhost:${port}/hang-body`, opts({ timeoutMs: 300 }));
    let text = "";
    await expectAppError(
      (async () => {
        for await (const chunk of opened.stream) text += chunk.toString();
      })(),
      "UPSTREAM_TIMEOUT",
    );
    expect(text).toBe("first chunk");
  });
});

describe("openUrl: file names", () => {
  it("takes the decoded last path segment", async () => {
    const opened = await openUrl(`http://localhost:${port}/data/my%20file.csv`, opts());
    expect(opened.fileName).toBe("my file.csv");
    await readAll(opened.stream);
  });

  it("prefers Content-Disposition", async () => {
    const a = await openUrl(`http://localhost:${port}/disposition`, opts());
    expect(a.fileName).toBe("report 2024.csv");
    await readAll(a.stream);
    const b = await openUrl(`http://localhost:${port}/disposition-star`, opts());
    expect(b.fileName).toBe("déjà.csv");
    await readAll(b.stream);
  });

  it('falls back to "download"', async () => {
    const opened = await openUrl(`http://localhost:${port}/dir/`, opts());
    expect(opened.fileName).toBe("download");
    await readAll(opened.stream);
  });
});
