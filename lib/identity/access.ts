import type { Role } from "./roles";

/**
 * The one access table: the least a caller needs for every API route and every page.
 *
 * - a role: a signed-in person (session cookie) or a personal API token (`wbt_…`) of at least that role;
 * - `public`: anyone (health, better-auth's own routes, set-up and invite acceptance, which check their own token);
 * - `key`: an endpoint's key (`wbk_…`), checked by the handler itself (scoring, V2, batch job submission).
 *
 * `audit` names the audit-log action recorded when the call succeeds. The route test
 * (e2e/api/access.spec.ts) reads every `app/**\/route.ts` and fails for a method missing here.
 */
export type Access = Role | "public" | "key";
export interface Rule {
  access: Access;
  audit?: string;
}
export type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS";
type Entry = Partial<Record<Method, Access | Rule>>;

export const API_ACCESS: Record<string, Entry> = {
  "/api/health": { GET: "public" },
  "/api/auth/[...all]": { GET: "public", POST: "public" },
  "/api/setup": { POST: "public" },
  "/api/invites/accept": { POST: "public" },
  "/api/me": { GET: "viewer" },
  "/api/tokens": { GET: "viewer", POST: { access: "viewer", audit: "token.create" } },
  "/api/tokens/[id]": { DELETE: { access: "viewer", audit: "token.delete" } },
  "/api/users": { GET: "admin" },
  "/api/users/[id]": { PATCH: "admin" },
  "/api/invites": { GET: "admin", POST: { access: "admin", audit: "invite.create" } },
  "/api/invites/[id]": { DELETE: { access: "admin", audit: "invite.revoke" } },
  "/api/audit": { GET: "admin" },
  "/api/settings": { GET: "admin", PUT: { access: "admin", audit: "settings.update" } },

  "/api/projects": { GET: "viewer", POST: { access: "editor", audit: "project.create" } },
  "/api/projects/[id]": { GET: "viewer", PATCH: "editor", DELETE: { access: "editor", audit: "project.delete" } },
  "/api/projects/[id]/recipe": { GET: "viewer", PUT: "editor" },
  "/api/projects/[id]/recipe/versions": { GET: "viewer" },
  "/api/projects/[id]/recipe/preview": { POST: "editor" },
  "/api/projects/[id]/runs": { GET: "viewer", POST: "editor" },
  "/api/projects/[id]/runs/browser": { POST: "editor" },
  "/api/projects/[id]/sweeps": { GET: "viewer", POST: "editor" },
  "/api/runs/[id]": { GET: "viewer" },
  "/api/runs/[id]/cancel": { POST: "editor" },
  "/api/sweeps/[id]": { GET: "viewer" },

  "/api/datasets": { GET: "viewer", POST: "editor" },
  "/api/datasets/[id]": { GET: "viewer", PATCH: "editor", DELETE: { access: "editor", audit: "dataset.delete" } },
  "/api/datasets/[id]/rows": { GET: "editor" },
  "/api/datasets/[id]/profile": { GET: "editor" },

  "/api/models": { GET: "viewer", POST: { access: "editor", audit: "model.register" } },
  "/api/models/[id]": { GET: "viewer" },
  "/api/models/[id]/bundle": { GET: "editor" },
  "/api/models/import": { POST: { access: "editor", audit: "model.import" } },

  "/api/endpoints": { GET: "viewer", POST: { access: "editor", audit: "endpoint.deploy" } },
  "/api/endpoints/[name]": {
    GET: "viewer",
    PATCH: { access: "editor", audit: "endpoint.update" },
    DELETE: { access: "editor", audit: "endpoint.delete" },
  },
  "/api/endpoints/[name]/keys": { POST: { access: "editor", audit: "endpoint.key.rotate" } },
  "/api/endpoints/[name]/score": { POST: "key", OPTIONS: "public" },
  "/api/endpoints/[name]/jobs": { GET: "viewer", POST: "key" },
  "/api/endpoints/[name]/metrics": { GET: "viewer" },
  "/api/endpoints/[name]/drift": { GET: "viewer" },
  "/api/endpoints/[name]/quality": { GET: "viewer" },
  "/api/endpoints/[name]/performance": { GET: "viewer" },
  "/api/endpoints/[name]/actuals": { POST: "editor" },
  "/api/endpoints/[name]/retrain": { POST: { access: "editor", audit: "endpoint.retrain" } },
  "/api/endpoints/[name]/compare": { POST: "editor" },
  "/api/endpoints/[name]/promote": { POST: { access: "editor", audit: "endpoint.promote" } },

  "/api/jobs/[id]": { GET: "viewer" },
  "/api/jobs/[id]/cancel": { POST: "editor" },
  "/api/jobs/[id]/errors": { GET: "editor" },
  "/api/jobs/[id]/output.csv": { GET: "editor" },

  "/api/schedules": { GET: "viewer", POST: { access: "editor", audit: "schedule.create" } },
  "/api/schedules/[id]": { GET: "viewer", PATCH: { access: "editor", audit: "schedule.update" }, DELETE: { access: "editor", audit: "schedule.delete" } },
  "/api/schedules/[id]/run": { POST: "editor" },

  "/api/reports": { GET: "viewer", POST: { access: "editor", audit: "report.create" } },
  "/api/reports/[id]": { GET: "viewer", DELETE: { access: "editor", audit: "report.delete" } },
  "/api/reports/[id]/data": { GET: "viewer" },
  "/api/reports/[id]/refresh": { POST: "editor" },

  "/api/alerts": { GET: "viewer" },
  "/api/alerts/rules": { GET: "viewer", POST: { access: "editor", audit: "alert.rule.create" } },
  "/api/alerts/rules/[id]": { DELETE: { access: "editor", audit: "alert.rule.delete" } },
  "/api/alerts/evaluate": { POST: "editor" },

  "/v2/health/live": { GET: "public" },
  "/v2/health/ready": { GET: "public" },
  "/v2/models/[name]": { GET: "public" },
  "/v2/models/[name]/ready": { GET: "public" },
  "/v2/models/[name]/infer": { POST: "key", OPTIONS: "public" },

  // Unknown API paths: a signed-in caller learns it is a 404; an anonymous one gets a 401 like any other path.
  "/api/[[...path]]": { GET: "viewer", POST: "viewer", PUT: "viewer", PATCH: "viewer", DELETE: "viewer", OPTIONS: "viewer" },
  // Unknown V2 paths: a 404 to anyone, as every V2 route answers callers without credentials.
  "/v2/[[...path]]": { GET: "public", POST: "public", PUT: "public", PATCH: "public", DELETE: "public", OPTIONS: "public" },
};

