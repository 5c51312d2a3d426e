import { and, count, desc, eq, gte, lt, lte, min, type SQL } from "drizzle-orm";
import { z } from "zod";
import { getDb, schema } from "@/db/client";
import type { AuditRow } from "@/db/schema";
import { parseWith } from "@/lib/shared/http";
import { currentCall } from "./context";

export interface AuditEntry {
  action: string;
  target?: string | null;
  outcome?: "ok" | "denied" | "failed";
  detail?: Record<string, unknown>;
  /** Defaults to the current request's caller. */
  actor?: { id: string | null; email: string | null };
  ip?: string | null;
}

/** Appends one entry; never throws (an audit write that fails is logged, and the request goes on). */
export function recordAudit(entry: AuditEntry): void {
  const call = currentCall();
  const actor = entry.actor ?? { id: call?.principal?.userId ?? null, email: call?.principal?.email ?? null };
  try {
    getDb()
      .insert(schema.auditLog)
      .values({
        at: new Date(),
        actorId: actor.id,
        actorEmail: actor.email,
        action: entry.action,
        target: entry.target ?? null,
        outcome: entry.outcome ?? "ok",
        ip: entry.ip !== undefined ? entry.ip : (call?.ip ?? null),
        detail: entry.detail ?? null,
      })
      .run();
  } catch (e) {
    console.error("[audit] could not record", entry.action, e);
  }
}

/** How many entries of `action` match `where` since `since` (sign-in limits count failures this way). */
export function countAudit(action: string, where: { target?: string; ip?: string }, since: Date): { n: number; oldest: Date | null } {
  const conds: SQL[] = [eq(schema.auditLog.action, action), gte(schema.auditLog.at, since)];
  if (where.target !== undefined) conds.push(eq(schema.auditLog.target, where.target));
  if (where.ip !== undefined) conds.push(eq(schema.auditLog.ip, where.ip));
  const row = getDb()
    .select({ n: count(), oldest: min(schema.auditLog.at) })
    .from(schema.auditLog)
    .where(and(...conds))
    .get();
  return { n: row?.n ?? 0, oldest: row?.oldest ?? null };
}

const querySchema = z
  .object({
    action: z.string().max(100).optional(),
    actor: z.string().max(320).optional(),
    target: z.string().max(320).optional(),
    outcome: z.enum(["ok", "denied", "failed"]).optional(),
    since: z.iso.datetime({ offset: true }).optional(),
    until: z.iso.datetime({ offset: true }).optional(),
    cursor: z.string().regex(/^\d+$/, "an entry id from nextCursor").optional(),
    limit: z.coerce.number().int().min(1).max(500).default(50),
  })
  .strict();

export type AuditItem = Omit<AuditRow, "at"> & { at: string };

/**
 * A page of the audit log, newest first: `?action=` (exact, or a prefix ending in `.` or `*`:
 * `endpoint.*`), `actor` (email or user id), `target`, `outcome`, `since`, `until`, `cursor`
 * (the `nextCursor` of the previous page), `limit` (≤ 500).
 */
export function listAudit(params: URLSearchParams): { items: AuditItem[]; nextCursor: string | null } {
  const raw: Record<string, string> = {};
  for (const [k, v] of params) if (v !== "") raw[k] = v;
  const q = parseWith(querySchema, raw, "query");
  const t = schema.auditLog;
  const conds: SQL[] = [];
  if (q.action) {
    const prefix = q.action.endsWith("*") ? q.action.slice(0, -1) : q.action.endsWith(".") ? q.action : null;
    // A prefix match as a range on the indexed column (no LIKE escaping to get wrong).
    conds.push(prefix ? and(gte(t.action, prefix), lt(t.action, prefix + "\uffff"))! : eq(t.action, q.action));
  }
  if (q.actor) conds.push(q.actor.includes("@") ? eq(t.actorEmail, q.actor.toLowerCase()) : eq(t.actorId, q.actor));
  if (q.target) conds.push(eq(t.target, q.target));
  if (q.outcome) conds.push(eq(t.outcome, q.outcome));
  if (q.since) conds.push(gte(t.at, new Date(q.since)));
  if (q.until) conds.push(lte(t.at, new Date(q.until)));
  if (q.cursor) conds.push(lt(t.id, Number(q.cursor)));
  const rows = getDb()
    .select()
    .from(t)
    .where(conds.length ? and(...conds) : undefined)
    .orderBy(desc(t.id))
    .limit(q.limit + 1)
    .all();
  const page = rows.slice(0, q.limit);
  return {
    items: page.map((r) => ({ ...r, at: r.at.toISOString() })),
    nextCursor: rows.length > q.limit ? String(page[page.length - 1].id) : null,
  };
}
