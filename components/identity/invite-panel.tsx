"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useId, useState } from "react";
import { Button } from "@/components/ui/button";
import { CardTable } from "@/components/ui/card-table";
import { ErrorNotice } from "@/components/ui/error-notice";
import { Field, fieldA11y } from "@/components/ui/field";
import { formatDate } from "@/components/ui/format";
import { SecretOnce } from "@/components/ui/secret-once";
import { cardClass, inputClass, sectionTitleClass, selectClass } from "@/components/ui/styles";
import { ROLES, type Role } from "@/lib/identity/roles";
import { ExpiryDaysField, useExpiringCreate } from "./expiring-secret-form";
import { createInvite, type Invite, type InviteCreated, type InviteStatus, inviteKeys, invitesQuery, revokeInvite } from "./queries";
import { RoleBadge, roleName } from "./role-badge";

/** How long an invite link stays good unless the administrator says otherwise. */
const DEFAULT_INVITE_DAYS = 7;

/** Invite someone: a one-time link with a role (and perhaps an address), shown once; the invites made so far, revocable while pending. */
export function InvitePanel() {
  const [created, setCreated] = useState<InviteCreated | null>(null);
  return (
    <section aria-labelledby="invites-heading" className="space-y-4">
      <div>
        <h2 id="invites-heading" className={sectionTitleClass}>
          Invites
        </h2>
        <p className="mt-1 text-sm text-slate-600">
          An invite is a one-time link: whoever opens it chooses a name and password and joins with the role you give here.
        </p>
      </div>
      <div className="grid gap-6 lg:grid-cols-[22rem_minmax(0,1fr)]">
        <div className={`${cardClass} h-fit p-5`}>
          <h3 className="mb-3 text-sm font-semibold text-slate-900">Invite someone</h3>
          <InviteForm onCreated={setCreated} />
        </div>
        <div className="min-w-0 space-y-4">
          {created && (
            <SecretOnce title="Invite link" label="Invite link" value={created.url} onDismiss={() => setCreated(null)}>
              Send it to {created.email ?? "the person you invite"}; it gives the {roleName(created.role)} role and works once, until{" "}
              {formatDate(created.expiresAt)}.
            </SecretOnce>
          )}
          <InviteList />
        </div>
      </div>
    </section>
  );
}

function InviteForm({ onCreated }: { onCreated: (i: InviteCreated) => void }) {
  const id = useId();
  const [role, setRole] = useState<Role>("viewer");
  const [email, setEmail] = useState("");
  const { create, server, days, setDays, daysError, submit } = useExpiringCreate({
    defaultDays: DEFAULT_INVITE_DAYS,
    create: createInvite,
    onCreated: (invite: InviteCreated) => {
      setEmail("");
      onCreated(invite);
    },
    listKey: inviteKeys.all,
  });
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    submit({ role, ...(email.trim() ? { email: email.trim() } : {}) });
  };
  return (
    <form aria-label="Invite someone" onSubmit={onSubmit} noValidate className="space-y-4">
      <Field id={`${id}-role`} label="Role" error={server.role}>
        <select {...fieldA11y(`${id}-role`, server.role)} className={selectClass} value={role} onChange={(e) => setRole(e.target.value as Role)}>
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {roleName(r)}
            </option>
          ))}
        </select>
      </Field>
      <Field id={`${id}-email`} label="Email" optional hint="Only this address may then accept it." error={server.email}>
        <input
          {...fieldA11y(`${id}-email`, server.email, true)}
          type="email"
          autoComplete="off"
          className={inputClass}
          value={email}
          onChange={(e) => setEmail(e.target.value)}
        />
      </Field>
      <ExpiryDaysField id={`${id}-days`} days={days} setDays={setDays} error={daysError} />
      <ErrorNotice error={create.error} shownFields={["role", "email", "expiresInDays"].filter((f) => server[f])} />
      <Button type="submit" disabled={create.isPending || daysError !== undefined}>
        {create.isPending ? "Creating…" : "Create invite link"}
      </Button>
    </form>
  );
}

const STATUS_TONE: Record<InviteStatus, string> = {
  pending: "bg-amber-50 text-amber-800 ring-amber-600/20",
  used: "bg-emerald-50 text-emerald-700 ring-emerald-600/20",
  expired: "bg-slate-100 text-slate-600 ring-slate-400/30",
  revoked: "bg-red-50 text-red-700 ring-red-600/20",
};

const COLUMNS = ["Role", "For", "Created", "Expires", "Status"] as const;

function InviteList() {
  const { data: invites, error, isPending } = useQuery(invitesQuery());
  if (error) return <ErrorNotice error={error} />;
  if (isPending) return <p className="text-sm text-slate-500">Loading invites…</p>;
  if (invites.length === 0)
    return <p className="rounded-xl border border-dashed border-slate-300 bg-white px-6 py-8 text-center text-sm text-slate-500">No invites yet.</p>;
  return (
    <CardTable label="Invites" columns={COLUMNS} minWidthClass="min-w-[36rem]">
      {invites.map((i) => (
        <InviteRow key={i.id} invite={i} />
      ))}
    </CardTable>
  );
}

function InviteRow({ invite: i }: { invite: Invite }) {
  const qc = useQueryClient();
  const revoke = useMutation({
    mutationFn: () => revokeInvite(i.id),
    onSuccess: () => qc.invalidateQueries({ queryKey: inviteKeys.all }),
  });
  return (
    <tr data-testid={`invite-${i.id}`}>
      <td className="px-3 py-2">
        <RoleBadge role={i.role} />
      </td>
      <td className="px-3 py-2">{i.email ?? <span className="text-slate-500">anyone with the link</span>}</td>
      <td className="px-3 py-2 text-xs whitespace-nowrap text-slate-600">{formatDate(i.createdAt)}</td>
      <td className="px-3 py-2 text-xs whitespace-nowrap text-slate-600">{formatDate(i.expiresAt)}</td>
      <td className="px-3 py-2">
        <span className={`rounded-full px-2 py-0.5 text-xs font-semibold capitalize ring-1 ring-inset ${STATUS_TONE[i.status]}`}>{i.status}</span>
        {i.status === "used" && i.usedAt && <span className="ml-2 text-xs text-slate-500">{formatDate(i.usedAt)}</span>}
      </td>
      <td className="px-3 py-2 text-right">
        {i.status === "pending" && (
          <Button
            variant="danger"
            size="sm"
            disabled={revoke.isPending}
            onClick={() => revoke.mutate()}
            aria-label={`Revoke the ${roleName(i.role)} invite${i.email ? ` for ${i.email}` : ""}`}
          >
            {revoke.isPending ? "Revoking…" : "Revoke"}
          </Button>
        )}
        {revoke.error && <ErrorNotice error={revoke.error} className="mt-2 text-left" />}
      </td>
    </tr>
  );
}
