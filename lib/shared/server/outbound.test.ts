import dns from "node:dns";
import { afterEach, describe, expect, it, vi } from "vitest";
import { AppError, type ErrorCode } from "@/lib/shared/errors";
import { forbiddenAddressReason, isAllowListed, parseOutboundUrl, resolveGuarded, tryAddresses, type GuardOptions } from "./outbound";

afterEach(() => {
  vi.restoreAllMocks();
});

/** Makes dns.promises.lookup answer `answers` for `name` (and behave normally otherwise). */
function fakeDns(name: string, answers: { address: string; family: number }[]) {
  const real = dns.promises.lookup.bind(dns.promises);
  vi.spyOn(dns.promises, "lookup").mockImplementation((async (host: string, options: unknown) =>
    host === name ? answers : real(host, options as dns.LookupAllOptions)) as typeof dns.promises.lookup);
}

async function refusal(p: Promise<unknown>): Promise<AppError> {
  const e = await p.then(
    () => new Error("expected a refusal, but it resolved"),
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(AppError);
  return e as AppError;
}

const guard = (over: Partial<GuardOptions> = {}): GuardOptions => ({ allowedHosts: [], field: "webhookUrl", refusedCode: "VALIDATION", ...over });
const resolve = (url: string, over: Partial<GuardOptions> = {}) => resolveGuarded(new URL(url), guard(over));

describe("forbiddenAddressReason", () => {
  it.each([
    ["127.0.0.1", "loopback"],
    ["10.0.0.1", "private"],
    ["172.16.0.1", "private"],
    ["172.31.255.255", "private"],
    ["192.168.1.1", "private"],
    ["169.254.169.254", "linkLocal"],
    ["0.0.0.0", "unspecified"],
    ["100.64.0.1", "carrierGradeNat"],
    ["::1", "loopback"],
    ["[::1]", "loopback"],
    ["::", "unspecified"],
    ["fc00::1", "uniqueLocal"],
    ["fd12:3456::1", "uniqueLocal"],
    ["fe80::1", "linkLocal"],
    ["::ffff:127.0.0.1", "loopback"],
    ["::ffff:7f00:1", "loopback"],
    ["::ffff:169.254.169.254", "linkLocal"],
    ["224.0.0.1", "multicast"],
    ["not-an-ip", "not an IP address"],
  ])("%s is refused (%s)", (ip, reason) => {
    expect(forbiddenAddressReason(ip)).toBe(reason);
  });

  it.each(["8.8.8.8", "172.32.0.1", "1.1.1.1", "2606:4700:4700::1111", "::ffff:8.8.8.8"])("%s is public", (ip) => {
    expect(forbiddenAddressReason(ip)).toBeNull();
  });
});

describe("parseOutboundUrl", () => {
  it.each([
    ["ftp://example.com/x", /http/],
    ["file:///etc/passwd", /http/],
    ["http://user:pw@example.com/", /credentials/],
    ["http://user@example.com/", /credentials/],
    ["not a url", /valid URL/],
  ])("refuses %s naming the field", (url, message) => {
    let err: unknown;
    try {
      parseOutboundUrl(url, "webhookUrl");
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe<ErrorCode>("VALIDATION");
    expect((err as AppError).errors[0]).toMatchObject({ field: "webhookUrl", message: expect.stringMatching(message) });
  });

  it("takes http and https", () => {
    expect(parseOutboundUrl("https://hooks.example.com/a?b=1", "url").host).toBe("hooks.example.com");
    expect(parseOutboundUrl("http://1.2.3.4:8080/", "url").port).toBe("8080");
  });
});

describe("resolveGuarded", () => {
  it.each([
    "http://127.0.0.1:3000/",
    "http://10.0.0.1/",
    "http://192.168.0.10/",
    "http://172.16.5.4/",
    "http://169.254.169.254/latest/meta-data/",
    "http://[::1]/",
    "http://[fc00::1]/",
    "http://[fe80::1]/",
    "http://0.0.0.0/",
    "http://[::ffff:127.0.0.1]/",
    "http://2130706433/",
    "http://localhost/",
    "http://app.localhost/",
    "http://metadata.google.internal/",
  ])("refuses %s with the caller's code and field", async (url) => {
    const e = await refusal(resolve(url));
    expect(e.code).toBe("VALIDATION");
    expect(e.errors[0]?.field).toBe("webhookUrl");
  });

  it("uses FORBIDDEN when the caller names no code", async () => {
    const e = await refusal(resolveGuarded(new URL("http://10.0.0.1/"), { allowedHosts: [], field: "url" }));
    expect(e.code).toBe("FORBIDDEN");
    expect(e.errors[0]?.field).toBe("url");
  });

  it("refuses a name when any of its addresses is not public, and says which", async () => {
    fakeDns("mixed.example", [
      { address: "93.184.216.34", family: 4 },
      { address: "10.0.0.5", family: 4 },
    ]);
    expect((await refusal(resolve("http://mixed.example/"))).message).toMatch(/10\.0\.0\.5 \(private\)/);
  });

  it("refuses a name resolving to an IPv4-mapped loopback", async () => {
    fakeDns("mapped.example", [{ address: "::ffff:127.0.0.1", family: 6 }]);
    expect((await refusal(resolve("http://mapped.example/"))).message).toMatch(/loopback/);
  });

  it("answers a public name's addresses", async () => {
    fakeDns("public.example", [{ address: "93.184.216.34", family: 4 }]);
    expect(await resolve("https://public.example/hook")).toEqual([{ address: "93.184.216.34", family: 4 }]);
  });

  it("reports a host that is not found as VALIDATION", async () => {
    vi.spyOn(dns.promises, "lookup").mockRejectedValue(Object.assign(new Error("getaddrinfo ENOTFOUND"), { code: "ENOTFOUND" }));
    const e = await refusal(resolve("http://nowhere.example/", { refusedCode: "FORBIDDEN" }));
    expect(e.code).toBe("VALIDATION");
    expect(e.message).toMatch(/host not found/);
  });

  it("lets an allow-listed host through, by name or by name and port only", async () => {
    expect(await resolve("http://127.0.0.1:8123/", { allowedHosts: ["127.0.0.1:8123"] })).toEqual([{ address: "127.0.0.1", family: 4 }]);
    expect(await resolve("http://127.0.0.1:9999/", { allowedHosts: ["127.0.0.1"] })).toEqual([{ address: "127.0.0.1", family: 4 }]);
    expect(await resolve("http://[::1]:8123/", { allowedHosts: ["[::1]:8123"] })).toEqual([{ address: "::1", family: 6 }]);
    await refusal(resolve("http://127.0.0.1:8124/", { allowedHosts: ["127.0.0.1:8123"] }));
    await refusal(resolve("http://10.0.0.1/", { allowedHosts: ["127.0.0.1"] }));
  });
});

describe("isAllowListed", () => {
  it("matches the effective port of the scheme", () => {
    expect(isAllowListed(new URL("http://hooks.internal/"), ["hooks.internal:80"])).toBe(true);
    expect(isAllowListed(new URL("https://hooks.internal/"), ["hooks.internal:443"])).toBe(true);
    expect(isAllowListed(new URL("https://hooks.internal/"), ["hooks.internal:80"])).toBe(false);
    expect(isAllowListed(new URL("https://HOOKS.internal/"), [" hooks.internal "])).toBe(true);
    expect(isAllowListed(new URL("https://hooks.internal/"), [])).toBe(false);
  });
});

describe("tryAddresses", () => {
  const targets = [
    { address: "10.0.0.1", family: 4 as const },
    { address: "10.0.0.2", family: 4 as const },
  ];

  it("moves on to the next address only when a connection is refused or unreachable", async () => {
    const tried: string[] = [];
    const result = await tryAddresses(targets, async (t) => {
      tried.push(t.address);
      if (t.address === "10.0.0.1") throw Object.assign(new Error("refused"), { code: "ECONNREFUSED" });
      return t.address;
    });
    expect(result).toBe("10.0.0.2");
    expect(tried).toEqual(["10.0.0.1", "10.0.0.2"]);
  });

  it("stops at another error and throws it", async () => {
    const tried: string[] = [];
    const failure = tryAddresses(targets, async (t) => {
      tried.push(t.address);
      throw Object.assign(new Error("reset"), { code: "ECONNRESET" });
    });
    await expect(failure).rejects.toThrow("reset");
    expect(tried).toEqual(["10.0.0.1"]);
  });
});