/** Pages, most specific first where patterns overlap. Pages redirect to sign-in; a role too low sees a 403 page. */
export const PAGE_ACCESS: Record<string, Access> = {
  "/sign-in": "public",
  "/setup": "public",
  "/invite": "public",
  "/forbidden": "public",
  // The demo web shop stands for a customer-facing site: it calls its endpoint with the endpoint's key.
  "/shop": "public",
  "/shop/[itemId]": "public",
  "/": "viewer",
  "/account": "viewer",
  "/projects/[id]": "viewer",
  "/projects/[id]/define": "viewer",
  "/projects/[id]/data": "editor",
  "/projects/[id]/prepare": "editor",
  "/projects/[id]/train": "viewer",
  "/projects/[id]/integrate": "viewer",
  "/projects/[id]/monitor": "viewer",
  "/datasets": "editor",
  "/datasets/[id]": "editor",
  "/models": "viewer",
  "/endpoints/[name]": "viewer",
  "/reports": "viewer",
  "/reports/[id]": "viewer",
  "/admin": "admin",
  "/admin/people": "admin",
  "/admin/settings": "admin",
  "/admin/audit": "admin",
};

interface Compiled {
  pattern: string;
  regex: RegExp;
  /** Static segments count first, then dynamic ones, then catch-alls, then optional ones (Next's own order). */
  score: number;
}

function compile(pattern: string): Compiled {
  const segments = pattern.split("/").filter(Boolean);
  let score = 0;
  const parts = segments.map((s) => {
    if (s.startsWith("[[...")) return "(?:/.+)?";
    if (s.startsWith("[...")) {
      score += 1;
      return "(?:/.+)";
    }
    if (s.startsWith("[")) {
      score += 10;
      return "/[^/]+";
    }
    score += 100;
    return "/" + s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  });
  return { pattern, regex: new RegExp(`^${parts.join("") || "/"}/?$`), score };
}

const byScore = (a: Compiled, b: Compiled) => b.score - a.score;
const API = Object.keys(API_ACCESS).map(compile).sort(byScore);
const PAGES = Object.keys(PAGE_ACCESS).map(compile).sort(byScore);

/** The route pattern a path belongs to (the most specific match), or null. */
function find(list: Compiled[], pathname: string): string | null {
  for (const c of list) if (c.regex.test(pathname)) return c.pattern;
  return null;
}

export const apiPattern = (pathname: string) => find(API, pathname);

/**
 * The rule for an API call: null when the path has no entry; `viewer` when the method has none
 * (closed to anonymous callers; access.spec.ts fails for a route serving such a method). The
 * methods a route file refuses are answered 405 by `otherMethods`, which no rule guards.
 */
export function apiRule(pathname: string, method: string): (Rule & { pattern: string }) | null {
  const pattern = apiPattern(pathname);
  if (!pattern) return null;
  // HEAD is GET without the body (Next answers it with the GET handler): the same rule, or a public GET would be a 401 to a HEAD.
  const upper = method.toUpperCase();
  const entry = API_ACCESS[pattern][(upper === "HEAD" ? "GET" : upper) as Method];
  if (!entry) return { pattern, access: "viewer" };
  return typeof entry === "string" ? { pattern, access: entry } : { pattern, ...entry };
}

/** The least access a page needs: `admin` for a path the table does not know (fail closed). */
export function pageAccess(pathname: string): Access {
  const pattern = find(PAGES, pathname);
  return pattern ? PAGE_ACCESS[pattern] : "admin";
}
