/**
 * The API's routes as the file system has them: every `app/**\/route.ts`, its URL pattern, the
 * methods it serves and those it answers 405. Read at test time, so a route added is covered by the
 * specs that walk them (access.spec.ts, hostile.spec.ts) without anyone listing it.
 */
import fs from "node:fs";
import path from "node:path";
import { API_ACCESS, type Access, type Method } from "@/lib/identity/access";

const ROOT = process.cwd();
export const METHODS: Method[] = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

export interface RouteFile {
  file: string;
  pattern: string;
  /** Methods the file serves (not the 405 answers of `otherMethods`). */
  served: Method[];
  /** Methods answered 405 by `otherMethods(...)`. */
  refused: Method[];
}

export function filesNamed(name: string, dir = path.join(ROOT, "app")): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return filesNamed(name, full);
    return e.name === name ? [full] : [];
  });
}

/** A page or route file's URL pattern ("/projects/[id]/train"): route groups "(x)" are not part of the URL. */
export const urlPattern = (file: string) =>
  "/" +
  path
    .relative(path.join(ROOT, "app"), path.dirname(file))
    .split(path.sep)
    .filter((s) => s && !/^\(.*\)$/.test(s))
    .join("/");

function readRoute(file: string): RouteFile {
  const source = fs.readFileSync(file, "utf8");
  const served = new Set<Method>();
  const refused = new Set<Method>();
  for (const m of source.matchAll(/export\s+(?:const|async\s+function|function)\s+(GET|POST|PUT|PATCH|DELETE|OPTIONS)\b/g)) served.add(m[1] as Method);
  // `export { a as GET }` serves; `export const { PUT, DELETE } = otherMethods(...)` refuses.
  for (const m of source.matchAll(/export\s+(?:const\s*)?\{([^}]*)\}\s*(=\s*otherMethods)?/g)) {
    for (const part of m[1].split(",")) {
      const name = part
        .trim()
        .split(/\s+as\s+/)
        .pop()
        ?.trim() as Method;
      if (!METHODS.includes(name)) continue;
      (m[2] ? refused : served).add(name);
    }
  }
  return { file: path.relative(ROOT, file), pattern: urlPattern(file), served: [...served].sort(), refused: [...refused].filter((x) => !served.has(x)).sort() };
}

/** Every route file of the app, read now. */
export const routeFiles = (): RouteFile[] => filesNamed("route.ts").map(readRoute);

/**
 * The least a method of a route pattern needs by the access table. A method it has no entry for is
 * one the route file refuses (access.spec.ts holds every served one to an entry): `otherMethods`
 * answers its 405 to anyone, before any access check.
 */
export const accessOf = (pattern: string, method: Method): Access => {
  const e = API_ACCESS[pattern]?.[method];
  return typeof e === "string" ? e : (e?.access ?? "public");
};

/** A concrete path for a pattern: ids that exist nowhere, so no call changes anything. */
export const examplePath = (pattern: string) =>
  pattern
    .replace("[[...path]]", "no/such/route")
    .replace("[...all]", "no-such-auth-route")
    .replace(/\[[^\]]+\]/g, "no-such-thing-4e1a");
