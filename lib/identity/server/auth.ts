import { randomBytes } from "node:crypto";
import { betterAuth } from "better-auth";
import { drizzleAdapter } from "better-auth/adapters/drizzle";
import { eq } from "drizzle-orm";
import { getDb, schema } from "@/db/client";
import { env } from "@/lib/shared/env";
import { ownOrigin } from "./origin";
import { serverSecret } from "./settings";

/** How long a session lasts, and how often its expiry is pushed forward while it is used. */
const SESSION_DAYS = 7;
const SESSION_REFRESH_SECONDS = 24 * 60 * 60;
export const MIN_PASSWORD = 8;
export const MAX_PASSWORD = 256;

function create() {
  const db = getDb();
  return betterAuth({
    appName: "ML Workbench",
    // One secret for every process that shares the database, made at random on first start.
    secret: serverSecret("auth", () => randomBytes(32).toString("base64url")),
    baseURL: env.WORKBENCH_URL,
    basePath: "/api/auth",
    database: drizzleAdapter(db, {
      provider: "sqlite",
      usePlural: true,
      schema: { users: schema.users, sessions: schema.sessions, accounts: schema.accounts, verifications: schema.verifications },
    }),
    emailAndPassword: {
      enabled: true,
      // People join by the set-up link or an administrator's invite, never by signing themselves up.
      disableSignUp: true,
      minPasswordLength: MIN_PASSWORD,
      maxPasswordLength: MAX_PASSWORD,
    },
    user: {
      additionalFields: {
        role: { type: "string", input: false, defaultValue: "viewer" },
        disabled: { type: "boolean", input: false, defaultValue: false },
      },
    },
    session: { expiresIn: SESSION_DAYS * 24 * 60 * 60, updateAge: SESSION_REFRESH_SECONDS },
    // Our own limits (per account and per address, from the audit log, shared by every process) replace the library's in-memory ones.
    rateLimit: { enabled: false },
    trustedOrigins: (request) => (request ? [ownOrigin(request.headers, request.url)] : env.WORKBENCH_URL ? [new URL(env.WORKBENCH_URL).origin] : []),
    telemetry: { enabled: false },
    // Its warning that no base URL is set is the design here: the origin comes from each request (or WORKBENCH_URL).
    logger: { level: "error" },
    advanced: {
      // Secure cookies when people reach the workbench over https (WORKBENCH_URL); httpOnly and SameSite=Lax always.
      useSecureCookies: env.WORKBENCH_URL?.startsWith("https://") ?? false,
      defaultCookieAttributes: { httpOnly: true, sameSite: "lax" },
    },
    databaseHooks: {
      session: {
        create: {
          // A disabled account gets no new session, whichever path asks for one.
          before: async (session) => {
            const user = db.select({ disabled: schema.users.disabled }).from(schema.users).where(eq(schema.users.id, session.userId)).get();
            return user && !user.disabled ? { data: session } : false;
          },
        },
      },
    },
  });
}

export type Auth = ReturnType<typeof create>;

declare global {
  /** The one better-auth instance, created on first use (after migrations) and kept on globalThis like the database client. */
  var __workbenchAuth: Auth | undefined;
}

export function getAuth(): Auth {
  return (globalThis.__workbenchAuth ??= create());
}
