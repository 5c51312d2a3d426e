import { randomBytes, timingSafeEqual } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { z } from "zod";
import { getDb, schema } from "@/db/client";
import { AppError } from "@/lib/shared/errors";
import { env } from "@/lib/shared/env";
import { parseWith } from "@/lib/shared/http";
import { recordAudit } from "./audit";
import { countPeople, createPerson, joinSchema, type Person } from "./people";
import { hashSecret } from "./tokens";

const SETUP_KEY = "setupTokenHash";

declare global {
  /** The set-up token made at this start, kept in this process only to print it. */
  var __workbenchSetupToken: string | null | undefined;
}

/**
 * At server start: when no one has an account yet, either create the administrator named by
 * WORKBENCH_ADMIN_EMAIL / WORKBENCH_ADMIN_PASSWORD (unattended installs, tests), or make a fresh
 * one-time set-up token (stored hashed; a new start replaces it) for the set-up link.
 */
export async function prepareIdentity(): Promise<void> {
  if (countPeople() > 0) {
    globalThis.__workbenchSetupToken = null;
    return;
  }
  if (env.WORKBENCH_ADMIN_EMAIL && env.WORKBENCH_ADMIN_PASSWORD) {
    const email = env.WORKBENCH_ADMIN_EMAIL.toLowerCase();
    try {
      await createPerson({ email, name: "Administrator", password: env.WORKBENCH_ADMIN_PASSWORD }, "admin");
      recordAudit({ action: "setup.admin", target: email, actor: { id: null, email: null }, detail: { from: "WORKBENCH_ADMIN_EMAIL" } });
    } catch (e) {
      // Another process made it in the meantime.
      if (!(e instanceof AppError && e.code === "CONFLICT")) throw e;
    }
    globalThis.__workbenchSetupToken = null;
    return;
  }
  const token = randomBytes(24).toString("base64url");
  getDb()
    .insert(schema.settings)
    .values({ key: SETUP_KEY, value: hashSecret(token), updatedAt: new Date() })
    .onConflictDoUpdate({ target: schema.settings.key, set: { value: hashSecret(token), updatedAt: new Date() } })
    .run();
  globalThis.__workbenchSetupToken = token;
}

/** The set-up link to print after the server's address, or null once someone has an account. */
export function setupLink(origin: string): string | null {
  const token = globalThis.__workbenchSetupToken;
  if (!token || countPeople() > 0) return null;
  return `${origin}/setup?token=${token}`;
}

const setupSchema = joinSchema.extend({ token: z.string().min(1).max(200) });

/**
 * `{token, email, name, password}`: creates the first administrator. The token is consumed
 * atomically (one delete that only one caller wins), so two set-ups cannot both pass; a wrong or
 * used token is a 403, an existing account a 409.
 */
export async function completeSetup(input: unknown): Promise<Person> {
  const body = parseWith(setupSchema, input);
  if (countPeople() > 0) throw new AppError("CONFLICT", "The workbench is set up already; sign in instead.", [{ field: "token", message: "set-up done" }]);
  const db = getDb();
  const stored = db.select().from(schema.settings).where(eq(schema.settings.key, SETUP_KEY)).get();
  const presented = Buffer.from(hashSecret(body.token));
  const matches =
    stored && typeof stored.value === "string" && stored.value.length === presented.length && timingSafeEqual(Buffer.from(stored.value), presented);
  if (!matches) {
    recordAudit({ action: "setup.failed", outcome: "denied", detail: { reason: "bad token" } });
    throw new AppError("FORBIDDEN", "The set-up token is not valid: open the link the server printed at its last start.", [
      { field: "token", message: "invalid" },
    ]);
  }
  const won =
    db
      .delete(schema.settings)
      .where(and(eq(schema.settings.key, SETUP_KEY), eq(schema.settings.value, stored.value)))
      .run().changes === 1;
  if (!won) throw new AppError("CONFLICT", "The set-up link was used already; sign in instead.", [{ field: "token", message: "used" }]);
  const person = await createPerson({ email: body.email, name: body.name, password: body.password }, "admin");
  globalThis.__workbenchSetupToken = null;
  recordAudit({ action: "setup.admin", target: person.email, actor: { id: person.id, email: person.email }, detail: { from: "setup link" } });
  return person;
}
