"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { CardTable } from "@/components/ui/card-table";
import { ErrorNotice } from "@/components/ui/error-notice";
import { formatDate } from "@/components/ui/format";
import { selectClass } from "@/components/ui/styles";
import { ROLES, type Role } from "@/lib/identity/roles";
import { updateUser, userKeys, usersQuery, type WorkspaceUser } from "./queries";
import { roleName } from "./role-badge";
import { useViewer } from "./viewer-context";

const COLUMNS = ["Name", "Email", "Role", "Status", "Joined"] as const;

/** Everyone with an account: their role, changed at once, and whether they may sign in (disabling asks first). */
export function PeopleTable() {
  const { data: users, error, isPending } = useQuery(usersQuery());
  if (error) return <ErrorNotice error={error} />;
  if (isPending) return <p className="text-sm text-slate-500">Loading people…</p>;
  return (
    <CardTable label="People" columns={COLUMNS} minWidthClass="min-w-[44rem]">
      {users.map((u) => (
        <PersonRow key={u.id} user={u} />
      ))}
    </CardTable>
  );
}

function PersonRow({ user: u }: { user: WorkspaceUser }) {
  const qc = useQueryClient();
  const viewer = useViewer();
  const self = viewer?.id === u.id;
  const [confirming, setConfirming] = useState(false);
  const patch = useMutation({
    mutationFn: (body: { role?: Role; disabled?: boolean }) => updateUser(u.id, body),
    onSuccess: (updated) => {
      setConfirming(false);
      qc.setQueryData(usersQuery().queryKey, (old) => old?.map((x) => (x.id === updated.id ? updated : x)));
      return qc.invalidateQueries({ queryKey: userKeys.all });
    },
  });
  // While a change is on its way the select shows it; on a refusal it falls back to the stored role.
  const role = patch.isPending && patch.variables.role ? patch.variables.role : u.role;
  const label = u.name || u.email;
  return (
    <tr className={u.disabled ? "bg-slate-50 text-slate-500" : undefined} data-testid={`person-${u.email}`}>
      <th scope="row" className="px-3 py-2 text-left font-medium">
        {u.name || "–"}
        {self && <span className="ml-1.5 text-xs font-normal text-slate-500">(you)</span>}
      </th>
      <td className="px-3 py-2">{u.email}</td>
      <td className="px-3 py-2">
        <select
          aria-label={`Role of ${label}`}
          className={`${selectClass} w-40 py-1`}
          value={role}
          disabled={patch.isPending}
          onChange={(e) => patch.mutate({ role: e.target.value as Role })}
        >
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {roleName(r)}
            </option>
          ))}
        </select>
      </td>
      <td className="px-3 py-2">
        {u.disabled ? (
          <span className="rounded-full bg-red-50 px-2 py-0.5 text-xs font-semibold text-red-700 ring-1 ring-red-600/20 ring-inset">Disabled</span>
        ) : (
          <span className="rounded-full bg-emerald-50 px-2 py-0.5 text-xs font-semibold text-emerald-700 ring-1 ring-emerald-600/20 ring-inset">Active</span>
        )}
      </td>
      <td className="px-3 py-2 text-xs whitespace-nowrap text-slate-600">{formatDate(u.createdAt)}</td>
      <td className="px-3 py-2 text-right">
        {u.disabled ? (
          <Button variant="secondary" size="sm" disabled={patch.isPending} onClick={() => patch.mutate({ disabled: false })} aria-label={`Enable ${label}`}>
            Enable
          </Button>
        ) : confirming ? (
          <span role="group" aria-label={`Confirm disabling ${label}`} className="inline-flex items-center gap-1">
            <span className="mr-1 text-xs text-amber-800">Signs them out everywhere.</span>
            <Button variant="danger" size="sm" disabled={patch.isPending} onClick={() => patch.mutate({ disabled: true })}>
              {patch.isPending ? "Disabling…" : "Disable now"}
            </Button>
            <Button variant="ghost" size="sm" onClick={() => setConfirming(false)}>
              Cancel
            </Button>
          </span>
        ) : (
          <Button variant="secondary" size="sm" onClick={() => setConfirming(true)} aria-label={`Disable ${label}`}>
            Disable
          </Button>
        )}
        {patch.error && <ErrorNotice error={patch.error} className="mt-2 text-left" />}
      </td>
    </tr>
  );
}
