"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

const LINKS = [
  { href: "/", label: "Projects", match: (p: string) => p === "/" || p.startsWith("/projects") },
  { href: "/datasets", label: "Datasets", match: (p: string) => p.startsWith("/datasets") },
  { href: "/models", label: "Models", match: (p: string) => p.startsWith("/models") },
  { href: "/reports", label: "Reports", match: (p: string) => p.startsWith("/reports") },
  { href: "/shop", label: "Shop demo", match: (p: string) => p.startsWith("/shop") },
];

/** The header's sections, the current one marked for sight and for screen readers. */
export function MainNav() {
  const pathname = usePathname() ?? "/";
  return (
    <nav aria-label="Main">
      <ul className="flex items-center gap-1 text-sm">
        {LINKS.map((l) => {
          const active = l.match(pathname);
          return (
            <li key={l.href}>
              <Link
                href={l.href}
                aria-current={active ? "page" : undefined}
                className={`rounded-md px-3 py-1.5 font-medium transition-colors ${
                  active ? "bg-slate-100 text-slate-900" : "text-slate-600 hover:bg-slate-50 hover:text-slate-900"
                }`}
              >
                {l.label}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
