import { describe, expect, it } from "vitest";
import { expiryDaysError, identityProblem } from "./queries";

describe("expiryDaysError", () => {
  it("takes empty (the server's default) and whole days from 1", () => {
    expect(expiryDaysError(undefined, undefined)).toBeUndefined();
    expect(expiryDaysError(1, undefined)).toBeUndefined();
    expect(expiryDaysError(365, undefined)).toBeUndefined();
  });

  it("refuses zero, negative and fractional days", () => {
    for (const days of [0, -3, 1.5]) expect(expiryDaysError(days, undefined)).toBe("A whole number of days, 1 or more.");
  });

  it("says the server's reason first", () => {
    expect(expiryDaysError(7, "at most 365 days")).toBe("at most 365 days");
  });
});

describe("identityProblem", () => {
  it("reads better-auth's {message} as the detail", async () => {
    const res = new Response(JSON.stringify({ message: "Invalid email or password" }), { status: 401, statusText: "Unauthorized" });
    expect(await identityProblem(res)).toMatchObject({ status: 401, detail: "Invalid email or password" });
  });

  it("keeps a problem's own detail over a message", async () => {
    const res = new Response(JSON.stringify({ title: "Forbidden", status: 403, detail: "The invite was revoked.", message: "other" }), { status: 403 });
    expect(await identityProblem(res)).toMatchObject({ title: "Forbidden", detail: "The invite was revoked." });
  });

  it("says when to try again after a 429, in seconds or minutes", async () => {
    const soon = new Response(JSON.stringify({ message: "Too many requests." }), { status: 429, headers: { "retry-after": "42" } });
    expect((await identityProblem(soon)).detail).toBe("Too many requests. Try again in 42 seconds.");
    const later = new Response("", { status: 429, statusText: "Too Many Requests", headers: { "retry-after": "600" } });
    expect((await identityProblem(later)).detail).toBe("The server answered 429. Try again in 10 minutes.");
  });
});
