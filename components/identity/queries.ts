/** Identity and access as the API sends them: people, invites, personal tokens, the audit log, workspace settings. */
import { queryOptions } from "@tanstack/react-query";
import { ApiError, enc, fetchJson, type Problem, problemFrom, sendJson } from "@/components/api/fetch";
import type { Role } from "@/lib/identity/roles";
import type { TokenItem as ApiToken, InviteItem as Invite, InviteCreated, TokenCreated, Person as WorkspaceUser } from "@/lib/identity/types";

export type { InviteCreated, InviteStatus, TokenCreated } from "@/lib/identity/types";
export type { ApiToken, Invite, WorkspaceUser };

export type AuditOutcome = "ok" | "denied" | "failed";

export interface AuditEntry {
  id: string;
  at: string;
  actorId: string | null;
  actorEmail: string | null;
  action: string;
  target: string | null;
  outcome: AuditOutcome;
  ip: string | null;
  detail: unknown;
}

export interface AuditPage {
  items: AuditEntry[];
  nextCursor: string | null;
}

export interface AuditFilter {
  action?: string;
  actor?: string;
  outcome?: AuditOutcome | "";
  /** ISO instants. */
  since?: string;
  until?: string;
}

export interface Quotas {
  maxQueuedRunsPerUser: number;
  maxQueuedRunsPerProject: number;
  maxSweepTrials: number;
  maxQueuedJobsPerUser: number;
}

export interface WorkspaceSettings {
  webhookAllowedHosts: string[];
  quotas: Quotas;
}

// ---------------------------------------------------------------------------------------------
// Signing in and out (better-auth's routes, and the workbench's own set-up and invite routes)

/**
 * A problem from an identity route. better-auth's own routes may answer `{message}` rather than a
 * problem; a 429 says when to try again.
 */
export async function identityProblem(res: Response): Promise<Problem> {
  const body = (await res
    .clone()
    .json()
    .catch(() => null)) as { message?: unknown; title?: unknown; detail?: unknown } | null;
  const problem = await problemFrom(res);
  if (body && typeof body.message === "string" && body.message && !body.title && !body.detail) problem.detail = body.message;
  const retryAfter = Number(res.headers.get("retry-after"));
  if (res.status === 429 && Number.isFinite(retryAfter) && retryAfter > 0) {
    const wait = retryAfter >= 90 ? `${Math.ceil(retryAfter / 60)} minutes` : `${Math.ceil(retryAfter)} seconds`;
    problem.detail = `${problem.detail ?? "Too many attempts."} Try again in ${wait}.`;
  }
  return problem;
}

/** POSTs JSON to an identity route; throws an ApiError with the server's reason when it refuses. */
async function postIdentity<T>(url: string, body: unknown): Promise<T> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new ApiError(await identityProblem(res));
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

export const signIn = (body: { email: string; password: string }) => postIdentity<unknown>("/api/auth/sign-in/email", body);

export const signOut = () => postIdentity<unknown>("/api/auth/sign-out", {});

export const changePassword = (body: { currentPassword: string; newPassword: string }) =>
  postIdentity<unknown>("/api/auth/change-password", { ...body, revokeOtherSessions: true });

export interface NewAccount {
  token: string;
  email: string;
  name: string;
  password: string;
}

/** The first administrator, with the set-up token the server printed → 201 and a session. */
export const setUpFirstAdmin = (body: NewAccount) => postIdentity<{ user: WorkspaceUser }>("/api/setup", body);

/** An account from an invite → 201 and a session. */
export const acceptInvite = (body: NewAccount) => postIdentity<{ user: WorkspaceUser }>("/api/invites/accept", body);

// ---------------------------------------------------------------------------------------------
// People, invites, tokens, audit, settings

export const userKeys = {
  all: ["users"] as const,
  list: () => [...userKeys.all, "list"] as const,
};

export const inviteKeys = {
  all: ["invites"] as const,
  list: () => [...inviteKeys.all, "list"] as const,
};

export const tokenKeys = {
  all: ["tokens"] as const,
  /** Own tokens, or (`everyone`, for an administrator) everyone's. */
  list: (filter: { everyone: boolean }) => [...tokenKeys.all, "list", filter] as const,
};

export const auditKeys = {
  all: ["audit"] as const,
  list: (filter: AuditFilter) => [...auditKeys.all, "list", filter] as const,
};

/** The workspace's settings: one of them. */
export const settingsKeys = {
  all: ["settings"] as const,
  detail: () => [...settingsKeys.all, "detail"] as const,
};

export const usersQuery = () =>
  queryOptions({
    queryKey: userKeys.list(),
    queryFn: ({ signal }) => fetchJson<{ items: WorkspaceUser[] }>("/api/users", { signal }).then((r) => r.items),
  });

export const updateUser = (id: string, body: { role?: Role; disabled?: boolean }) => sendJson<WorkspaceUser>("PATCH", `/api/users/${enc(id)}`, body);

export const invitesQuery = () =>
  queryOptions({
    queryKey: inviteKeys.list(),
    queryFn: ({ signal }) => fetchJson<{ items: Invite[] }>("/api/invites", { signal }).then((r) => r.items),
  });

export const createInvite = (body: { role: Role; email?: string; expiresInDays?: number }) => sendJson<InviteCreated>("POST", "/api/invites", body);

export const revokeInvite = (id: string) => sendJson<void>("DELETE", `/api/invites/${enc(id)}`);

/** Own tokens, or (for an administrator) everyone's. */
export const tokensQuery = (all = false) =>
  queryOptions({
    queryKey: tokenKeys.list({ everyone: all }),
    queryFn: ({ signal }) => fetchJson<{ items: ApiToken[] }>(`/api/tokens${all ? "?all=1" : ""}`, { signal }).then((r) => r.items),
  });

export const createToken = (body: { name: string; role?: Role; expiresInDays?: number }) => sendJson<TokenCreated>("POST", "/api/tokens", body);

export const deleteToken = (id: string) => sendJson<void>("DELETE", `/api/tokens/${enc(id)}`);

/** Entries an audit page asks for at once. */
export const AUDIT_PAGE_SIZE = 50;

/** One page of the audit log, newest first; `cursor` is the previous page's `nextCursor`. */
export function fetchAuditPage(filter: AuditFilter, cursor: string | null, signal?: AbortSignal): Promise<AuditPage> {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(filter)) if (v) params.set(k, v);
  if (cursor) params.set("cursor", cursor);
  params.set("limit", String(AUDIT_PAGE_SIZE));
  return fetchJson<AuditPage>(`/api/audit?${params}`, { signal });
}

export const settingsQuery = () =>
  queryOptions({
    queryKey: settingsKeys.detail(),
    queryFn: ({ signal }) => fetchJson<WorkspaceSettings>("/api/settings", { signal }),
  });

export const saveSettings = (body: Partial<WorkspaceSettings>) => sendJson<WorkspaceSettings>("PUT", "/api/settings", body);

/** The error of an "expires in (days)" field: the server's, or a whole number of days 1 or more (empty leaves the server's default). */
export function expiryDaysError(days: number | undefined, serverError: string | undefined): string | undefined {
  if (serverError) return serverError;
  return days !== undefined && (!Number.isInteger(days) || days < 1) ? "A whole number of days, 1 or more." : undefined;
}
