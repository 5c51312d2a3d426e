import { and, count, eq, ne } from "drizzle-orm";
import { z } from "zod";
import { getDb, schema } from "@/db/client";
import type { UserRow } from "@/db/schema";
import { AppError, notFound } from "@/lib/shared/errors";
import { parseWith, readJson } from "@/lib/shared/http";
import { ROLES, type Role } from "../roles";
import type { Person } from "../types";

export type { Person };
import { recordAudit } from "./audit";
import { getAuth, MAX_PASSWORD, MIN_PASSWORD } from "./auth";
import type { Principal } from "./context";

export const toPerson = (u: UserRow): Person => ({
  id: u.id,
  email: u.email,
  name: u.name,
  role: u.role,
  disabled: u.disabled,
  createdAt: u.createdAt.toISOString(),
});

/** The fields a person gives when they join (set-up or invite). */
export const joinSchema = z
  .object({
    email: z.string().trim().toLowerCase().email().max(320),
    name: z.string().trim().min(1).max(200),
    password: z.string().min(MIN_PASSWORD, `at least ${MIN_PASSWORD} characters`).max(MAX_PASSWORD),
  })
  .strict();
export type Join = z.infer<typeof joinSchema>;

export const countPeople = (): number => getDb().select({ n: count() }).from(schema.users).get()?.n ?? 0;

export function findPersonByEmail(email: string): UserRow | undefined {
  return getDb().select().from(schema.users).where(eq(schema.users.email, email.trim().toLowerCase())).get();
}

/** Creates an account with a password (hashed by better-auth, as its own sign-up would) and a role; 409 when the address is taken. */
export async function createPerson(join: Join, role: Role): Promise<Person> {
  if (findPersonByEmail(join.email)) throw new AppError("CONFLICT", `An account for ${join.email} exists already.`, [{ field: "email", message: "taken" }]);
  const ctx = await getAuth().$context;
  const hash = await ctx.password.hash(join.password);
  const user = await ctx.internalAdapter.createUser({ email: join.email, name: join.name, emailVerified: true, role, disabled: false }, { method: "admin" });
  await ctx.internalAdapter.linkAccount({ userId: user.id, providerId: "credential", accountId: user.id, password: hash });
  const row = getDb().select().from(schema.users).where(eq(schema.users.id, user.id)).get();
  if (!row) throw new Error("the account was not stored");
  return toPerson(row);
}

export function listPeople(): Person[] {
  return getDb().select().from(schema.users).orderBy(schema.users.createdAt).all().map(toPerson);
}

const updateSchema = z
  .object({ role: z.enum(ROLES).optional(), disabled: z.boolean().optional(), name: z.string().trim().min(1).max(200).optional() })
  .strict()
  .refine((v) => Object.keys(v).length > 0, "send role, disabled or name");

/**
 * An administrator changes someone's role, name or disables the account. Disabling deletes the
 * person's sessions at once (their API tokens are refused from the next request on). The last
 * active administrator cannot be demoted or disabled (409).
 */
export function updatePerson(id: string, input: unknown, by: Principal): Person {
  const patch = parseWith(updateSchema, input);
  const db = getDb();
  const result = db.transaction((tx) => {
    const user = tx.select().from(schema.users).where(eq(schema.users.id, id)).get();
    if (!user) throw notFound("Person", id);
    const losesAdmin = user.role === "admin" && !user.disabled && ((patch.role && patch.role !== "admin") || patch.disabled === true);
    if (losesAdmin) {
      const others = tx
        .select({ n: count() })
        .from(schema.users)
        .where(and(eq(schema.users.role, "admin"), eq(schema.users.disabled, false), ne(schema.users.id, id)))
        .get()?.n;
      if (!others)
        throw new AppError("CONFLICT", "This is the last active administrator; make someone else an administrator first.", [
          { field: patch.disabled ? "disabled" : "role", message: "last administrator" },
        ]);
    }
    tx.update(schema.users)
      .set({ ...patch, updatedAt: new Date() })
      .where(eq(schema.users.id, id))
      .run();
    if (patch.disabled) tx.delete(schema.sessions).where(eq(schema.sessions.userId, id)).run();
    return { before: user, after: tx.select().from(schema.users).where(eq(schema.users.id, id)).get()! };
  });
  const { before, after } = result;
  if (patch.role && patch.role !== before.role)
    recordAudit({ action: "user.role", target: after.email, detail: { from: before.role, to: after.role, by: by.email } });
  if (patch.disabled !== undefined && patch.disabled !== before.disabled)
    recordAudit({ action: patch.disabled ? "user.disable" : "user.enable", target: after.email, detail: { by: by.email } });
  if (patch.name && patch.name !== before.name) recordAudit({ action: "user.rename", target: after.email, detail: { from: before.name, to: after.name } });
  return toPerson(after);
}

/**
 * The answer to a person joining (set-up or an accepted invite): `join` makes the account from the
 * JSON body, and the person is signed in at once (better-auth's own sign-in sets the cookie).
 */
export async function joinedAnswer(req: Request, join: (body: Record<string, unknown>) => Promise<Person>): Promise<Response> {
  const body = (await readJson(req, z.record(z.string(), z.unknown()))) as Record<string, unknown>;
  const user = await join(body);
  const res = Response.json({ user }, { status: 201 });
  const signedIn = await getAuth().api.signInEmail({ body: { email: user.email, password: String(body.password) }, headers: req.headers, asResponse: true });
  if (!signedIn.ok) throw new AppError("INTERNAL", "The account was created but could not be signed in; sign in with it.");
  for (const c of signedIn.headers.getSetCookie()) res.headers.append("set-cookie", c);
  return res;
}
