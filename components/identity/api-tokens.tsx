"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useId, useState } from "react";
import { Button } from "@/components/ui/button";
import { CardTable } from "@/components/ui/card-table";
import { ErrorNotice } from "@/components/ui/error-notice";
import { Field, fieldA11y } from "@/components/ui/field";
import { formatDate } from "@/components/ui/format";
import { SecretOnce } from "@/components/ui/secret-once";
import { cardClass, checkboxClass, inputClass, sectionTitleClass, selectClass } from "@/components/ui/styles";
import { atLeast, ROLES, type Role } from "@/lib/identity/roles";
import { ExpiryDaysField, useExpiringCreate } from "./expiring-secret-form";
import { type ApiToken, createToken, deleteToken, type TokenCreated, tokenKeys, tokensQuery } from "./queries";
import { RoleBadge, roleName } from "./role-badge";
import { useCan, useViewer } from "./viewer-context";

/** How long a new token lasts unless the person says otherwise. */
const DEFAULT_TOKEN_DAYS = 90;

/** Personal API tokens: make one (its secret shown once), see them, delete them; an administrator may list everyone's. */
export function ApiTokens() {
  const isAdmin = useCan("admin");
  const [everyone, setEveryone] = useState(false);
  const [created, setCreated] = useState<TokenCreated | null>(null);
  const all = isAdmin && everyone;
  const { data: tokens, error, isPending } = useQuery(tokensQuery(all));
  return (
    <section aria-labelledby="tokens-heading" className="space-y-4">
      <div>
        <h2 id="tokens-heading" className={sectionTitleClass}>
          Personal API tokens
        </h2>
        <p className="mt-1 max-w-3xl text-sm text-slate-600">
          Scripts send a token as <code className="font-mono text-xs">Authorization: Bearer wbt_…</code> and act as you, with the token&apos;s role — never more
          than your own.
        </p>
      </div>
      <div className="grid gap-6 lg:grid-cols-[22rem_minmax(0,1fr)]">
        <div className={`${cardClass} h-fit p-5`}>
          <h3 className="mb-3 text-sm font-semibold text-slate-900">New token</h3>
          <CreateTokenForm onCreated={setCreated} />
        </div>
        <div className="min-w-0 space-y-3">
          {created && (
            <SecretOnce title={`Token “${created.name}”`} label="Token" value={created.token} onDismiss={() => setCreated(null)}>
              It acts with the {roleName(created.role)} role{created.expiresAt ? ` until ${formatDate(created.expiresAt)}` : ""}.
            </SecretOnce>
          )}
          {isAdmin && (
            <label className="inline-flex items-center gap-2 text-sm text-slate-700">
              <input type="checkbox" className={checkboxClass} checked={everyone} onChange={(e) => setEveryone(e.target.checked)} />
              Everyone&apos;s tokens
            </label>
          )}
          <ErrorNotice error={error} />
          {isPending ? <p className="text-sm text-slate-500">Loading tokens…</p> : tokens && <TokenTable tokens={tokens} showOwner={all} />}
        </div>
      </div>
    </section>
  );
}

