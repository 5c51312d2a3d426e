/** Workspace-wide roles, least to most. Browser-safe. */
export const ROLES = ["viewer", "editor", "admin"] as const;
export type Role = (typeof ROLES)[number];

const RANK: Record<Role, number> = { viewer: 0, editor: 1, admin: 2 };

/** Whether `role` may do what `least` may. */
export const atLeast = (role: Role, least: Role): boolean => RANK[role] >= RANK[least];

/** The lesser of two roles (a token never carries more than its owner). */
export const lesserRole = (a: Role, b: Role): Role => (RANK[a] <= RANK[b] ? a : b);

export const isRole = (v: unknown): v is Role => typeof v === "string" && (ROLES as readonly string[]).includes(v);

export const ROLE_LABEL: Record<Role, string> = {
  viewer: "Viewer — reads projects, runs, models, reports and monitoring",
  editor: "Editor — builds: data, recipes, runs, models, endpoints, jobs, schedules, reports, alerts",
  admin: "Administrator — everything, plus people, tokens, settings and the audit log",
};
