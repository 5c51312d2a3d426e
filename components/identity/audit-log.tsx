"use client";

import { useInfiniteQuery } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { Button } from "@/components/ui/button";
import { ErrorNotice } from "@/components/ui/error-notice";
import { Field } from "@/components/ui/field";
import { formatDate } from "@/components/ui/format";
import { cardClass, inputClass, selectClass } from "@/components/ui/styles";
import { TableHead } from "@/components/ui/table-head";
import { type AuditEntry, type AuditFilter, type AuditOutcome, auditKeys, fetchAuditPage } from "./queries";

const OUTCOMES: AuditOutcome[] = ["ok", "denied", "failed"];

/** The filter form's text, before it is applied. */
interface Draft {
  action: string;
  actor: string;
  outcome: AuditOutcome | "";
  /** `datetime-local` values, in the browser's time zone. */
  since: string;
  until: string;
}

const EMPTY: Draft = { action: "", actor: "", outcome: "", since: "", until: "" };

/** A local date-time from the form as an ISO instant, or undefined when empty or unreadable. */
function isoOf(local: string): string | undefined {
  if (!local) return undefined;
  const d = new Date(local);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

function filterOf(d: Draft): AuditFilter {
  return {
    action: d.action.trim() || undefined,
    actor: d.actor.trim() || undefined,
    outcome: d.outcome || undefined,
    since: isoOf(d.since),
    until: isoOf(d.until),
  };
}

/** The audit log, newest first, filtered by action, actor, outcome and time; older entries page in below. */
export function AuditLog() {
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [filter, setFilter] = useState<AuditFilter>({});
  const log = useInfiniteQuery({
    queryKey: auditKeys.list(filter),
    queryFn: ({ pageParam, signal }) => fetchAuditPage(filter, pageParam, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    staleTime: 0,
  });
  const entries = log.data?.pages.flatMap((p) => p.items) ?? [];
  const set = (key: keyof Draft) => (value: string) => setDraft((d) => ({ ...d, [key]: value }));

  const apply = (e: FormEvent) => {
    e.preventDefault();
    setFilter(filterOf(draft));
  };
  const clear = () => {
    setDraft(EMPTY);
    setFilter({});
  };

  return (
    <div className="space-y-5">
      <form aria-label="Filter the audit log" onSubmit={apply} className={`${cardClass} grid gap-4 p-5 sm:grid-cols-2 lg:grid-cols-[1fr_1fr_10rem_1fr_1fr]`}>
        <Field id="audit-action" label="Action">
          <input
            id="audit-action"
            className={`${inputClass} font-mono text-xs`}
            placeholder="e.g. invite.create"
            value={draft.action}
            onChange={(e) => set("action")(e.target.value)}
          />
        </Field>
        <Field id="audit-actor" label="Actor">
          <input id="audit-actor" className={inputClass} placeholder="email" value={draft.actor} onChange={(e) => set("actor")(e.target.value)} />
        </Field>
        <Field id="audit-outcome" label="Outcome">
          <select id="audit-outcome" className={selectClass} value={draft.outcome} onChange={(e) => set("outcome")(e.target.value)}>
            <option value="">Any</option>
            {OUTCOMES.map((o) => (
              <option key={o} value={o}>
                {o}
              </option>
            ))}
          </select>
        </Field>
        <Field id="audit-since" label="Since">
          <input id="audit-since" type="datetime-local" className={inputClass} value={draft.since} onChange={(e) => set("since")(e.target.value)} />
        </Field>
        <Field id="audit-until" label="Until">
          <input id="audit-until" type="datetime-local" className={inputClass} value={draft.until} onChange={(e) => set("until")(e.target.value)} />
        </Field>
        <div className="flex flex-wrap items-center gap-2 sm:col-span-2 lg:col-span-5">
          <Button type="submit">Apply filters</Button>
          <Button variant="ghost" onClick={clear}>
            Clear
          </Button>
          <p className="text-xs text-slate-500">Since and until are in your time zone; the log shows UTC.</p>
        </div>
      </form>

      <ErrorNotice error={log.error} />
      {log.isPending ? (
        <p className="text-sm text-slate-500">Loading the audit log…</p>
      ) : entries.length === 0 ? (
        <p className="rounded-xl border border-dashed border-slate-300 bg-white px-6 py-8 text-center text-sm text-slate-500">No entries match.</p>
      ) : (
        <AuditTable entries={entries} />
      )}
      {log.hasNextPage && (
        <Button variant="secondary" onClick={() => log.fetchNextPage()} disabled={log.isFetchingNextPage}>
          {log.isFetchingNextPage ? "Loading…" : "Older entries"}
        </Button>
      )}
    </div>
  );
}

const OUTCOME_TONE: Record<AuditOutcome, string> = {
  ok: "bg-emerald-50 text-emerald-700 ring-emerald-600/20",
  denied: "bg-amber-50 text-amber-800 ring-amber-600/20",
  failed: "bg-red-50 text-red-700 ring-red-600/20",
};

const COLUMNS = ["When", "Actor", "Action", "Target", "Outcome", "Address", "Detail"] as const;

/** A detail as one line of JSON (the cell truncates it; the whole of it is the tooltip). */
function detailText(detail: unknown): string {
  if (detail === null || detail === undefined || detail === "") return "";
  return typeof detail === "string" ? detail : JSON.stringify(detail);
}

function AuditTable({ entries }: { entries: AuditEntry[] }) {
  return (
    <div className={`${cardClass} overflow-x-auto`}>
      <table className="w-full min-w-[56rem] text-sm" aria-label="Audit log">
        <TableHead columns={COLUMNS} cellClass="px-3 py-2" className="bg-slate-50" />
        <tbody className="divide-y divide-slate-100">
          {entries.map((e) => {
            const detail = detailText(e.detail);
            return (
              <tr key={e.id}>
                <td className="px-3 py-2 text-xs whitespace-nowrap text-slate-600">{formatDate(e.at)}</td>
                <td className="px-3 py-2">{e.actorEmail ?? <span className="text-slate-400">{e.actorId ?? "anonymous"}</span>}</td>
                <td className="px-3 py-2 font-mono text-xs">{e.action}</td>
                <td className="max-w-48 truncate px-3 py-2 text-xs text-slate-700" title={e.target ?? undefined}>
                  {e.target ?? "–"}
                </td>
                <td className="px-3 py-2">
                  <span className={`rounded-full px-2 py-0.5 text-xs font-semibold ring-1 ring-inset ${OUTCOME_TONE[e.outcome] ?? OUTCOME_TONE.failed}`}>
                    {e.outcome}
                  </span>
                </td>
                <td className="px-3 py-2 font-mono text-xs text-slate-600">{e.ip ?? "–"}</td>
                <td className="max-w-64 truncate px-3 py-2 font-mono text-xs text-slate-600" title={detail || undefined}>
                  {detail || "–"}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