function CreateTokenForm({ onCreated }: { onCreated: (t: TokenCreated) => void }) {
  const id = useId();
  const viewer = useViewer();
  const own: Role = viewer?.role ?? "viewer";
  // A token may carry the person's own role or a lesser one.
  const roles = ROLES.filter((r) => atLeast(own, r));
  const [name, setName] = useState("");
  const [role, setRole] = useState<Role>(own);
  const { create, server, days, setDays, daysError, submit } = useExpiringCreate({
    defaultDays: DEFAULT_TOKEN_DAYS,
    create: createToken,
    onCreated: (t: TokenCreated) => {
      setName("");
      onCreated(t);
    },
    listKey: tokenKeys.all,
  });
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    submit({ name: name.trim(), role });
  };
  return (
    <form aria-label="New token" onSubmit={onSubmit} noValidate className="space-y-4">
      <Field id={`${id}-name`} label="Name" hint="What uses it, e.g. “nightly report script”." error={server.name}>
        <input
          {...fieldA11y(`${id}-name`, server.name, true)}
          className={inputClass}
          autoComplete="off"
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
      </Field>
      <Field id={`${id}-role`} label="Role" error={server.role}>
        <select {...fieldA11y(`${id}-role`, server.role)} className={selectClass} value={role} onChange={(e) => setRole(e.target.value as Role)}>
          {roles.map((r) => (
            <option key={r} value={r}>
              {roleName(r)}
            </option>
          ))}
        </select>
      </Field>
      <ExpiryDaysField id={`${id}-days`} days={days} setDays={setDays} error={daysError} />
      <ErrorNotice error={create.error} shownFields={["name", "role", "expiresInDays"].filter((f) => server[f])} />
      <Button type="submit" disabled={create.isPending || name.trim() === "" || daysError !== undefined}>
        {create.isPending ? "Creating…" : "Create token"}
      </Button>
    </form>
  );
}

const COLUMNS = ["Name", "Role", "Starts with", "Created", "Expires", "Last used"] as const;

function TokenTable({ tokens, showOwner }: { tokens: ApiToken[]; showOwner: boolean }) {
  if (tokens.length === 0) {
    return <p className="rounded-xl border border-dashed border-slate-300 bg-white px-6 py-8 text-center text-sm text-slate-500">No tokens yet.</p>;
  }
  return (
    <CardTable label="Tokens" columns={showOwner ? [...COLUMNS, "Owner"] : COLUMNS} minWidthClass="min-w-[40rem]">
      {tokens.map((t) => (
        <TokenRow key={t.id} token={t} showOwner={showOwner} />
      ))}
    </CardTable>
  );
}

function TokenRow({ token: t, showOwner }: { token: ApiToken; showOwner: boolean }) {
  const qc = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const remove = useMutation({
    mutationFn: () => deleteToken(t.id),
    onSuccess: () => qc.invalidateQueries({ queryKey: tokenKeys.all }),
  });
  const expired = t.expiresAt !== null && Date.parse(t.expiresAt) < Date.now();
  return (
    <tr>
      <th scope="row" className="px-3 py-2 text-left font-medium">
        {t.name}
      </th>
      <td className="px-3 py-2">
        <RoleBadge role={t.role} />
      </td>
      <td className="px-3 py-2 font-mono text-xs">{t.prefix}…</td>
      <td className="px-3 py-2 text-xs whitespace-nowrap text-slate-600">{formatDate(t.createdAt)}</td>
      <td className={`px-3 py-2 text-xs whitespace-nowrap ${expired ? "font-medium text-red-700" : "text-slate-600"}`}>
        {t.expiresAt ? `${expired ? "Expired " : ""}${formatDate(t.expiresAt)}` : "never"}
      </td>
      <td className="px-3 py-2 text-xs whitespace-nowrap text-slate-600">{t.lastUsedAt ? formatDate(t.lastUsedAt) : "never"}</td>
      {showOwner && <td className="px-3 py-2 text-xs text-slate-600">{t.userEmail}</td>}
      <td className="px-3 py-2 text-right">
        {confirming ? (
          <span className="inline-flex gap-1">
            <Button variant="danger" size="sm" disabled={remove.isPending} onClick={() => remove.mutate()} aria-label={`Confirm deleting the token ${t.name}`}>
              {remove.isPending ? "Deleting…" : "Delete now"}
            </Button>
            <Button variant="ghost" size="sm" onClick={() => setConfirming(false)}>
              Cancel
            </Button>
          </span>
        ) : (
          <Button variant="secondary" size="sm" onClick={() => setConfirming(true)} aria-label={`Delete the token ${t.name}`}>
            Delete
          </Button>
        )}
        {remove.error && <ErrorNotice error={remove.error} className="mt-2 text-left" />}
      </td>
    </tr>
  );
}
