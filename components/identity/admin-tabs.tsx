"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

const TABS = [
  { href: "/admin/people", label: "People" },
  { href: "/admin/settings", label: "Settings" },
  { href: "/admin/audit", label: "Audit log" },
] as const;

/** The administration pages as tabs, the current one marked. */
export function AdminTabs() {
  const pathname = usePathname() ?? "";
  return (
    <nav aria-label="Administration" className="border-b border-slate-200">
      <ul className="-mb-px flex gap-1 text-sm">
        {TABS.map((t) => {
          const active = pathname === t.href || pathname.startsWith(t.href + "/");
          return (
            <li key={t.href}>
              <Link
                href={t.href}
                aria-current={active ? "page" : undefined}
                className={`block border-b-2 px-3 py-2 font-medium transition-colors ${
                  active ? "border-indigo-600 text-indigo-700" : "border-transparent text-slate-600 hover:border-slate-300 hover:text-slate-900"
                }`}
              >
                {t.label}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
