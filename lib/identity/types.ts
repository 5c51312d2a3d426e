import type { Role } from "./roles";

/** Identity and access as the API sends them (browser-safe): the server builds these, the pages read them. */

export interface Person {
  id: string;
  email: string;
  name: string;
  role: Role;
  disabled: boolean;
  createdAt: string;
}

export type InviteStatus = "pending" | "used" | "expired" | "revoked";

export interface InviteItem {
  id: string;
  role: Role;
  email: string | null;
  createdAt: string;
  expiresAt: string;
  usedAt: string | null;
  revokedAt: string | null;
  status: InviteStatus;
}

/** A new invite: `url` is the whole link (`…/invite?token=…`), shown this once. */
export type InviteCreated = InviteItem & { token: string; url: string };

export interface TokenItem {
  id: string;
  name: string;
  role: Role;
  prefix: string;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  userId: string;
  userEmail: string | null;
}

/** A new personal token: `token` (`wbt_…`) is shown this once. */
export interface TokenCreated {
  id: string;
  token: string;
  name: string;
  role: Role;
  prefix: string;
  expiresAt: string | null;
}
