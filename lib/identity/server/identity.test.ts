import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb, schema } from "@/db/client";
import { AppError } from "@/lib/shared/errors";
import { countAudit } from "./audit";
import { runWithCall, type Principal } from "./context";
import { acceptInvite, createInvite } from "./invites";
import { isCrossSite, isSameOrigin, ownOrigin } from "./origin";
import { createPerson, updatePerson } from "./people";
import { authenticate } from "./principal";
import { createToken } from "./tokens";

const h = (o: Record<string, string>) => new Headers(o);
const uniqueEmail = (what: string) => `${what}-${Math.random().toString(36).slice(2, 8)}@unit.test`;

async function person(role: "admin" | "editor" | "viewer"): Promise<Principal> {
  const p = await createPerson({ email: uniqueEmail(role), name: role, password: "password-123" }, role);
  return { userId: p.id, email: p.email, name: p.name, role, via: "session" };
}

describe("origins", () => {
  it("is the Host the request was addressed to, so 127.0.0.1 and localhost both work", () => {
    expect(ownOrigin(h({ host: "127.0.0.1:3000" }), "http://localhost:3000/api/x")).toBe("http://127.0.0.1:3000");
    expect(isSameOrigin(h({ host: "localhost:3000", origin: "http://localhost:3000" }))).toBe(true);
    expect(isSameOrigin(h({ host: "127.0.0.1:3000", origin: "http://127.0.0.1:3000" }))).toBe(true);
    expect(isSameOrigin(h({ host: "127.0.0.1:3000", origin: "http://evil.example" }))).toBe(false);
    expect(isSameOrigin(h({ host: "127.0.0.1:3000", origin: "null" }))).toBe(false);
    expect(isSameOrigin(h({ host: "127.0.0.1:3000", "sec-fetch-site": "same-origin" }))).toBe(true);
    expect(isSameOrigin(h({ host: "127.0.0.1:3000", "sec-fetch-site": "cross-site" }))).toBe(false);
    expect(isSameOrigin(h({ host: "127.0.0.1:3000" }))).toBe(false);
    expect(isCrossSite(h({ host: "127.0.0.1:3000" }))).toBe(false);
    expect(isCrossSite(h({ host: "127.0.0.1:3000", origin: "https://evil.example" }))).toBe(true);
  });
});

describe("personal API tokens", () => {
  it("authenticate as their owner, capped by the owner's current role; expired and disabled owners' tokens are refused", async () => {
    const editor = await person("editor");
    const made = createToken({ name: "ci" }, editor);
    expect(await authenticate(h({ authorization: `Bearer ${made.token}` }))).toMatchObject({ userId: editor.userId, role: "editor", via: "token" });
    const stored = getDb().select().from(schema.apiTokens).where(eq(schema.apiTokens.id, made.id)).get()!;
    expect(stored.tokenHash).not.toContain(made.token);
    expect(JSON.stringify(stored)).not.toContain(made.token);

    const admin = await person("admin");
    runWithCall({ principal: admin, ip: null }, () => updatePerson(editor.userId, { role: "viewer" }, admin));
    expect((await authenticate(h({ authorization: `Bearer ${made.token}` })))?.role).toBe("viewer");

    getDb()
      .update(schema.apiTokens)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(schema.apiTokens.id, made.id))
      .run();
    await expect(authenticate(h({ authorization: `Bearer ${made.token}` }))).rejects.toMatchObject({
      code: "UNAUTHORIZED",
      errors: [{ field: "authorization", message: "expired" }],
    });

    const other = createToken({ name: "second" }, { ...editor, role: "viewer" });
    updatePerson(editor.userId, { disabled: true }, admin);
    await expect(authenticate(h({ authorization: `Bearer ${other.token}` }))).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });

  it("never carry more than their maker's role", async () => {
    const viewer = await person("viewer");
    expect(() => createToken({ name: "x", role: "editor" }, viewer)).toThrow(AppError);
    expect(() => createToken({ name: "x", expiresInDays: 0 }, viewer)).toThrow(/expiresInDays/);
  });
});

describe("invites", () => {
  it("work once, before they expire", async () => {
    const admin = await person("admin");
    const invite = createInvite({ role: "editor" }, admin, "http://localhost:3000");
    expect(invite.url).toBe(`http://localhost:3000/invite?token=${invite.token}`);
    const joined = await acceptInvite({ token: invite.token, email: uniqueEmail("joined"), name: "J", password: "password-123" });
    expect(joined.role).toBe("editor");
    await expect(acceptInvite({ token: invite.token, email: uniqueEmail("again"), name: "J", password: "password-123" })).rejects.toMatchObject({
      code: "CONFLICT",
    });

    const old = createInvite({ role: "viewer" }, admin, "http://x");
    getDb()
      .update(schema.invites)
      .set({ expiresAt: new Date(Date.now() - 1) })
      .where(eq(schema.invites.id, old.id))
      .run();
    await expect(acceptInvite({ token: old.token, email: uniqueEmail("late"), name: "L", password: "password-123" })).rejects.toMatchObject({
      errors: [{ field: "token", message: "expired" }],
    });
    expect(countAudit("invite.failed", {}, new Date(Date.now() - 60_000)).n).toBeGreaterThanOrEqual(2);
  });

  it("an address taken already gives the invite back", async () => {
    const admin = await person("admin");
    const taken = await person("viewer");
    const invite = createInvite({ role: "viewer" }, admin, "http://x");
    await expect(acceptInvite({ token: invite.token, email: taken.email, name: "T", password: "password-123" })).rejects.toMatchObject({ code: "CONFLICT" });
    const row = getDb().select().from(schema.invites).where(eq(schema.invites.id, invite.id)).get()!;
    expect(row.usedAt).toBeNull();
  });
});
