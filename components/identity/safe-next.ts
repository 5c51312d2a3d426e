/**
 * Where to go after signing in: a path of this site only (an absolute or protocol-relative
 * `next` would send the person elsewhere).
 */
export function safeNext(next: string | null | undefined): string {
  if (!next?.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) return "/";
  return next;
}
