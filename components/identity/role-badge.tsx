import { ROLE_LABEL, type Role } from "@/lib/identity/roles";

/** "Viewer", "Editor", "Administrator": the first part of each role's label. */
export const roleName = (role: Role): string => ROLE_LABEL[role].split(" — ")[0];

const TONES: Record<Role, string> = {
  viewer: "bg-slate-100 text-slate-700 ring-slate-400/30",
  editor: "bg-indigo-50 text-indigo-700 ring-indigo-600/20",
  admin: "bg-violet-50 text-violet-700 ring-violet-600/20",
};

export interface RoleBadgeProps {
  role: Role;
  className?: string;
}

/** A role as a small coloured pill, its description as the tooltip. */
export function RoleBadge({ role, className = "" }: RoleBadgeProps) {
  return (
    <span
      title={ROLE_LABEL[role]}
      data-testid="role-badge"
      className={`inline-flex items-center rounded-full px-2 py-0.5 text-xs font-semibold ring-1 ring-inset ${TONES[role]} ${className}`}
    >
      {roleName(role)}
    </span>
  );
}
