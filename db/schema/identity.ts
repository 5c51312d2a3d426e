import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * People and their sessions. The four better-auth tables (users, sessions, accounts,
 * verifications) keep the field names its drizzle adapter expects; `role` and `disabled` are ours.
 */
export const users = sqliteTable("users", {
  id: text().primaryKey(),
  name: text().notNull(),
  email: text().notNull().unique(),
  emailVerified: integer({ mode: "boolean" }).notNull().default(false),
  image: text(),
  /** `admin`, `editor` or `viewer` (lib/identity/roles.ts). */
  role: text({ enum: ["admin", "editor", "viewer"] })
    .notNull()
    .default("viewer"),
  /** A disabled account cannot sign in; its sessions are deleted and its tokens refused. */
  disabled: integer({ mode: "boolean" }).notNull().default(false),
  createdAt: integer({ mode: "timestamp_ms" }).notNull(),
  updatedAt: integer({ mode: "timestamp_ms" }).notNull(),
});

export const sessions = sqliteTable(
  "sessions",
  {
    id: text().primaryKey(),
    expiresAt: integer({ mode: "timestamp_ms" }).notNull(),
    token: text().notNull().unique(),
    createdAt: integer({ mode: "timestamp_ms" }).notNull(),
    updatedAt: integer({ mode: "timestamp_ms" }).notNull(),
    ipAddress: text(),
    userAgent: text(),
    userId: text()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
  },
  (t) => [index("sessions_user").on(t.userId)],
);

export const accounts = sqliteTable(
  "accounts",
  {
    id: text().primaryKey(),
    accountId: text().notNull(),
    providerId: text().notNull(),
    userId: text()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    accessToken: text(),
    refreshToken: text(),
    idToken: text(),
    accessTokenExpiresAt: integer({ mode: "timestamp_ms" }),
    refreshTokenExpiresAt: integer({ mode: "timestamp_ms" }),
    scope: text(),
    /** The library's password hash (scrypt); never the password. */
    password: text(),
    createdAt: integer({ mode: "timestamp_ms" }).notNull(),
    updatedAt: integer({ mode: "timestamp_ms" }).notNull(),
  },
  (t) => [index("accounts_user").on(t.userId)],
);

export const verifications = sqliteTable("verifications", {
  id: text().primaryKey(),
  identifier: text().notNull(),
  value: text().notNull(),
  expiresAt: integer({ mode: "timestamp_ms" }).notNull(),
  createdAt: integer({ mode: "timestamp_ms" }).notNull(),
  updatedAt: integer({ mode: "timestamp_ms" }).notNull(),
});

/** Personal API tokens (`wbt_…`): stored as a SHA-256 hash, with the first characters kept for display. */
export const apiTokens = sqliteTable(
  "api_tokens",
  {
    id: text().primaryKey(),
    userId: text()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    name: text().notNull(),
    /** The most the token may do; the owner's current role caps it again at every use. */
    role: text({ enum: ["admin", "editor", "viewer"] }).notNull(),
    prefix: text().notNull(),
    tokenHash: text().notNull().unique(),
    createdAt: integer({ mode: "timestamp_ms" }).notNull(),
    expiresAt: integer({ mode: "timestamp_ms" }),
    lastUsedAt: integer({ mode: "timestamp_ms" }),
  },
  (t) => [index("api_tokens_user").on(t.userId)],
);

/** An invitation to join with a role: a link whose token (stored hashed) works once, until it expires. */
export const invites = sqliteTable("invites", {
  id: text().primaryKey(),
  tokenHash: text().notNull().unique(),
  role: text({ enum: ["admin", "editor", "viewer"] }).notNull(),
  /** When set, only this address may accept it. */
  email: text(),
  createdBy: text().notNull(),
  createdAt: integer({ mode: "timestamp_ms" }).notNull(),
  expiresAt: integer({ mode: "timestamp_ms" }).notNull(),
  usedAt: integer({ mode: "timestamp_ms" }),
  usedBy: text(),
  revokedAt: integer({ mode: "timestamp_ms" }),
});

/** Who did what, when: security events and changes that matter. Append-only. */
export const auditLog = sqliteTable(
  "audit_log",
  {
    id: integer().primaryKey({ autoIncrement: true }),
    at: integer({ mode: "timestamp_ms" }).notNull(),
    /** null for an anonymous request (a failed sign-in, a refused call). */
    actorId: text(),
    actorEmail: text(),
    /** Dotted verb: `signin`, `signin.failed`, `user.role`, `token.create`, `endpoint.deploy`, `access.denied`… */
    action: text().notNull(),
    /** What it was done to: an id, a name, an email. */
    target: text(),
    outcome: text({ enum: ["ok", "denied", "failed"] })
      .notNull()
      .default("ok"),
    ip: text(),
    detail: text({ mode: "json" }).$type<Record<string, unknown>>(),
  },
  (t) => [
    index("audit_at").on(t.at),
    index("audit_action_target").on(t.action, t.target, t.at),
    index("audit_action_ip").on(t.action, t.ip, t.at),
    index("audit_actor").on(t.actorId, t.at),
  ],
);

/** Workspace settings an administrator changes (JSON values by key), and server-held secrets. */
export const settings = sqliteTable("settings", {
  key: text().primaryKey(),
  value: text({ mode: "json" }).notNull().$type<unknown>(),
  updatedAt: integer({ mode: "timestamp_ms" }).notNull(),
  updatedBy: text(),
});

export type UserRow = typeof users.$inferSelect;
export type ApiTokenRow = typeof apiTokens.$inferSelect;
export type InviteRow = typeof invites.$inferSelect;
export type AuditRow = typeof auditLog.$inferSelect;
