import { randomBytes } from "node:crypto";
import { and, desc, eq, isNull } from "drizzle-orm";
import { z } from "zod";
import { getDb, schema } from "@/db/client";
import type { InviteRow } from "@/db/schema";
import { AppError, notFound } from "@/lib/shared/errors";
import { parseWith } from "@/lib/shared/http";
import { newId } from "@/lib/shared/ids";
import { ROLES } from "../roles";
import type { InviteCreated, InviteItem } from "../types";
import { recordAudit } from "./audit";
import type { Principal } from "./context";
import { createPerson, joinSchema, type Person } from "./people";
import { hashSecret } from "./tokens";

const DEFAULT_DAYS = 7;

function toItem(r: InviteRow, now = Date.now()): InviteItem {
  const status = r.revokedAt ? "revoked" : r.usedAt ? "used" : r.expiresAt.getTime() <= now ? "expired" : "pending";
  return {
    id: r.id,
    role: r.role,
    email: r.email,
    createdAt: r.createdAt.toISOString(),
    expiresAt: r.expiresAt.toISOString(),
    usedAt: r.usedAt?.toISOString() ?? null,
    revokedAt: r.revokedAt?.toISOString() ?? null,
    status,
  };
}

const createSchema = z
  .object({
    role: z.enum(ROLES),
    email: z.string().trim().toLowerCase().email().max(320).optional(),
    expiresInDays: z.number().int().min(1).max(30).optional(),
  })
  .strict();

/** `{role, email?, expiresInDays?}` → the invite with its link, shown this once (the token is stored hashed). */
export function createInvite(input: unknown, by: Principal, origin: string): InviteCreated {
  const body = parseWith(createSchema, input);
  const token = randomBytes(24).toString("base64url");
  const now = new Date();
  const row: InviteRow = {
    id: newId("inv"),
    tokenHash: hashSecret(token),
    role: body.role,
    email: body.email ?? null,
    createdBy: by.userId,
    createdAt: now,
    expiresAt: new Date(now.getTime() + (body.expiresInDays ?? DEFAULT_DAYS) * 86_400_000),
    usedAt: null,
    usedBy: null,
    revokedAt: null,
  };
  getDb().insert(schema.invites).values(row).run();
  return { ...toItem(row), token, url: `${origin}/invite?token=${token}` };
}

export function listInvites(): InviteItem[] {
  return getDb()
    .select()
    .from(schema.invites)
    .orderBy(desc(schema.invites.createdAt))
    .all()
    .map((r) => toItem(r));
}

export function revokeInvite(id: string): InviteItem {
  const db = getDb();
  const row = db.select().from(schema.invites).where(eq(schema.invites.id, id)).get();
  if (!row) throw notFound("Invite", id);
  if (row.usedAt) throw new AppError("CONFLICT", "This invite was used already; disable the account instead.", [{ field: "id", message: "used" }]);
  db.update(schema.invites).set({ revokedAt: new Date() }).where(eq(schema.invites.id, id)).run();
  return toItem({ ...row, revokedAt: new Date() });
}

const acceptSchema = joinSchema.extend({ token: z.string().min(1).max(200) });

/**
 * `{token, email, name, password}`: joins with the invite's role. The invite is taken in one
 * conditional update (valid once, even for two calls at the same moment) and given back if the
 * account cannot be made (the address is taken).
 */
export async function acceptInvite(input: unknown): Promise<Person> {
  const body = parseWith(acceptSchema, input);
  const db = getDb();
  const row = db
    .select()
    .from(schema.invites)
    .where(eq(schema.invites.tokenHash, hashSecret(body.token)))
    .get();
  const refuse = (code: "NOT_FOUND" | "CONFLICT", detail: string, reason: string) => {
    recordAudit({ action: "invite.failed", target: body.email, outcome: "denied", detail: { reason } });
    return new AppError(code, detail, [{ field: "token", message: reason }]);
  };
  if (!row) throw refuse("NOT_FOUND", "This invite link is not valid; ask an administrator for a new one.", "unknown");
  if (row.revokedAt) throw refuse("CONFLICT", "This invite was revoked; ask an administrator for a new one.", "revoked");
  if (row.usedAt) throw refuse("CONFLICT", "This invite was used already; sign in, or ask for a new one.", "used");
  if (row.expiresAt.getTime() <= Date.now()) throw refuse("CONFLICT", "This invite has expired; ask an administrator for a new one.", "expired");
  if (row.email && row.email !== body.email)
    throw new AppError("VALIDATION", "This invite is for another address.", [{ field: "email", message: "not the invited address" }]);
  const now = new Date();
  const taken = db
    .update(schema.invites)
    .set({ usedAt: now })
    .where(and(eq(schema.invites.id, row.id), isNull(schema.invites.usedAt), isNull(schema.invites.revokedAt)))
    .run().changes;
  if (taken !== 1) throw refuse("CONFLICT", "This invite was used already; sign in, or ask for a new one.", "used");
  try {
    const person = await createPerson({ email: body.email, name: body.name, password: body.password }, row.role);
    db.update(schema.invites).set({ usedBy: person.id }).where(eq(schema.invites.id, row.id)).run();
    recordAudit({ action: "invite.accept", target: person.email, actor: { id: person.id, email: person.email }, detail: { role: row.role, inviteId: row.id } });
    return person;
  } catch (e) {
    db.update(schema.invites).set({ usedAt: null }).where(eq(schema.invites.id, row.id)).run();
    throw e;
  }
}
