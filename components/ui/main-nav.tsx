"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { useCanVisit } from "@/components/identity/viewer-context";

const LINKS = [
  { href: "/", label: "Projects", match: (p: string) => p === "/" || p.startsWith("/projects") },
  { href: "/datasets", label: "Datasets", match: (p: string) => p.startsWith("/datasets") },
  { href: "/models", label: "Models", match: (p: string) => p.startsWith("/models") },
  { href: "/reports", label: "Reports", match: (p: string) => p.startsWith("/reports") },
  { href: "/shop", label: "Shop demo", match: (p: string) => p.startsWith("/shop") },
  { href: "/admin", label: "Admin", match: (p: string) => p.startsWith("/admin") },
];

/** The header's sections the viewer may open, the current one marked for sight and for screen readers. */
export function MainNav() {
  const pathname = usePathname() ?? "/";
  return (
    <nav aria-label="Main" className="min-w-0 overflow-x-auto">
      <ul className="flex items-center gap-1 text-sm">
        {LINKS.map((l) => (
          <NavLink key={l.href} href={l.href} label={l.label} active={l.match(pathname)} />
        ))}
      </ul>
    </nav>
  );
}

function NavLink({ href, label, active }: { href: string; label: string; active: boolean }) {
  // Datasets are for editors, Admin for administrators: a link the proxy would refuse is left out.
  const allowed = useCanVisit(href);
  if (!allowed) return null;
  return (
    <li>
      <Link
        href={href}
        aria-current={active ? "page" : undefined}
        className={`block rounded-md px-3 py-1.5 font-medium whitespace-nowrap transition-colors ${
          active ? "bg-slate-100 text-slate-900" : "text-slate-600 hover:bg-slate-50 hover:text-slate-900"
        }`}
      >
        {label}
      </Link>
    </li>
  );
}
