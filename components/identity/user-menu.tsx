"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { signOut } from "./queries";
import { RoleBadge } from "./role-badge";
import { useViewer } from "./viewer-context";

/** The signed-in person at the header's end: who, their role, their account, and signing out. */
export function UserMenu() {
  const viewer = useViewer();
  const pathname = usePathname() ?? "";
  const [state, setState] = useState<"idle" | "pending" | "failed">("idle");
  if (!viewer) return null;

  const leave = async () => {
    setState("pending");
    try {
      await signOut();
      // A full load: the layout reads the (now absent) session again, and the query cache goes with the page.
      window.location.assign("/sign-in");
    } catch {
      setState("failed");
    }
  };

  return (
    <div role="group" aria-label="Signed in" className="ml-auto flex shrink-0 items-center gap-2 text-sm">
      <div className="hidden min-w-0 text-right leading-tight lg:block" data-testid="signed-in-as">
        <p className="max-w-48 truncate font-medium text-slate-900">{viewer.name || viewer.email}</p>
        {viewer.name && <p className="max-w-48 truncate text-xs text-slate-500">{viewer.email}</p>}
      </div>
      <RoleBadge role={viewer.role} />
      <Link
        href="/account"
        aria-current={pathname === "/account" ? "page" : undefined}
        title={viewer.email}
        className={`rounded-md px-2.5 py-1.5 font-medium whitespace-nowrap transition-colors ${
          pathname === "/account" ? "bg-slate-100 text-slate-900" : "text-slate-600 hover:bg-slate-50 hover:text-slate-900"
        }`}
      >
        Account
      </Link>
      <Button variant="secondary" size="sm" onClick={leave} disabled={state === "pending"}>
        {state === "pending" ? "Signing out…" : "Sign out"}
      </Button>
      {state === "failed" && (
        <span role="alert" className="text-xs text-red-700">
          Not signed out: try again.
        </span>
      )}
    </div>
  );
}
