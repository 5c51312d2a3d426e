import { createHash, randomBytes } from "node:crypto";
import { desc, eq } from "drizzle-orm";
import { z } from "zod";
import { getDb, schema } from "@/db/client";
import type { ApiTokenRow } from "@/db/schema";
import { AppError, notFound } from "@/lib/shared/errors";
import { parseWith } from "@/lib/shared/http";
import { newId } from "@/lib/shared/ids";
import { atLeast, ROLES } from "../roles";
import type { TokenCreated, TokenItem } from "../types";
import type { Principal } from "./context";

export const TOKEN_PREFIX = "wbt_";
/** Characters of a token kept in clear for display ("wbt_AbCdEfGh…"). */
const SHOWN_CHARS = 12;
const DEFAULT_EXPIRY_DAYS = 90;

export const hashSecret = (secret: string): string => createHash("sha256").update(secret).digest("hex");

const createSchema = z
  .object({
    name: z.string().trim().min(1).max(100),
    role: z.enum(ROLES).optional(),
    /** Days until it stops working (1–3650); null for a token that does not expire. */
    expiresInDays: z.number().int().min(1).max(3650).nullable().optional(),
  })
  .strict();

/** `{name, role?, expiresInDays?}` → the token, shown this once; its role is at most its owner's. */
export function createToken(input: unknown, owner: Principal): TokenCreated {
  const body = parseWith(createSchema, input);
  // A token made with a token is at most that token's role (owner.role is already capped).
  const role = body.role ?? owner.role;
  if (!atLeast(owner.role, role))
    throw new AppError("VALIDATION", `A token cannot carry more than your role (${owner.role}).`, [{ field: "role", message: `at most ${owner.role}` }]);
  const token = TOKEN_PREFIX + randomBytes(32).toString("base64url");
  const now = new Date();
  const days = body.expiresInDays === undefined ? DEFAULT_EXPIRY_DAYS : body.expiresInDays;
  const expiresAt = days === null ? null : new Date(now.getTime() + days * 86_400_000);
  const id = newId("tok");
  const prefix = token.slice(0, SHOWN_CHARS);
  getDb()
    .insert(schema.apiTokens)
    .values({ id, userId: owner.userId, name: body.name, role, prefix, tokenHash: hashSecret(token), createdAt: now, expiresAt })
    .run();
  return { id, token, name: body.name, role, prefix, expiresAt: expiresAt?.toISOString() ?? null };
}

function toItem(t: ApiTokenRow, email: string | null): TokenItem {
  return {
    id: t.id,
    name: t.name,
    role: t.role,
    prefix: t.prefix,
    createdAt: t.createdAt.toISOString(),
    expiresAt: t.expiresAt?.toISOString() ?? null,
    lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
    userId: t.userId,
    userEmail: email,
  };
}

/** The caller's own tokens; an administrator's with `all` sees everyone's. */
export function listTokens(by: Principal, all: boolean): TokenItem[] {
  if (all && by.role !== "admin") throw new AppError("FORBIDDEN", "Only administrators see everyone's tokens.", [{ field: "all", message: "admin only" }]);
  const t = schema.apiTokens;
  return getDb()
    .select({ token: t, email: schema.users.email })
    .from(t)
    .leftJoin(schema.users, eq(schema.users.id, t.userId))
    .where(all ? undefined : eq(t.userId, by.userId))
    .orderBy(desc(t.createdAt))
    .all()
    .map((r) => toItem(r.token, r.email));
}

/** Deletes one of the caller's tokens (an administrator may delete anyone's); 404 for another's, so ids are not probed. */
export function deleteToken(id: string, by: Principal): TokenItem {
  const t = schema.apiTokens;
  const db = getDb();
  const row = db.select().from(t).where(eq(t.id, id)).get();
  if (!row || (row.userId !== by.userId && by.role !== "admin")) throw notFound("Token", id);
  db.delete(t).where(eq(t.id, id)).run();
  return toItem(row, null);
}

/** The token row for a presented secret, or null. */
export function findToken(secret: string): ApiTokenRow | null {
  return (
    getDb()
      .select()
      .from(schema.apiTokens)
      .where(eq(schema.apiTokens.tokenHash, hashSecret(secret)))
      .get() ?? null
  );
}

/** Marks a token used, at most once a minute (no write on every request). */
export function touchToken(row: ApiTokenRow): void {
  const now = Date.now();
  if (row.lastUsedAt && now - row.lastUsedAt.getTime() < 60_000) return;
  getDb()
    .update(schema.apiTokens)
    .set({ lastUsedAt: new Date(now) })
    .where(eq(schema.apiTokens.id, row.id))
    .run();
}
